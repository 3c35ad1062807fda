"""The grid's model and origin filters and its orders, without Qt: GridState on a real
library, and the settings values that remember them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from studio.core.domain import Derivation, Flag
from studio.core.engine.events import BatchQueued, SlotSucceeded
from studio.core.library import BatchRecord, Library
from studio.core.settings import GRID_FILTERS, GRID_MADE, GRID_ORDERS
from studio.models.grid_filter import Made
from studio.models.grid_order import GridOrder, ranks_of
from studio.models.grid_state import DraftFilter, FilterMode, GridState, RowAspect
from tests.library_data import META, png, record, save
from tests.test_grid_state import Recorder, derived_batch, everything, shape

LITE = "gemini-3.1-flash-lite-image"
PRO = "gemini-3-pro-image-preview"  # what derived_batch sends to


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


def tiles_of(state: GridState) -> list[int]:
    return [draft_id for kind, draft_id in shape(state) if kind == "tile"]


def test_the_model_filter_shows_one_models_batches_with_the_flag_filter(library, state):
    fresh = library.create_batch(record("a red kite", 2))
    for draft in fresh:
        save(library, draft.id)
    refined = derived_batch(library, Derivation.REFINE, [library.get(fresh[0].id)], "keep it")
    state.reload(everything(library))
    assert state.models() == [PRO, LITE]

    state.set_filter(DraftFilter(model=PRO))
    assert shape(state) == [("header", refined[0].batch_id), ("tile", refined[0].id)]
    state.set_filter(DraftFilter(model=LITE))
    assert tiles_of(state) == [d.id for d in fresh]

    library.set_flag(fresh[1].id, Flag.PICK)
    state.set_flag(fresh[1].id, Flag.PICK)
    state.set_filter(DraftFilter(mode=FilterMode.PICKS, model=LITE))
    assert tiles_of(state) == [fresh[1].id]
    state.set_filter(DraftFilter(mode=FilterMode.PICKS, model=PRO))
    assert shape(state) == []
    assert state.has_drafts()


def test_the_origin_filter_tells_fresh_from_refined_edited_and_varied(library, state):
    kite = library.create_batch(record("a red kite", 1))[0]
    save(library, kite.id)
    kite = library.get(kite.id)
    refined = derived_batch(library, Derivation.REFINE, [kite], "keep it")
    edited = derived_batch(library, Derivation.EDIT, [kite], "warmer light")
    varied = derived_batch(library, Derivation.VARY, [kite], None)
    state.reload(everything(library))

    expected = {
        Made.ANY: [varied[0].id, edited[0].id, refined[0].id, kite.id],
        Made.FRESH: [kite.id],
        Made.REFINED: [refined[0].id],
        Made.EDITED: [edited[0].id],
        Made.VARIED: [varied[0].id],
    }
    for made, shown in expected.items():
        state.set_filter(DraftFilter(made=made))
        assert tiles_of(state) == shown, made
    # With the search: the edit's instruction is searched, the refinement's is not "warmer".
    state.set_filter(DraftFilter(made=Made.EDITED, text="warmer"))
    assert tiles_of(state) == [edited[0].id]
    state.set_filter(DraftFilter(made=Made.REFINED, text="warmer"))
    assert tiles_of(state) == []


def test_rating_order_sorts_each_batch_and_follows_new_ratings(library, state, observer):
    old = library.create_batch(record("a red kite", 2))
    new = library.create_batch(record("neon koi", 4))
    a, b, c, d = (draft.id for draft in new)
    for draft in (*old, *new):
        save(library, draft.id)
    for draft_id, stars in ((b, 2), (c, 5), (d, 2), (old[1].id, 1)):
        library.set_rating(draft_id, stars)
    state.reload(everything(library))

    state.set_order(GridOrder.RATING)
    assert state.order == GridOrder.RATING
    # Batches stay newest first; inside each, best rated first, then slot order.
    assert shape(state) == [
        ("header", new[0].batch_id),
        ("tile", c),
        ("tile", b),
        ("tile", d),
        ("tile", a),
        ("header", old[0].batch_id),
        ("tile", old[1].id),
        ("tile", old[0].id),
    ]
    observer.take()

    state.set_rating(a, 3)  # moves from last to second
    assert tiles_of(state)[:4] == [c, a, b, d]
    calls = observer.take()
    assert calls[:4] == [("remove", 2, 4, 8), ("removed", 5), ("insert", 2, 4, 5), ("inserted", 8)]
    assert calls[-1] == ("changed", 2, RowAspect.RATING, 8)

    state.set_rating(c, 4)  # still the best: stays, repaints
    assert observer.take() == [("changed", 1, RowAspect.RATING, 8)]

    state.set_order(GridOrder.NEWEST)
    assert tiles_of(state) == [a, b, c, d, old[0].id, old[1].id]


def test_rank_order_puts_ranked_drafts_first_in_their_batch(library, state):
    old = library.create_batch(record("a red kite", 3))
    new = library.create_batch(record("neon koi", 3))
    state.reload(everything(library))
    ranks = ranks_of([[new[2].id], [old[1].id, new[0].id]])
    assert ranks == {new[2].id: 0, old[1].id: 1, new[0].id: 1}

    state.set_order(GridOrder.RANK, ranks)
    assert tiles_of(state) == [
        new[2].id,
        new[0].id,
        new[1].id,
        old[1].id,
        old[0].id,
        old[2].id,
    ]
    state.set_filter(DraftFilter(text="kite"))
    assert tiles_of(state) == [old[1].id, old[0].id, old[2].id]
    # Without a finished tournament, rank order is slot order.
    state.set_order(GridOrder.RANK, {})
    assert tiles_of(state) == [d.id for d in old]


def test_new_batches_and_images_obey_the_filter_and_the_order(library, state):
    library.create_batch(record("a red kite", 2))
    state.reload(everything(library))
    state.set_filter(DraftFilter(model=PRO))
    state.set_order(GridOrder.RATING)
    assert shape(state) == []

    lite = library.create_batch(record("neon koi", 2))
    state.apply(BatchQueued(lite[0].batch_id, tuple(lite)))
    assert shape(state) == []  # another model's batch stays hidden
    pro = library.create_batch(BatchRecord("moth", PRO, "16:9", "1K", (0, 1, 2)))
    state.apply(BatchQueued(pro[0].batch_id, tuple(pro)))
    assert tiles_of(state) == [d.id for d in pro]

    stored = save(library, pro[0].id, png(), png())  # two images from one answer
    state.apply(SlotSucceeded(pro[0].id, tuple(stored), META))
    sibling = stored[1].draft_id
    assert tiles_of(state) == [pro[0].id, sibling, pro[1].id, pro[2].id]
    state.set_rating(pro[2].id, 4)
    assert tiles_of(state) == [pro[2].id, pro[0].id, sibling, pro[1].id]


def test_the_settings_know_every_filter_origin_and_order():
    assert set(GRID_FILTERS) == {mode.value for mode in FilterMode}
    assert set(GRID_MADE) == {made.value for made in Made}
    assert set(GRID_ORDERS) == {order.value for order in GridOrder}
