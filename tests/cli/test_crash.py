"""SIGKILL in the middle of a 100-image batch: what arrived stays whole, the rest is interrupted."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from signal import SIGKILL

import pytest

from studio.core.library import Library
from studio.core.library.files import TEMP_SUFFIX
from studio.sandbox import SandboxConfig, SandboxServer
from tests.cli.helpers import (
    cli_env,
    db_rows,
    decodes,
    library_dir,
    list_drafts,
    signal_after_arrivals,
)

COUNT = 100
KILL_AFTER = 40  # arrivals seen on stderr before the kill
UNFINISHED = {"queued", "running", "retrying"}


@pytest.fixture
def slow_sandbox() -> Iterator[SandboxServer]:
    config = SandboxConfig(latency_s=0.15, latency_jitter_s=0.1, pixel_scale=0.1)
    with SandboxServer(config) as server:
        yield server


def _kill_mid_batch(server: SandboxServer) -> tuple[set[int], list[str], str]:
    """Starts the batch, SIGKILLs it once KILL_AFTER arrivals were reported; returns them."""
    env = cli_env(GEMINI_API_KEY="crash-test-key", GOOGLE_GEMINI_BASE_URL=server.base_url)
    args = ["generate", "a crowded harbour at noon", "-n", str(COUNT), "--json"]
    run = signal_after_arrivals([*args, "--max-concurrency", "8"], env, KILL_AFTER, SIGKILL)
    assert run.code == -SIGKILL, run
    return run.arrived, run.stderr_lines, run.stdout


def test_sigkill_mid_batch_loses_nothing_that_arrived(slow_sandbox: SandboxServer) -> None:
    arrived, stderr_lines, stdout = _kill_mid_batch(slow_sandbox)

    assert len(arrived) >= KILL_AFTER, stderr_lines
    assert stdout == ""  # killed before the summary
    root = library_dir()

    with Library.open(root) as library:  # a new session: recovery runs here
        recovered = library.recovered
        assert library.integrity_check() == "ok"
        drafts = library.list_drafts(include_deleted=True)
        batch_ids = {d.batch_id for d in drafts}
        assert len(batch_ids) == 1
        (batch_id,) = batch_ids
        by_id = {d.id: d for d in library.drafts_of_batch(batch_id)}

    # Every slot is accounted for, and none is left looking as if it were still running.
    statuses = Counter(d.status.value for d in by_id.values())
    assert sum(statuses.values()) == COUNT, statuses
    assert not UNFINISHED & statuses.keys(), statuses
    assert set(statuses) <= {"succeeded", "interrupted"}, statuses
    # The kill really landed mid-batch.
    assert statuses["succeeded"] >= len(arrived)
    assert statuses["interrupted"] > 0, statuses
    assert recovered == statuses["interrupted"]
    for draft in by_id.values():
        if draft.status.value == "interrupted":
            assert draft.path is None
            assert draft.error_kind == "interrupted"

    # What the CLI reported as arrived is in the library, whole, with its thumbnail.
    for draft_id in arrived:
        draft = by_id[draft_id]
        assert draft.status.value == "succeeded", draft
        assert draft.path is not None
        assert draft.thumb_path is not None
        assert decodes(draft.path), draft.path
        assert decodes(draft.thumb_path), draft.thumb_path

    # Every file the database lists exists and is exactly what was recorded.
    rows = db_rows(root, "SELECT id, path, thumb_path, sha256, byte_size FROM drafts")
    listed = [row for row in rows if row["path"] is not None]
    assert len(listed) == statuses["succeeded"]
    for row in listed:
        data = (root / row["path"]).read_bytes()
        assert len(data) == row["byte_size"], row["id"]
        assert hashlib.sha256(data).hexdigest() == row["sha256"], row["id"]
        assert (root / row["thumb_path"]).is_file(), row["id"]

    # No half-written file is left anywhere in the images folder.
    files = [p for p in (root / "images").rglob("*") if p.is_file()]
    assert not [p for p in files if p.name.endswith(TEMP_SUFFIX)]
    assert not [p for p in files if p.name.startswith(".")]
    images = [p for p in files if p.suffix == ".png"]
    thumbs = [p for p in files if p.name.endswith(".thumb.jpg")]
    assert len(images) >= statuses["succeeded"]
    assert len(images) + len(thumbs) == len(files), sorted(p.name for p in files)
    assert all(decodes(p) for p in images + thumbs)

    # The command line shows the same picture.
    shown = Counter(d["status"] for d in list_drafts() if d["batch_id"] == batch_id)
    assert shown == statuses


def test_recovery_removes_partial_files_a_crash_left() -> None:
    # What the check above relies on: a temp file left by a killed writer is cleaned up.
    month = library_dir() / "images" / "2000-01"
    month.mkdir(parents=True)
    partial = month / f".000001-000-0-deadbeef.png.0badf00d{TEMP_SUFFIX}"
    partial.write_bytes(b"\x89PNG\r\n\x1a\n half")

    with Library.open(library_dir()):
        pass

    assert not partial.exists()
