"""GridState without Qt: the rows it builds from a real library, and what it tells its observer."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from studio.core.domain import (
    Derivation,
    ErrorKind,
    Flag,
    SlotStatus,
    TextPart,
)
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
from studio.core.library import BatchRecord, DraftRecord, Library
from studio.core.library.records import SlotOrigin
from studio.core.library.turns import TurnRef
from studio.models.draft_rows import Tile
from studio.models.grid_state import DraftFilter, FilterMode, GridState, RowAspect
from tests.library_data import META, png, record, save


class Recorder:
    """Every observer call, with how many rows the state had at that moment: an "about to"
    call must still see the old rows, its "done" call the new ones."""

    def __init__(self) -> None:
        self.state: GridState | None = None
        self.calls: list[tuple[object, ...]] = []

    def _note(self, *call: object) -> None:
        assert self.state is not None
        self.calls.append((*call, self.state.row_count))

    def rows_about_to_be_inserted(self, first: int, last: int) -> None:
        self._note("insert", first, last)

    def rows_inserted(self) -> None:
        self._note("inserted")

    def rows_about_to_be_removed(self, first: int, last: int) -> None:
        self._note("remove", first, last)

    def rows_removed(self) -> None:
        self._note("removed")

    def about_to_reset(self) -> None:
        self._note("reset")

    def reset_done(self) -> None:
        self._note("reset done")

    def row_changed(self, row: int, aspect: RowAspect) -> None:
        self._note("changed", row, aspect)

    def header_changed(self, row: int) -> None:
        self._note("header", row)

    def live_changed(self) -> None:
        self._note("live")

    def take(self) -> list[tuple[object, ...]]:
        calls, self.calls = self.calls, []
        return calls


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library") as opened:
        yield opened


@pytest.fixture
def observer() -> Recorder:
    return Recorder()


@pytest.fixture
def state(observer: Recorder) -> GridState:
    observer.state = GridState(observer)
    return observer.state


def everything(library: Library) -> list[DraftRecord]:
    return library.list_drafts(include_deleted=True)


def shape(state: GridState) -> list[tuple[str, int]]:
    rows: list[tuple[str, int]] = []
    for row in range(state.row_count):
        item = state.item_at(row)
        if isinstance(item, Tile):
            rows.append(("tile", item.draft_id))
        else:
            assert item is not None
            rows.append(("header", item.batch_id))
    return rows


def tile(state: GridState, draft_id: int) -> Tile:
    row = state.row_of(draft_id)
    assert row is not None, f"draft {draft_id} is not shown"
    item = state.item_at(row)
    assert isinstance(item, Tile)
    return item


def test_reload_builds_a_header_then_its_tiles_newest_batch_first(library, state, observer):
    old = library.create_batch(record("a red kite", 2))
    new = library.create_batch(record("neon koi", 3))

    state.reload(everything(library))

    assert shape(state) == [
        ("header", new[0].batch_id),
        *[("tile", draft.id) for draft in new],
        ("header", old[0].batch_id),
        *[("tile", draft.id) for draft in old],
    ]
    assert observer.take() == [("reset", 0), ("reset done", 7)]
    assert state.draft_id_at(0) is None
    assert state.draft_id_at(1) == new[0].id
    assert state.draft_id_at(7) is None
    assert state.row_of(old[1].id) == 6
    assert state.batch_of(old[1].id) == old[0].batch_id
    assert state.batch(new[0].batch_id).prompt == "neon koi"
    assert state.shown_in_batch(old[0].batch_id) == [draft.id for draft in old]
    assert state.has_drafts()
    assert not state.live


def test_filters_hide_rejects_show_picks_and_match_the_prompt(library, state, observer):
    kites = library.create_batch(record("Red KITES at dawn", 3))
    koi = library.create_batch(record("koi pond", 2))
    for draft in (*kites, *koi):
        save(library, draft.id)
    library.set_flag(kites[0].id, Flag.PICK)
    library.set_flag(koi[0].id, Flag.REJECT)
    library.set_deleted(koi[1].id, True)
    state.reload(everything(library))
    kites_rows = [("header", kites[0].batch_id), *[("tile", d.id) for d in kites]]
    observer.take()

    # The deleted draft is hidden even without a filter.
    assert shape(state) == [("header", koi[0].batch_id), ("tile", koi[0].id), *kites_rows]
    state.set_filter(DraftFilter(FilterMode.HIDE_REJECTS))
    assert shape(state) == kites_rows
    assert observer.take() == [("reset", 6), ("reset done", 4)]
    state.set_filter(DraftFilter(FilterMode.HIDE_REJECTS))
    assert observer.take() == []  # the same filter again changes nothing
    state.set_filter(DraftFilter(FilterMode.PICKS))
    assert shape(state) == [("header", kites[0].batch_id), ("tile", kites[0].id)]
    assert state.shown_in_batch(kites[0].batch_id) == [kites[0].id]
    state.set_filter(DraftFilter(text="  kites AT "))
    assert shape(state) == kites_rows
    state.set_filter(DraftFilter(FilterMode.PICKS, text="koi"))
    assert shape(state) == []
    assert state.has_drafts()


def test_a_flag_change_under_a_filter_moves_rows_in_place(library, state, observer):
    old = library.create_batch(record("old", 1))
    new = library.create_batch(record("new", 2))
    for draft in (*old, *new):
        save(library, draft.id)
        library.set_flag(draft.id, Flag.PICK)
    state.reload(everything(library))
    state.set_filter(DraftFilter(FilterMode.PICKS))
    new_header, old_header = ("header", new[0].batch_id), ("header", old[0].batch_id)
    assert shape(state) == [
        new_header,
        ("tile", new[0].id),
        ("tile", new[1].id),
        old_header,
        ("tile", old[0].id),
    ]
    observer.take()

    state.set_flag(new[1].id, Flag.NONE)
    assert observer.take() == [("remove", 2, 2, 5), ("removed", 4)]
    state.set_flag(new[0].id, Flag.REJECT)  # the batch's last shown tile: its header goes too
    assert observer.take() == [("remove", 0, 1, 4), ("removed", 2)]
    assert shape(state) == [old_header, ("tile", old[0].id)]
    assert state.flag_of(new[0].id) == Flag.REJECT

    state.set_flag(new[1].id, Flag.PICK)  # back with its header, above the older batch
    assert observer.take() == [("insert", 0, 1, 2), ("inserted", 4)]
    state.set_flag(new[0].id, Flag.PICK)  # and in its place, before its sibling
    assert observer.take() == [("insert", 1, 1, 4), ("inserted", 5)]
    assert shape(state)[:3] == [new_header, ("tile", new[0].id), ("tile", new[1].id)]

    state.set_rating(old[0].id, 4)  # still a pick: repainted where it is
    state.set_flag(old[0].id, Flag.PICK)  # no change at all
    assert observer.take() == [("changed", 4, RowAspect.RATING, 5)]
    state.set_deleted(old[0].id, True)
    assert observer.take() == [("remove", 3, 4, 5), ("removed", 3)]
    state.set_deleted(old[0].id, False)  # undo: back, and the header repainted for its count
    assert observer.take() == [("insert", 3, 4, 3), ("inserted", 5), ("header", 3, 5)]


def test_a_second_image_in_one_answer_is_inserted_right_after_its_slot(library, state, observer):
    drafts = library.create_batch(record("twins", 2))
    state.reload(everything(library))
    state.apply(SlotStarted(drafts[0].id, 1))
    observer.take()

    stored = save(library, drafts[0].id, png(colour=(10, 10, 200)), png(colour=(200, 200, 10)))
    state.apply(SlotSucceeded(drafts[0].id, tuple(stored), META))

    sibling = stored[1].draft_id
    assert shape(state) == [
        ("header", drafts[0].batch_id),
        ("tile", drafts[0].id),
        ("tile", sibling),
        ("tile", drafts[1].id),
    ]
    assert observer.take() == [
        ("changed", 1, RowAspect.EVERYTHING, 3),
        ("insert", 2, 2, 3),
        ("inserted", 4),
        ("changed", 2, RowAspect.EVERYTHING, 4),
        ("live", 4),
        ("header", 0, 4),
    ]
    assert tile(state, sibling).status == SlotStatus.SUCCEEDED
    assert tile(state, sibling).slot == tile(state, drafts[0].id).slot
    assert tile(state, sibling).thumb_path == stored[1].thumb_path
    assert tile(state, drafts[0].id).cost_usd == pytest.approx(0.0336)
    before = shape(state)
    state.reload(everything(library))
    assert shape(state) == before  # the library agrees with what the events built


def test_engine_events_update_the_status_and_the_header(library, state, observer):
    state.reload(everything(library))
    drafts = library.create_batch(record("moth on a lamp", 4))
    observer.take()

    state.apply(BatchQueued(drafts[0].batch_id, tuple(drafts)))
    assert observer.take() == [("insert", 0, 4, 0), ("inserted", 5)]
    first, second, third, fourth = (draft.id for draft in drafts)

    before = time.monotonic()
    state.apply(SlotStarted(first, 1))
    assert tile(state, first).status == SlotStatus.RUNNING
    assert before <= (tile(state, first).started_at or 0) <= time.monotonic()
    assert observer.take() == [
        ("live", 5),
        ("changed", 1, RowAspect.EVERYTHING, 5),
        ("header", 0, 5),
    ]

    before = time.monotonic()
    state.apply(SlotRetrying(second, 1, ErrorKind.RATE_LIMITED, "Too many requests.", 4.0))
    assert tile(state, second).status == SlotStatus.RETRYING
    assert tile(state, second).reason == "rate limited"
    assert before + 4.0 <= (tile(state, second).retry_at or 0) <= time.monotonic() + 4.0
    state.apply(SlotBlocked(third, "IMAGE_SAFETY", "The safety filter withheld the image."))
    assert tile(state, third).reason == "safety"
    state.apply(SlotFailed(fourth, ErrorKind.TIMEOUT, "No answer within 60 s."))
    assert tile(state, fourth).reason == "timed out"
    assert state.batch(drafts[0].batch_id).detail().endswith("1 failed · 1 blocked")
    assert state.retryable_in_batch(drafts[0].batch_id) == [third, fourth]
    observer.take()

    state.apply(SlotQueued(second))
    assert tile(state, second).status == SlotStatus.QUEUED
    assert tile(state, second).retry_at is None
    state.apply(QueuePaused(ErrorKind.DAILY_QUOTA, "Daily quota used up."))
    state.apply(SlotCancelled(9999))  # not loaded: ignored
    assert observer.take() == [
        ("live", 5),
        ("changed", 2, RowAspect.EVERYTHING, 5),
        ("header", 0, 5),
    ]


def test_the_live_set_follows_running_and_retrying_drafts(library, state, observer):
    drafts = library.create_batch(record("clock", 3))
    state.reload(everything(library))
    first, second, third = (draft.id for draft in drafts)

    state.apply(SlotStarted(first, 1))
    state.apply(SlotRetrying(second, 1, ErrorKind.OVERLOADED, "Busy.", 2.0))
    assert set(state.live) == {first, second}
    state.apply(SlotStarted(second, 2))  # still live: nothing to tell
    assert set(state.live) == {first, second}
    state.apply(SlotQueued(second))
    state.apply(SlotCancelled(third))
    assert set(state.live) == {first}
    assert [call[0] for call in observer.take() if call[0] == "live"] == ["live"] * 3

    # The library still has the slot queued (the engine writes it, not this test): a reload
    # believes the library, and says the clock has stopped.
    state.reload(everything(library))
    assert not state.live
    assert observer.take() == [("reset", 4), ("reset done", 4), ("live", 4)]


def derived_batch(
    library: Library, kind: Derivation, parents: list[DraftRecord], instruction: str | None
) -> list[DraftRecord]:
    """A derived batch as the planner records it: one slot per parent, each with its own
    prompt and aspect."""
    origins = tuple(
        SlotOrigin(p.id, p.prompt, p.aspect, (TurnRef("user", (TextPart(p.prompt),)),))
        for p in parents
    )
    return library.create_batch(
        BatchRecord(
            parents[0].prompt,
            "gemini-3-pro-image-preview",
            parents[0].aspect,
            "2K",
            tuple(range(len(parents))),
            derivation=kind,
            instruction=instruction,
            origins=origins,
        )
    )


def test_derived_batches_say_what_they_came_from(library, state):
    kite = library.create_batch(record("a red kite", 1))[0]
    koi = library.create_batch(record("neon koi", 1))[0]
    for draft in (kite, koi):
        save(library, draft.id)
        library.set_flag(draft.id, Flag.PICK)
    refined = derived_batch(library, Derivation.REFINE, [kite, koi], "keep it")
    edited = derived_batch(library, Derivation.EDIT, [library.get(kite.id)], "warmer light")
    state.reload(everything(library))

    refine_header = state.batch(refined[0].batch_id)
    assert refine_header.title() == "Refined 2 picks"
    assert refine_header.detail().startswith("Nano Banana Pro · 2K · ")
    assert state.batch(edited[0].batch_id).title() == f"Edited pick {kite.id}: “warmer light”"
    second = tile(state, refined[1].id)
    assert (second.parent_id, second.derivation) == (koi.id, Derivation.REFINE)
    assert second.own_prompt == "neon koi"  # not the batch's first prompt
    assert "Refined from draft" in second.tooltip(refine_header, None)

    # The text filter finds a derived tile by its own prompt, and an edit by its words.
    state.set_filter(DraftFilter(text="neon"))
    assert refined[1].id in {d for d in map(state.draft_id_at, range(state.row_count)) if d}
    assert refined[0].id not in {d for d in map(state.draft_id_at, range(state.row_count)) if d}
    state.set_filter(DraftFilter(text="WARMER"))
    assert state.row_of(edited[0].id) is not None


def test_a_derived_batch_streamed_in_is_titled_from_its_parents(library, state):
    draft = library.create_batch(record("a red kite", 1))[0]
    save(library, draft.id)
    state.reload(everything(library))
    varied = derived_batch(library, Derivation.VARY, [library.get(draft.id)] * 1, None)
    state.apply(BatchQueued(varied[0].batch_id, tuple(varied)))
    assert state.batch(varied[0].batch_id).title() == f"Varied draft {draft.id}"


def test_the_rest_of_a_large_library_comes_below_its_first_screen(library, state, observer):
    """The first screen reads the newest batches; the older ones are added at the end, where
    no row above them moves, and the filter applies to them as to the rest."""
    oldest = library.create_batch(record("a red kite", 3))
    older = library.create_batch(record("a blue kite", 2))
    newest = library.create_batch(record("neon koi", 4))
    cutoff = library.first_batches_cutoff(3)
    assert cutoff == newest[0].batch_id  # four drafts are more than three
    assert library.first_batches_cutoff(9) is None  # the whole library is no more than that

    state.reload(library.list_drafts(include_deleted=True, from_batch=cutoff))
    assert shape(state) == [("header", newest[0].batch_id), *[("tile", d.id) for d in newest]]
    state.set_filter(DraftFilter(text="kite"))
    assert state.row_count == 0
    observer.take()

    state.extend_older(library.list_drafts(include_deleted=True, before_batch=cutoff))
    assert observer.take() == [("insert", 0, 6, 0), ("inserted", 7)]
    state.set_filter(DraftFilter())
    assert shape(state) == [
        ("header", newest[0].batch_id),
        *[("tile", d.id) for d in newest],
        ("header", older[0].batch_id),
        *[("tile", d.id) for d in older],
        ("header", oldest[0].batch_id),
        *[("tile", d.id) for d in oldest],
    ]
    observer.take()
    # Read twice (a reload came in between): nothing is added again.
    state.extend_older(library.list_drafts(include_deleted=True, before_batch=cutoff))
    assert state.row_count == 12
    assert observer.take() == []
