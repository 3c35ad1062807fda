"""DraftListModel and ThumbnailCache over a real library with real image files."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap

from studio.core.domain import ErrorKind, Flag, SlotStatus
from studio.core.engine.events import (
    BatchQueued,
    QueuePaused,
    SlotBlocked,
    SlotCancelled,
    SlotFailed,
    SlotQueued,
    SlotRetrying,
    SlotStarted,
    SlotSucceeded,
)
from studio.core.library import DraftRecord, Library
from studio.core.money import usd
from studio.models.draft_labels import state_label
from studio.models.draft_list import DraftListModel, Role, RowKind
from studio.models.grid_geometry import GridFrame
from studio.models.grid_state import DraftFilter, FilterMode
from studio.models.thumbnails import ThumbnailCache
from tests.library_data import META, png, record, save


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library") as opened:
        yield opened


@pytest.fixture
def thumbnails(qtbot) -> ThumbnailCache:
    return ThumbnailCache()


@pytest.fixture
def model(library: Library, thumbnails: ThumbnailCache) -> DraftListModel:
    return DraftListModel(library, thumbnails)


def rows(model: DraftListModel) -> list[tuple[str, int]]:
    """(kind, batch id or draft id) per row, the shape of the grid at a glance."""
    shape = []
    for row in range(model.rowCount()):
        index = model.index(row)
        kind = model.data(index, Role.KindRole)
        key = Role.BatchIdRole if kind == RowKind.HEADER else Role.DraftIdRole
        shape.append((kind, model.data(index, key)))
    return shape


def value(model: DraftListModel, draft_id: int, role: int):
    row = model.row_of(draft_id)
    assert row is not None, f"draft {draft_id} is not shown"
    return model.data(model.index(row), role)


def test_reload_shows_headers_then_tiles_newest_batch_first(qtmodeltester, library, model):
    old = library.create_batch(record("a red kite over dunes", 2, aspect="1:1"))
    new = library.create_batch(record("Neon koi pond", 3))
    save(library, new[1].id, png((160, 90)))

    model.reload()

    qtmodeltester.check(model)
    assert rows(model) == [
        ("header", new[0].batch_id),
        *[("tile", draft.id) for draft in new],
        ("header", old[0].batch_id),
        *[("tile", draft.id) for draft in old],
    ]
    header = model.index(0)
    assert model.flags(header) & Qt.ItemFlag.ItemIsSelectable == Qt.ItemFlag.NoItemFlags
    assert model.flags(model.index(1)) & Qt.ItemFlag.ItemIsSelectable
    assert model.data(header, Role.HeaderTextRole).startswith("“Neon koi pond” · ")
    assert "1 of 3 images" in model.data(header, Role.HeaderDetailRole)
    assert model.data(header, Role.HeaderDetailRole).endswith(usd(0.0336, fine=True))
    assert model.draft_id_at(0) is None
    assert model.draft_id_at(1) == new[0].id
    assert model.row_of(old[1].id) == 6

    queued = new[0].id
    assert value(model, queued, Role.StatusRole) == SlotStatus.QUEUED
    assert value(model, queued, Role.SeedRole) == 0
    # The shape of the pixels the service sends for 16:9, so the cell keeps it on arrival.
    assert value(model, queued, Role.AspectRole) == pytest.approx(1344 / 768)
    assert value(model, queued, Role.PromptRole) == "Neon koi pond"
    assert value(model, queued, Role.ThumbnailRole) is None
    assert value(model, queued, Qt.ItemDataRole.DisplayRole) == "Queued"
    tooltip = value(model, queued, Qt.ItemDataRole.ToolTipRole)
    assert "Neon koi pond" in tooltip
    assert "Nano Banana 2 Lite · 16:9 · 1K" in tooltip
    assert "seed 0" in tooltip
    assert "Queued" in tooltip
    assert value(model, queued, Qt.ItemDataRole.AccessibleTextRole).startswith("Draft 1, Queued")
    done = new[1].id
    assert value(model, done, Role.StatusRole) == SlotStatus.SUCCEEDED
    assert value(model, done, Role.AspectRole) == pytest.approx(160 / 90)
    assert value(model, done, Role.FlagRole) == Flag.NONE
    assert value(model, done, Role.RatingRole) == 0


def test_a_thumbnail_arrives_and_repaints_only_its_row(qtbot, library, model, thumbnails):
    drafts = library.create_batch(record("kites", 3))
    for draft in drafts:
        save(library, draft.id, png(colour=(30, 200, 30)))
    model.reload()
    changed: list[tuple[int, int, list[int]]] = []
    model.dataChanged.connect(lambda tl, br, roles: changed.append((tl.row(), br.row(), roles)))
    target = drafts[1].id

    with qtbot.waitSignal(thumbnails.ready, timeout=5000) as ready:
        assert value(model, target, Role.ThumbnailRole) is None  # a miss starts the load

    assert ready.args == [target]
    row = model.row_of(target)
    assert changed == [(row, row, [int(Role.ThumbnailRole), int(Role.ErrorRole)])]
    pixmap = value(model, target, Role.ThumbnailRole)
    assert isinstance(pixmap, QPixmap)
    assert (pixmap.width(), pixmap.height()) == (160, 90)
    assert thumbnails.stats.hits == 1
    assert thumbnails.stats.misses == 1


@pytest.mark.parametrize(
    ("tile_px", "dpr", "device_width"),
    [
        (192, 1.0, 320),  # the library's thumbnail is enough
        (384, 1.0, 480),  # larger tiles: the original, read at the next step up
        (240, 2.0, 480),  # HiDPI: device pixels count, not logical ones
        (384, 2.0, 800),
    ],
)
def test_large_tiles_and_hidpi_screens_get_sharp_pictures(
    qtbot, library, model, thumbnails, tile_px: int, dpr: float, device_width: int
):
    (draft,) = library.create_batch(record("one sharp kite", 1, "1:1"))
    save(library, draft.id, png((1024, 1024)))
    model.reload()
    model.set_device_pixel_ratio(dpr)
    model.set_frame(GridFrame(room=2000, tile=tile_px, spacing=8, pad=8))

    def loaded() -> bool:
        picture = value(model, draft.id, Role.ThumbnailRole)
        return isinstance(picture, QPixmap) and picture.width() == device_width

    qtbot.waitUntil(loaded, timeout=5000)
    picture = value(model, draft.id, Role.ThumbnailRole)
    assert picture.devicePixelRatio() == dpr
    assert picture.height() == device_width  # square stays square


def test_while_a_sharp_picture_loads_the_thumbnail_stands_in(qtbot, library, model, thumbnails):
    (draft,) = library.create_batch(record("one kite", 1, "1:1"))
    save(library, draft.id, png((1024, 1024)))
    model.reload()
    with qtbot.waitSignal(thumbnails.ready, timeout=5000):
        assert value(model, draft.id, Role.ThumbnailRole) is None
    assert value(model, draft.id, Role.ThumbnailRole).width() == 320
    model.set_frame(GridFrame(room=2000, tile=384, spacing=8, pad=8))  # a sharper one loads…
    assert value(model, draft.id, Role.ThumbnailRole).width() == 320  # …the thumbnail shows


def test_engine_events_update_one_tile_each(qtbot, qtmodeltester, library, model):
    model.reload()
    qtmodeltester.check(model)  # it keeps checking every signal that follows
    drafts = library.create_batch(record("moth on a lamp", 4))
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))

    model.apply(BatchQueued(drafts[0].batch_id, tuple(drafts)))

    assert inserted == [(0, 4)]
    assert rows(model) == [("header", drafts[0].batch_id), *[("tile", d.id) for d in drafts]]
    assert not model.ticking

    changed: list[int] = []
    model.dataChanged.connect(lambda tl, br, _roles: changed.extend(range(tl.row(), br.row() + 1)))
    first, second, third, fourth = (draft.id for draft in drafts)

    started = time.monotonic()
    model.apply(SlotStarted(first, 1))
    assert value(model, first, Role.StatusRole) == SlotStatus.RUNNING
    assert 0 <= value(model, first, Role.ElapsedRole) <= time.monotonic() - started
    assert re.fullmatch(r"Running \d+\.\d s", value(model, first, Qt.ItemDataRole.DisplayRole))
    assert model.ticking
    assert changed == [model.row_of(first), 0]  # the tile, then its header's count

    changed.clear()
    before = time.monotonic()
    model.apply(SlotRetrying(second, 1, ErrorKind.RATE_LIMITED, "Too many requests.", 4.0))
    after = time.monotonic()
    assert before + 4.0 <= value(model, second, Role.RetryAtRole) <= after + 4.0
    assert value(model, second, Role.ErrorRole) == "rate limited"
    assert re.fullmatch(r"Retrying in [1-4] s", value(model, second, Qt.ItemDataRole.DisplayRole))
    assert value(model, second, Role.ElapsedRole) is None
    assert changed == [model.row_of(second), 0]

    model.apply(SlotBlocked(third, "IMAGE_SAFETY", "The safety filter withheld the image."))
    assert value(model, third, Qt.ItemDataRole.DisplayRole) == "Blocked: safety"
    assert "withheld" in value(model, third, Qt.ItemDataRole.ToolTipRole)
    model.apply(SlotFailed(fourth, ErrorKind.TIMEOUT, "No answer within 60 s."))
    assert value(model, fourth, Qt.ItemDataRole.DisplayRole) == "Failed: timed out"
    assert value(model, fourth, Role.ErrorRole) == "timed out"
    assert model.data(model.index(0), Role.HeaderDetailRole).endswith(
        "0 of 4 images · $0.00 · 1 failed · 1 blocked"
    )

    model.apply(SlotQueued(second))
    assert value(model, second, Role.StatusRole) == SlotStatus.QUEUED
    assert value(model, second, Role.RetryAtRole) is None
    model.apply(SlotCancelled(second))
    assert value(model, second, Qt.ItemDataRole.DisplayRole) == "Cancelled"
    model.apply(QueuePaused(ErrorKind.DAILY_QUOTA, "Daily quota used up."))

    stored = save(library, first, png((90, 160)))
    model.apply(SlotSucceeded(first, tuple(stored), META))
    assert value(model, first, Role.StatusRole) == SlotStatus.SUCCEEDED
    assert value(model, first, Role.AspectRole) == pytest.approx(90 / 160)
    assert value(model, first, Role.ElapsedRole) is None
    assert not model.ticking  # nothing is running or waiting to retry any more
    # All four are finished: one image, one blocked and one failed, one cancelled.
    assert model.data(model.index(0), Role.HeaderDetailRole).endswith(
        " · 1 image · $0.034 · 1 failed · 1 blocked"
    )


def test_a_second_image_in_one_answer_becomes_a_sibling_tile(qtmodeltester, library, model):
    drafts = library.create_batch(record("twins", 2))
    model.reload()
    qtmodeltester.check(model)
    model.apply(SlotStarted(drafts[0].id, 1))

    stored = save(library, drafts[0].id, png(colour=(10, 10, 200)), png(colour=(200, 200, 10)))
    model.apply(SlotSucceeded(drafts[0].id, tuple(stored), META))

    sibling = stored[1].draft_id
    assert sibling not in (drafts[0].id, drafts[1].id)
    assert rows(model) == [
        ("header", drafts[0].batch_id),
        ("tile", drafts[0].id),
        ("tile", sibling),
        ("tile", drafts[1].id),
    ]
    assert value(model, sibling, Role.StatusRole) == SlotStatus.SUCCEEDED
    assert value(model, sibling, Role.SeedRole) == 0
    # And a reload from the library agrees with what the events built.
    before = rows(model)
    model.reload()
    assert rows(model) == before


def test_filters_hide_tiles_and_empty_headers(qtmodeltester, library, model):
    kites = library.create_batch(record("Red KITES at dawn", 3))
    koi = library.create_batch(record("koi pond", 2))
    for draft in (*kites, *koi):
        save(library, draft.id)
    library.set_flag(kites[0].id, Flag.PICK)
    library.set_rating(kites[1].id, 4)
    library.set_flag(koi[0].id, Flag.REJECT)
    library.set_deleted(koi[1].id, True)
    model.reload()
    qtmodeltester.check(model)
    kites_header = ("header", kites[0].batch_id)

    # The deleted draft is hidden even in "all".
    assert rows(model) == [
        ("header", koi[0].batch_id),
        ("tile", koi[0].id),
        kites_header,
        *[("tile", d.id) for d in kites],
    ]
    model.set_filter(DraftFilter(FilterMode.PICKS))
    assert rows(model) == [kites_header, ("tile", kites[0].id)]
    model.set_filter(DraftFilter(FilterMode.MIN_RATING, min_rating=3))
    assert rows(model) == [kites_header, ("tile", kites[1].id)]
    model.set_filter(DraftFilter(FilterMode.MIN_RATING, min_rating=5))
    assert rows(model) == []
    assert model.has_drafts()
    model.set_filter(DraftFilter(FilterMode.HIDE_REJECTS))
    assert rows(model) == [kites_header, *[("tile", d.id) for d in kites]]
    model.set_filter(DraftFilter(text="  kites AT "))
    assert rows(model) == [kites_header, *[("tile", d.id) for d in kites]]
    model.set_filter(DraftFilter(FilterMode.PICKS, text="koi"))
    assert rows(model) == []


def test_local_edits_show_and_hide_rows_in_place(qtmodeltester, library, model):
    old = library.create_batch(record("old", 2))
    new = library.create_batch(record("new", 3))
    for draft in (*old, *new):
        save(library, draft.id)
    model.reload()
    model.set_filter(DraftFilter(FilterMode.PICKS))
    qtmodeltester.check(model)
    assert rows(model) == []

    model.set_flag_local(old[1].id, Flag.PICK)
    assert rows(model) == [("header", old[0].batch_id), ("tile", old[1].id)]
    model.set_flag_local(new[2].id, Flag.PICK)
    model.set_flag_local(new[0].id, Flag.PICK)
    assert rows(model) == [
        ("header", new[0].batch_id),
        ("tile", new[0].id),
        ("tile", new[2].id),
        ("header", old[0].batch_id),
        ("tile", old[1].id),
    ]
    model.set_deleted_local(new[0].id, True)
    model.set_flag_local(new[2].id, Flag.NONE)
    assert rows(model) == [("header", old[0].batch_id), ("tile", old[1].id)]
    model.set_deleted_local(new[0].id, False)  # undo brings it back where it was
    assert rows(model)[:2] == [("header", new[0].batch_id), ("tile", new[0].id)]

    model.set_filter(DraftFilter())
    model.set_rating_local(old[0].id, 3)
    assert value(model, old[0].id, Role.RatingRole) == 3
    assert "3 stars" in value(model, old[0].id, Qt.ItemDataRole.AccessibleTextRole)
    assert value(model, new[0].id, Role.FlagRole) == Flag.PICK


def test_running_tiles_tick_once_a_second_and_only_while_running(qtbot, library, model):
    drafts = library.create_batch(record("clock", 3))
    model.reload()
    model.apply(SlotStarted(drafts[1].id, 1))
    row = model.row_of(drafts[1].id)

    with qtbot.waitSignal(model.dataChanged, timeout=2000) as tick:
        pass

    top_left, bottom_right, roles = tick.args
    assert (top_left.row(), bottom_right.row()) == (row, row)
    assert int(Role.ElapsedRole) in roles
    model.apply(SlotCancelled(drafts[1].id))
    assert not model.ticking


def test_the_thumbnail_cache_stays_under_its_byte_limit(qtbot, library):
    drafts = library.create_batch(record("many", 6, aspect="1:1"))
    stored = [
        save(library, d.id, png((320, 320), (40 * i, 90, 90)))[0] for i, d in enumerate(drafts)
    ]
    one_image = 320 * 320 * 4
    cache = ThumbnailCache(max_bytes=int(2.5 * one_image))

    for image in stored:
        with qtbot.waitSignal(cache.ready, timeout=5000):
            assert cache.pixmap(image.draft_id, image.thumb_path, 1.0) is None
        assert cache.stats.bytes <= cache.max_bytes

    assert cache.stats.entries == 2
    assert cache.stats.loads == 6
    newest = stored[-1]
    assert cache.pixmap(newest.draft_id, newest.thumb_path, 1.0) is not None
    oldest = stored[0]
    assert cache.pixmap(oldest.draft_id, oldest.thumb_path, 1.0) is None  # evicted, reloading
    assert cache.pixmap(oldest.draft_id, oldest.thumb_path, 1.0) is None
    assert cache.stats.loads == 7  # one load in flight, however often it is asked for
    cache.clear()
    assert cache.stats.bytes == 0


def test_an_unreadable_thumbnail_fails_once_and_is_not_retried(qtbot, tmp_path):
    broken = tmp_path / "broken.thumb.jpg"
    broken.write_bytes(b"not a jpeg")
    cache = ThumbnailCache()
    failures: list[int] = []
    cache.failed.connect(failures.append)

    with qtbot.waitSignal(cache.failed, timeout=5000):
        assert cache.pixmap(7, broken, 1.0) is None
    for _ in range(3):
        assert cache.pixmap(7, broken, 1.0) is None
    qtbot.wait(50)

    assert failures == [7]
    assert cache.stats.loads == 1
    assert cache.stats.failures == 1
    assert cache.failed_for(7, broken)


def test_a_missing_image_file_says_so_on_its_tile(qtbot, library, model, thumbnails):
    drafts = library.create_batch(record("lost", 1))
    stored = save(library, drafts[0].id)
    stored[0].thumb_path.unlink()
    model.reload()

    with qtbot.waitSignal(thumbnails.failed, timeout=5000):
        value(model, drafts[0].id, Role.ThumbnailRole)

    assert value(model, drafts[0].id, Role.ErrorRole) == "image file unreadable"
    assert "Image file unreadable" in value(model, drafts[0].id, Qt.ItemDataRole.ToolTipRole)


def test_state_labels_read_like_the_brief():
    assert state_label(SlotStatus.RUNNING, 2.14) == "Running 2.1 s"
    assert state_label(SlotStatus.RUNNING) == "Running"
    assert state_label(SlotStatus.RETRYING, retry_in_s=3.2) == "Retrying in 4 s"
    assert state_label(SlotStatus.RETRYING, retry_in_s=-0.1) == "Retrying…"
    assert state_label(SlotStatus.INTERRUPTED) == "Interrupted"
    assert usd(0.81, fine=True) == "$0.81"
    assert usd(0.0336, fine=True) == "$0.034"
    assert usd(0, fine=True) == "$0.00"


def test_reload_of_ten_thousand_drafts_is_quick(qtbot, library, model):
    for batch in range(200):
        library.create_batch(record(f"prompt number {batch}", 50))

    started = time.perf_counter()
    records: list[DraftRecord] = library.list_drafts(include_deleted=True)
    read = time.perf_counter() - started
    started = time.perf_counter()
    model.reload()
    total = time.perf_counter() - started
    started = time.perf_counter()
    model.set_filter(DraftFilter(text="number 19"))
    filtered = time.perf_counter() - started

    assert len(records) == 10_000
    assert model.rowCount() == 11 * 51  # batches 19 and 190 to 199, a header and 50 tiles each
    # Printed, not asserted tightly: a loaded CI machine must not fail the suite (run with -s).
    print(  # noqa: T201
        f"\n10,000 drafts: library read {read * 1000:.0f} ms, reload {total * 1000:.0f} ms "
        f"(model build about {(total - read) * 1000:.0f} ms), text filter {filtered * 1000:.0f} ms"
    )
    assert total < 2.0


async def test_works_on_the_qasync_loop(qtbot, library, model, thumbnails):
    loop = asyncio.get_running_loop()
    arrived: asyncio.Future[int] = loop.create_future()

    def on_ready(draft_id: int) -> None:
        if not arrived.done():
            arrived.set_result(draft_id)

    thumbnails.ready.connect(on_ready)
    drafts = await asyncio.to_thread(library.create_batch, record("async", 2))
    model.apply(BatchQueued(drafts[0].batch_id, tuple(drafts)))
    model.apply(SlotStarted(drafts[0].id, 1))

    stored = await asyncio.to_thread(save, library, drafts[0].id)
    model.apply(SlotSucceeded(drafts[0].id, tuple(stored), META))
    assert value(model, drafts[0].id, Role.ThumbnailRole) is None

    assert await asyncio.wait_for(arrived, 5) == drafts[0].id
    assert isinstance(value(model, drafts[0].id, Role.ThumbnailRole), QPixmap)
