"""`draft-studio export` as a user runs it: selection, presets, exit codes, JSON report."""

from __future__ import annotations

import hashlib
import io
import os
import re
import signal
from pathlib import Path

from PIL import Image

from studio.core.domain import Flag, GeneratedImage, ResponseMeta
from studio.core.library import BatchRecord, Library
from tests.cli.helpers import cli_env, library_dir, run_cli, run_many, signal_after_arrivals
from tests.read_only import read_only_folder

EXPORTED = re.compile(r"^\[\d+/\d+\] Draft (\d+) exported to ")

FAKE_KEY = "AIzaSyA-export-test-key-000000000000000"
META = ResponseMeta(response_id="r1", model_version="m", latency_s=1.0, cost_usd=0.01)


def png(size: tuple[int, int] = (96, 64)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 90, 200)).save(out, "PNG")
    return out.getvalue()


def seed_library(flags: list[Flag], ratings: list[int] | None = None) -> list[int]:
    """Drafts with images, flagged and rated, made in this process (no CLI start-up)."""
    ratings = ratings or [0] * len(flags)
    with Library.open(library_dir()) as library:
        slots = library.create_batch(
            BatchRecord(
                "a lighthouse at dawn",
                "gemini-3.1-flash-lite-image",
                "1:1",
                "1K",
                (1, 2, 3)[: len(flags)],
            )
        )
        for slot, flag, rating in zip(slots, flags, ratings, strict=True):
            library.save_images(slot.id, [GeneratedImage(png(), "image/png")], META, None)
            library.set_flag(slot.id, flag)
            library.set_rating(slot.id, rating)
        return [slot.id for slot in slots]


def test_picks_export_as_original_copies(tmp_path: Path):
    pick, _, other_pick = seed_library([Flag.PICK, Flag.NONE, Flag.PICK])
    out = tmp_path / "out"
    # A key in the environment must not end up in anything written.
    env = cli_env(GEMINI_API_KEY=FAKE_KEY)
    result = run_cli(
        "export", "--picks", "--to", str(out), "--name", "{id}", "--json", "--sidecar", env=env
    )
    assert result.code == 0, str(result)
    report = result.json()
    assert report["requested"] == 2
    assert report["exported"] == 2
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{i}{ext}" for i in (pick, other_pick) for ext in (".png", ".xmp", ".json")
    )
    for written in out.iterdir():
        data = written.read_bytes()
        assert FAKE_KEY.encode() not in data
        assert str(library_dir()).encode() not in data
    with Library.open(library_dir()) as library:
        source = library.get(pick).path
    assert source is not None
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    assert hashlib.sha256((out / f"{pick}.png").read_bytes()).hexdigest() == digest


def test_preset_and_explicit_format(tmp_path: Path):
    ids = seed_library([Flag.PICK, Flag.PICK], [5, 2])
    youtube, webp, usage = run_many(
        ("export", "--min-rating", "4", "--to", str(tmp_path / "yt"), "--preset", "youtube"),
        (
            "export",
            "--ids",
            *map(str, ids),
            "--to",
            str(tmp_path / "web"),
            "--format",
            "webp",
            "--quality",
            "70",
            "--resize",
            "48",
            "--sidecar",
            "--json",
        ),
        ("export", "--picks", "--to", str(tmp_path / "x"), "--name", "{password}"),
    )
    assert youtube.code == 0, str(youtube)
    (thumb,) = (tmp_path / "yt").iterdir()
    with Image.open(thumb) as image:
        assert image.size == (1280, 720)
    assert "1 of 1 drafts exported" in youtube.stderr

    assert webp.code == 0, str(webp)
    results = webp.json()["results"]
    assert [r["width"] for r in results] == [48, 48]
    assert all(r["path"].endswith(".webp") and r["quality"] == 70 for r in results)
    assert len(list((tmp_path / "web").glob("*.json"))) == 2

    assert usage.code == 2
    assert "{password}" in usage.stderr
    assert not (tmp_path / "x").exists() or not list((tmp_path / "x").iterdir())


def test_some_failed_exits_1_with_a_sentence_each(tmp_path: Path):
    ids = seed_library([Flag.PICK, Flag.PICK])
    with Library.open(library_dir()) as library:
        missing = library.get(ids[1]).path
    assert missing is not None
    missing.unlink()
    result = run_cli(
        "export", "--ids", str(ids[0]), str(ids[1]), "999", "--to", str(tmp_path / "o")
    )
    assert result.code == 1, str(result)
    assert "There is no draft with id 999." in result.stderr
    assert f"Draft {ids[1]} was not exported: the original image file is missing" in result.stderr
    assert "1 of 3 drafts exported" in result.stderr
    assert len(list((tmp_path / "o").iterdir())) == 1


def test_usage_errors_exit_2(tmp_path: Path):
    seed_library([Flag.PICK])
    out = str(tmp_path / "o")
    cases = run_many(
        ("export", "--to", out),  # no selection
        ("export", "--picks", "--ids", "1", "--to", out),
        ("export", "--picks", "--to", out, "--preset", "tiktok"),
        ("export", "--picks", "--to", out, "--resize", "big"),
        ("export", "--picks", "--to", out, "--quality", "80"),  # Original has no quality
    )
    for result in cases:
        assert result.code == 2, str(result)
        assert "Traceback" not in result.stderr


def test_nothing_selected_exits_1(tmp_path: Path):
    seed_library([Flag.NONE])
    result = run_cli("export", "--picks", "--to", str(tmp_path / "o"))
    assert result.code == 1, str(result)
    assert "No drafts match" in result.stderr


def test_a_target_that_is_a_file_is_refused(tmp_path: Path):
    seed_library([Flag.PICK])
    blocker = tmp_path / "file"
    blocker.write_bytes(b"x")
    result = run_cli("export", "--picks", "--to", str(blocker / "sub"))
    assert result.code == 2, str(result)
    assert os.path.getsize(blocker) == 1


def test_a_read_only_target_is_one_sentence_up_front(tmp_path: Path):
    seed_library([Flag.PICK, Flag.PICK])
    with read_only_folder(tmp_path) as locked:
        plain, as_json = run_many(
            ("export", "--picks", "--to", str(locked)),
            ("export", "--picks", "--to", str(locked), "--json"),
        )
        really_read_only = locked.is_dir()
        assert not really_read_only or list(locked.iterdir()) == []
    if really_read_only:
        sentence = f"The export folder '{locked}' cannot be written to: permission denied."
    else:  # no immutable folders on this filesystem: a file stands in the folder's place
        sentence = f"The export folder '{locked}' is a file, not a folder."
    for result in (plain, as_json):
        assert result.code == 2, str(result)
        assert result.stderr_lines == [f"draft-studio: {sentence}"]  # once, not per file
        assert result.stdout == ""


def test_an_uncreatable_target_exits_as_a_read_only_one(tmp_path: Path):
    seed_library([Flag.PICK])
    with read_only_folder(tmp_path) as locked:
        wanted = locked / "picks"
        uncreatable, read_only = run_many(
            ("export", "--picks", "--to", str(wanted)),
            ("export", "--picks", "--to", str(locked)),
        )
        reason = "permission denied" if locked.is_dir() else "a file is in the way of the folder"
    assert uncreatable.stderr_lines == [
        f"draft-studio: The export folder '{wanted}' cannot be created: {reason}."
    ]
    assert uncreatable.code == read_only.code == 2, f"{uncreatable}\n{read_only}"


def test_help_documents_the_exit_codes():
    result = run_cli("export", "--help")
    assert result.code == 0, str(result)
    assert "  2    bad options, or a target folder that cannot be created or written to" in (
        result.stdout
    )
    assert "  1    some were not" in result.stdout


def test_a_missing_target_is_created(tmp_path: Path):
    seed_library([Flag.PICK])
    out = tmp_path / "new" / "picks"
    result = run_cli("export", "--picks", "--to", str(out))
    assert result.code == 0, str(result)
    assert len(list(out.iterdir())) == 1


def test_index_counts_oldest_first_whatever_the_ids_order(tmp_path: Path):
    older = seed_library([Flag.PICK, Flag.NONE, Flag.PICK])
    newer = seed_library([Flag.PICK, Flag.PICK])
    picks = [older[0], older[2], *newer]
    name = ("--name", "{index}_{id}")
    by_picks, by_ids = run_many(
        ("export", "--picks", "--to", str(tmp_path / "picks"), *name),
        ("export", "--ids", *map(str, reversed(picks)), "--to", str(tmp_path / "ids"), *name),
    )
    expected = [f"{i:03d}_{draft_id}.png" for i, draft_id in enumerate(picks, start=1)]
    for result, folder in ((by_picks, "picks"), (by_ids, "ids")):
        assert result.code == 0, str(result)
        assert sorted(p.name for p in (tmp_path / folder).iterdir()) == expected


def test_ctrl_c_finishes_the_files_in_flight_and_still_prints_the_summary(tmp_path: Path):
    out = tmp_path / "out"
    # Lossless WebP of noise is slow to encode: the export is still going when Ctrl+C comes.
    noise = io.BytesIO()
    Image.frombytes("RGB", (512, 512), os.urandom(512 * 512 * 3)).save(noise, "PNG")
    with Library.open(library_dir()) as library:
        slots = library.create_batch(
            BatchRecord("noise", "gemini-3.1-flash-lite-image", "1:1", "1K", tuple(range(30)))
        )
        for slot in slots:
            library.save_images(
                slot.id, [GeneratedImage(noise.getvalue(), "image/png")], META, None
            )
            library.set_flag(slot.id, Flag.PICK)
    args = ["export", "--picks", "--to", str(out), "--format", "webp", "--lossless"]

    run = signal_after_arrivals(args, cli_env(), 1, signal.SIGINT, arrived=EXPORTED)

    assert run.code == 130, run
    assert "Traceback" not in "\n".join(run.stderr_lines)
    files = sorted(out.iterdir())
    assert not [f for f in files if f.name.endswith(".partial")]
    exported = [line for line in run.stderr_lines if EXPORTED.match(line)]
    assert 1 <= len(files) == len(exported) < 30
    for file in files:
        with Image.open(file) as image:
            image.load()  # complete, not cut off
    assert run.stderr_lines[-2] == f"Stopped early: {30 - len(files)} not exported."
    assert run.stderr_lines[-1].startswith(f"{len(files)} of 30 drafts exported to {out}")
