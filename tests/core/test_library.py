"""The library on a real SQLite file: schema, durability, recovery after a crash, culling."""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image

from studio.core.catalog import DRAFT_MODEL, Catalog
from studio.core.domain import ErrorKind, Flag, GeneratedImage, ResponseMeta, SlotStatus
from studio.core.engine import BatchSpec
from studio.core.library import BatchRecord, Library, LibraryError, LibraryOpenError
from studio.core.library.schema import SCHEMA_VERSION


def png(size: tuple[int, int] = (64, 48), colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def batch(count: int = 2, prompt: str = "a kite") -> BatchRecord:
    return BatchRecord(prompt, "gemini-3.1-flash-lite-image", "4:3", "1K", tuple(range(count)))


META = ResponseMeta(response_id="r1", model_version="m", latency_s=1.25, cost_usd=0.0336)


def test_new_library_is_wal_and_versioned(library: Library):
    db = sqlite3.connect(library.root / "library.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert library.integrity_check() == "ok"


def test_a_library_from_a_newer_app_is_refused(tmp_path: Path):
    Library.open(tmp_path).close()
    db = sqlite3.connect(tmp_path / "library.sqlite3")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(LibraryOpenError, match="newer Draft Studio"):
        Library.open(tmp_path)


def test_saved_images_are_complete_files_with_thumbnails(library: Library):
    (slot,) = library.create_batch(batch(1))
    (stored,) = library.save_images(
        slot.id, [GeneratedImage(png((640, 480)), "image/png")], META, None
    )
    assert stored.path.read_bytes() == png((640, 480))
    with Image.open(stored.thumb_path) as thumb:
        assert max(thumb.size) == 320
        assert thumb.format == "JPEG"
    draft = library.get(slot.id)
    assert draft.status == SlotStatus.SUCCEEDED
    assert (draft.width, draft.height) == (640, 480)
    assert draft.latency_ms == 1250
    assert draft.cost_usd == pytest.approx(0.0336)
    assert not list(library.images_root.rglob("*.partial"))


def test_extra_distinct_images_become_siblings(library: Library):
    (slot,) = library.create_batch(batch(1))
    images = [GeneratedImage(png(colour=c), "image/png") for c in [(1, 2, 3), (9, 9, 9)]]
    stored = library.save_images(slot.id, images, META, "note")
    assert len(stored) == 2
    sibling = library.get(stored[1].draft_id)
    assert sibling.sibling_of == slot.id
    assert sibling.cost_usd == 0
    assert library.get(slot.id).cost_usd == pytest.approx(0.0336)


def test_undecodable_bytes_are_refused_and_nothing_is_stored(library: Library):
    (slot,) = library.create_batch(batch(1))
    with pytest.raises(ValueError, match="does not decode"):
        library.save_images(slot.id, [GeneratedImage(b"\x89PNG broken", "image/png")], META, None)
    assert library.get(slot.id).path is None
    assert not list(library.images_root.rglob("*.png"))


def test_flags_ratings_and_soft_delete(library: Library):
    slots = library.create_batch(batch(3))
    for slot in slots:
        library.save_images(
            slot.id, [GeneratedImage(png(colour=(slot.slot, 0, 0)), "image/png")], META, None
        )
    library.set_flag(slots[0].id, Flag.PICK)
    library.set_rating(slots[0].id, 4)
    library.set_flag(slots[1].id, Flag.REJECT)
    library.set_rating(slots[2].id, 2)
    assert [d.id for d in library.list_drafts(picks_only=True)] == [slots[0].id]
    assert [d.id for d in library.list_drafts(min_rating=2)] == [slots[0].id, slots[2].id]
    library.set_deleted(slots[2].id, True)
    assert slots[2].id not in [d.id for d in library.list_drafts()]
    assert library.get(slots[2].id).deleted
    library.set_deleted(slots[2].id, False)
    assert slots[2].id in [d.id for d in library.list_drafts()]
    with pytest.raises(LibraryError, match="0 to 5"):
        library.set_rating(slots[0].id, 6)


def test_flagging_a_slot_without_image_is_refused(library: Library):
    (slot,) = library.create_batch(batch(1))
    with pytest.raises(LibraryError, match="has no image"):
        library.set_flag(slot.id, Flag.PICK)
    with pytest.raises(LibraryError, match="no draft with id 999"):
        library.set_flag(999, Flag.PICK)


def test_requeue_only_unfinished_slots(library: Library):
    first, second = library.create_batch(batch(2))
    library.mark_finished(first.id, SlotStatus.FAILED, kind=ErrorKind.SERVER_ERROR, message="x")
    assert library.requeue(first.id).status == SlotStatus.QUEUED
    library.save_images(second.id, [GeneratedImage(png(), "image/png")], META, None)
    with pytest.raises(LibraryError, match="only unfinished"):
        library.requeue(second.id)


def test_state_survives_reopening(tmp_path: Path):
    with Library.open(tmp_path) as library:
        (slot,) = library.create_batch(batch(1))
        library.save_images(slot.id, [GeneratedImage(png(), "image/png")], META, None)
        library.set_flag(slot.id, Flag.PICK)
        library.set_rating(slot.id, 5)
    with Library.open(tmp_path) as reopened:
        draft = reopened.get(slot.id)
    assert (draft.status, draft.flag, draft.rating) == (SlotStatus.SUCCEEDED, Flag.PICK, 5)


_DIE_MID_BATCH = textwrap.dedent(
    """
    import os, sys
    from studio.core.library import BatchRecord, Library
    from studio.core.domain import GeneratedImage, ResponseMeta
    library = Library.open(sys.argv[1])
    slots = library.create_batch(BatchRecord("p", "m", "1:1", "1K", (1, 2, 3)))
    library.mark_running(slots[0].id, 1)
    library.save_images(slots[1].id, [GeneratedImage(bytes.fromhex(sys.argv[2]), "image/png")],
                        ResponseMeta(), None)
    partial = library.images_root / f".half.png.abcd.{library.session_id}.partial"
    partial.write_bytes(b"half")
    print(slots[0].id, slots[1].id, slots[2].id, flush=True)
    os._exit(9)  # no cleanup at all, as after SIGKILL
    """
)


def test_a_dead_process_leaves_interrupted_slots(tmp_path: Path):
    child = subprocess.run(
        [sys.executable, "-c", _DIE_MID_BATCH, str(tmp_path), png().hex()],
        capture_output=True,
        text=True,
        check=False,
    )
    assert child.returncode == 9, child.stderr
    running, done, queued = map(int, child.stdout.split())
    with Library.open(tmp_path) as library:
        assert library.recovered == 2
        assert library.get(running).status == SlotStatus.INTERRUPTED
        assert library.get(queued).status == SlotStatus.INTERRUPTED
        assert library.get(queued).error_kind == ErrorKind.INTERRUPTED
        assert library.get(done).status == SlotStatus.SUCCEEDED
        assert not list(library.images_root.rglob("*.partial"))
        assert library.integrity_check() == "ok"


def test_a_live_process_keeps_its_slots_and_temp_files(tmp_path: Path):
    with Library.open(tmp_path) as first:
        (slot,) = first.create_batch(batch(1))
        first.mark_running(slot.id, 1)
        partial = first.images_root / f".x.png.abcd.{first.session_id}.partial"
        partial.parent.mkdir(parents=True)
        partial.write_bytes(b"still being written")
        with Library.open(tmp_path) as second:
            assert second.recovered == 0
            assert second.get(slot.id).status == SlotStatus.RUNNING
        assert partial.exists()
        partial.unlink()


def test_spend_since(library: Library):
    (slot,) = library.create_batch(batch(1))
    library.save_images(slot.id, [GeneratedImage(png(), "image/png")], META, None)
    assert library.spending.since(0) == pytest.approx(0.0336)
    assert library.spending.since(2**40) == 0


def test_library_files_stay_inside_the_library(library: Library):
    (slot,) = library.create_batch(batch(1, prompt="../../etc/passwd"))
    (stored,) = library.save_images(slot.id, [GeneratedImage(png(), "image/png")], META, None)
    assert library.root in stored.path.parents
    assert os.path.commonpath([library.root, stored.path]) == str(library.root)


def _open_at_once(root: Path, count: int) -> list[Exception]:
    """`count` connections open the same library at the same instant, as separate processes
    would; returns what went wrong."""
    start = threading.Barrier(count)

    def open_one(_: int) -> Exception | None:
        start.wait()
        try:
            Library.open(root).close()
        except Exception as exc:
            return exc
        return None

    with ThreadPoolExecutor(count) as pool:
        return [problem for problem in pool.map(open_one, range(count)) if problem]


def test_many_opening_a_new_library_at_once_all_succeed(tmp_path: Path) -> None:
    """Scripts run the CLI several times in parallel on a library that does not exist yet:
    each creates, migrates and switches it to WAL at the same instant. A race is caught
    about one time in three, so twenty rounds."""
    for attempt in range(20):
        root = tmp_path / f"library-{attempt}"
        assert _open_at_once(root, 4) == []
        with Library.open(root) as library:
            assert library.list_drafts() == []


V1_LIBRARY = Path(__file__).parent / "data" / "library-v1"


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted((root / "images").rglob("*"))
        if p.is_file()
    }


def test_a_library_written_by_schema_1_is_upgraded_in_place(tmp_path: Path):
    """The fixture was written by Draft Studio's schema-1 code: picks, ratings, a trashed
    draft, a blocked slot, image files and thumbnails."""
    root = tmp_path / "library"
    shutil.copytree(V1_LIBRARY, root)
    before_files = _files(root)
    db = sqlite3.connect(root / "library.sqlite3")
    db.row_factory = sqlite3.Row
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    columns = "id, batch_id, slot, seed, status, flag, rating, deleted_at, path, thumb_path, sha256"
    before_rows = [tuple(r) for r in db.execute(f"SELECT {columns} FROM drafts ORDER BY id")]
    before_batches = [tuple(r) for r in db.execute("SELECT * FROM batches ORDER BY id")]
    db.close()

    with Library.open(root) as library:
        drafts = {d.id: d for d in library.list_drafts(include_deleted=True)}
        assert library.integrity_check() == "ok"
        assert drafts[1].flag == Flag.PICK
        assert drafts[1].rating == 5
        assert drafts[2].flag == Flag.REJECT
        assert drafts[3].deleted
        assert drafts[6].status == SlotStatus.BLOCKED
        assert all(d.parent_id is None and d.derivation is None for d in drafts.values())
        assert all(d.path is None or d.path.is_file() for d in drafts.values())
        assert drafts[1].prompt == "a paper boat on a pond"
        assert drafts[1].aspect == "16:9"
        # Nobody knows where old drafts were sent: they stay billed, as they were shown.
        assert all(d.billed and d.batch_not_sent == 0 for d in drafts.values())
        # New work lands beside the old, with the next ids.
        (fresh,) = library.create_batch(batch(1))
        assert fresh.id == 7
        assert fresh.batch_id == 4

    db = sqlite3.connect(root / "library.sqlite3")
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
    after_rows = [tuple(r) for r in db.execute(f"SELECT {columns} FROM drafts WHERE id < 7")]
    after_batches = [
        tuple(r)[: len(before_batches[0])]
        for r in db.execute("SELECT * FROM batches WHERE id < 4 ORDER BY id")
    ]
    db.close()
    assert after_rows == before_rows
    assert after_batches == before_batches
    assert _files(root) == before_files


V2_LIBRARY = Path(__file__).parent / "data" / "library-v2"


def _table(db: sqlite3.Connection, table: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in db.execute(f"SELECT * FROM {table} ORDER BY rowid")]


_KEPT_TABLES = ("drafts", "batches", "reference_images", "batch_references")
Snapshot = tuple[dict[str, list[tuple[object, ...]]], dict[str, bytes]]


def _copied(fixture: Path, tmp_path: Path, *, schema: int) -> tuple[Path, Snapshot]:
    """A copy of a library written by an older schema, and what it holds before opening."""
    root = tmp_path / "library"
    shutil.copytree(fixture, root)
    db = sqlite3.connect(root / "library.sqlite3")
    assert db.execute("PRAGMA user_version").fetchone()[0] == schema
    tables = {t: _table(db, t) for t in _KEPT_TABLES}
    db.close()
    return root, (tables, _files(root))


def _assert_kept(root: Path, before: Snapshot) -> None:
    """Upgraded to the current schema with every value and file as it was; the new columns
    come last and new rows after the old."""
    tables, files = before
    db = sqlite3.connect(root / "library.sqlite3")
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
    for table, rows in tables.items():
        assert [row[: len(rows[0])] for row in _table(db, table)][: len(rows)] == rows, table
    db.close()
    assert _files(root) == files


def test_a_library_written_by_schema_2_is_upgraded_in_place(tmp_path: Path):
    """The fixture was written by the CLI at schema 2 against the sandbox: three drafts with a
    reference image (a pick rated 5, a reject, a trashed one), a blocked slot, then a refine
    of the pick, an edit of the refine (multi-turn, signed parts kept) and a variation."""
    root, before = _copied(V2_LIBRARY, tmp_path, schema=2)

    with Library.open(root) as library:
        drafts = {d.id: d for d in library.list_drafts(include_deleted=True)}
        assert library.integrity_check() == "ok"
        assert (drafts[1].flag, drafts[1].rating, drafts[2].flag) == (Flag.PICK, 5, Flag.REJECT)
        assert drafts[3].deleted
        assert drafts[4].status == SlotStatus.BLOCKED
        assert [(drafts[i].parent_id, drafts[i].derivation) for i in (5, 6, 7)] == [
            (1, "refine"),
            (5, "edit"),
            (1, "vary"),
        ]
        assert library.family.conversation(6)
        assert library.family.answer(6)
        assert len(library.references.of_batch(1)) == 1
        assert all(d.billed and d.batch_not_sent == 0 for d in drafts.values())

    _assert_kept(root, before)


V3_LIBRARY = Path(__file__).parent / "data" / "library-v3"


def test_a_library_written_by_schema_3_is_upgraded_in_place(tmp_path: Path):
    """The fixture was written by the CLI at schema 3 against the sandbox: three 16:9 drafts
    with a reference image (a pick rated 5, a reject, a trashed one), a blocked slot, a
    refine of the pick, and a budget stop that left one draft and 29 slots not sent."""
    root, before = _copied(V3_LIBRARY, tmp_path, schema=3)

    with Library.open(root) as library:
        drafts = {d.id: d for d in library.list_drafts(include_deleted=True)}
        assert library.integrity_check() == "ok"
        assert (drafts[1].flag, drafts[1].rating, drafts[2].flag) == (Flag.PICK, 5, Flag.REJECT)
        assert drafts[3].deleted
        assert drafts[4].status == SlotStatus.BLOCKED
        assert (drafts[5].parent_id, drafts[5].derivation) == (1, "refine")
        assert drafts[6].batch_not_sent == 29
        assert not any(d.billed for d in drafts.values())
        assert all(d.matrix_values == () and d.job_id is None for d in drafts.values())
        assert all(d.batch_axes == () for d in drafts.values())
        assert library.jobs.all() == []
        # The new kinds of work land beside the old.
        plan = BatchSpec("a {red|teal} kite", DRAFT_MODEL, "1:1", "1K", count=1).plan(Catalog())
        job = library.jobs.create(plan.record, source="inline", billed=True)
        fresh = library.drafts_of_batch(job.batch_id)
        assert [(d.prompt, d.status, d.job_id) for d in fresh] == [
            ("a red kite", SlotStatus.SUBMITTED, job.id),
            ("a teal kite", SlotStatus.SUBMITTED, job.id),
        ]
        assert fresh[0].batch_axes[0].values == ("red", "teal")

    _assert_kept(root, before)


V4_LIBRARY = Path(__file__).parent / "data" / "library-v4"


def test_a_library_written_by_schema_4_is_upgraded_in_place(tmp_path: Path):
    """The fixture was written by the CLI at schema 4 against the sandbox: a matrix batch of
    four ("a {red|teal} kite", the first picked and rated 5) and a Batch API job of two that
    succeeded and was imported."""
    root, before = _copied(V4_LIBRARY, tmp_path, schema=4)
    db = sqlite3.connect(root / "library.sqlite3")
    jobs_before = _table(db, "jobs")
    db.close()

    with Library.open(root) as library:
        drafts = {d.id: d for d in library.list_drafts(include_deleted=True)}
        assert library.integrity_check() == "ok"
        assert (drafts[1].flag, drafts[1].rating) == (Flag.PICK, 5)
        assert [drafts[i].prompt for i in (1, 3)] == ["a red kite", "a teal kite"]
        assert drafts[1].batch_axes[0].values == ("red", "teal")
        (job,) = library.jobs.all()
        assert job.done
        assert job.arrived == 2
        assert all(drafts[i].job_id == job.id for i in (5, 6))
        assert all(d.path is not None and d.path.is_file() for d in drafts.values())
        assert library.tournaments.latest_unfinished() is None
        # The new table takes work beside the old.
        tournament_id = library.tournaments.create([1, 2, 3])
        assert library.tournaments.get(tournament_id).items == (1, 2, 3)

    _assert_kept(root, before)
    db = sqlite3.connect(root / "library.sqlite3")
    assert _table(db, "jobs") == jobs_before
    db.close()


def test_drafts_remember_whether_they_were_billed(library: Library):
    """The sandbox's answers carry what they would cost; nobody paid it, and a real session's
    daily budget must not count it."""
    (real,) = library.create_batch(batch(1))
    (sandbox,) = library.create_batch(batch(1), billed=False)
    for slot in (real, sandbox):
        library.save_images(slot.id, [GeneratedImage(png(), "image/png")], META, None)
    assert (library.get(real.id).billed, library.get(sandbox.id).billed) == (True, False)
    assert library.spending.since(0) == pytest.approx(0.0336)
    assert library.spending.since(0, False) == pytest.approx(0.0336)
    # A retry goes to whichever service answers now.
    library.mark_running(sandbox.id, 2, billed=True)
    assert library.get(sandbox.id).billed


def test_slots_a_budget_stopped_before_sending_leave_only_a_count(library: Library):
    slots = library.create_batch(batch(4))
    library.mark_running(slots[0].id, 1)  # sent once: its history stays
    library.mark_finished(slots[1].id, SlotStatus.CANCELLED)
    dropped = library.spending.drop_not_sent([s.id for s in slots])
    assert dropped == {slots[2].id, slots[3].id}
    kept = library.drafts_of_batch(slots[0].batch_id)
    assert [d.id for d in kept] == [slots[0].id, slots[1].id]
    assert {d.batch_not_sent for d in kept} == {2}
