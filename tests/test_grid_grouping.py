"""A prompt matrix's batch grouped by one of its axes, without Qt: the sub-headers GridState
builds from a real library, how they follow filters, edits and live arrivals, and what it
tells its observer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from studio.core.domain import Flag
from studio.core.engine.events import BatchQueued, SlotStarted, SlotSucceeded
from studio.core.library import BatchRecord, DraftRecord, Library, MatrixAxis
from studio.core.matrix import expand
from studio.models.draft_rows import BatchAction, Tile
from studio.models.grid_geometry import GROUP
from studio.models.grid_state import DraftFilter, FilterMode, GridState, RowAspect, ValueGroup
from studio.models.matrix_rows import template_of, values_text
from tests.library_data import META, png, record, save
from tests.test_grid_state import Recorder

SNEAKERS = "{red|teal|black} sneaker on {marble|sand}"
COLOUR, SURFACE = "1", "2"


def matrix(library: Library, template: str, count: int, wildcards: Path | None = None):
    """A matrix batch as the engine records it (studio.core.engine.batch)."""
    expansion = expand(template, count, wildcards, seed=7)
    return library.create_batch(
        BatchRecord(
            template,
            "gemini-3.1-flash-lite-image",
            "1:1",
            "1K",
            tuple(range(len(expansion.slots))),
            slot_prompts=tuple(slot.prompt for slot in expansion.slots),
            slot_values=tuple(slot.values for slot in expansion.slots),
            axes=tuple(MatrixAxis(a.key, a.label, a.values) for a in expansion.axes),
        )
    )


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


def shape(state: GridState) -> list[tuple[str, object]]:
    """Headers by batch id, sub-headers by value, tiles by slot: the grid at a glance."""
    rows: list[tuple[str, object]] = []
    for row in range(state.row_count):
        item = state.item_at(row)
        if isinstance(item, Tile):
            rows.append(("tile", item.slot))
        elif isinstance(item, ValueGroup):
            rows.append(("group", item.value))
        else:
            assert item is not None
            rows.append(("header", item.batch_id))
    return rows


def group_texts(state: GridState) -> list[str]:
    items = [state.item_at(row) for row in range(state.row_count)]
    return [i.text(*state.group_counts(i)) for i in items if isinstance(i, ValueGroup)]


def tiles(*slots: int) -> list[tuple[str, object]]:
    return [("tile", slot) for slot in slots]


def test_grouping_puts_each_value_under_its_sub_header_in_slot_order(library, state, observer):
    plain = library.create_batch(record("a plain owl", 2))
    drafts = matrix(library, SNEAKERS, 2)  # 3 × 2 combinations, 2 of each: 12 slots
    batch_id = drafts[0].batch_id
    state.reload(everything(library))
    ungrouped = shape(state)
    assert ungrouped[:13] == [("header", batch_id), *tiles(*range(12))]
    assert state.batch(batch_id).actions()[0] == (BatchAction.GROUP, "Group: none ▾")
    offered = [action for action, _ in state.batch(plain[0].batch_id).actions()]
    assert offered == [BatchAction.STOP, BatchAction.SELECT]  # a plain batch: no group pill
    observer.take()

    state.set_grouping(batch_id, SURFACE)

    assert observer.take() == [("reset", 16), ("reset done", 18)]
    # Slots run red-marble ×2, red-sand ×2, teal-marble ×2…: marble gathers 0, 1, 4, 5, 8, 9.
    assert shape(state)[:15] == [
        ("header", batch_id),
        ("group", "marble"),
        *tiles(0, 1, 4, 5, 8, 9),
        ("group", "sand"),
        *tiles(2, 3, 6, 7, 10, 11),
    ]
    assert shape(state)[15:] == ungrouped[13:]  # the plain batch below is as it was
    assert group_texts(state) == ["marble · 6 drafts", "sand · 6 drafts"]
    assert state.grouping_of(batch_id) == SURFACE
    assert state.batch(batch_id).actions()[0] == (BatchAction.GROUP, "Group: marble / sand ▾")
    assert state.row_aspects()[1] == GROUP
    assert state.row_aspects()[2] == pytest.approx(1.0)
    assert state.row_aspects()[15] is None  # the plain batch's header
    # Select all goes by what the grid shows, so its first draft is the first one shown.
    assert state.shown_in_batch(batch_id)[:3] == [drafts[0].id, drafts[1].id, drafts[4].id]
    assert state.row_of(drafts[2].id) == 9
    assert state.draft_id_at(8) is None


def test_switching_axes_and_ungrouping(library, state, observer):
    drafts = matrix(library, SNEAKERS, 1)
    batch_id = drafts[0].batch_id
    state.reload(everything(library))
    plain = shape(state)
    state.set_grouping(batch_id, SURFACE)
    observer.take()

    state.set_grouping(batch_id, COLOUR)
    assert observer.take() == [("reset", 9), ("reset done", 10)]
    assert shape(state) == [
        ("header", batch_id),
        ("group", "red"),
        *tiles(0, 1),
        ("group", "teal"),
        *tiles(2, 3),
        ("group", "black"),
        *tiles(4, 5),
    ]
    assert group_texts(state) == ["red · 2 drafts", "teal · 2 drafts", "black · 2 drafts"]

    state.set_grouping(batch_id, COLOUR)
    assert observer.take() == []  # already so
    with pytest.raises(ValueError, match="no axis"):
        state.set_grouping(batch_id, "9")

    state.set_grouping(batch_id, None)
    assert shape(state) == plain
    assert state.grouping_of(batch_id) is None
    assert state.row_aspects().count(GROUP) == 0


def test_drafts_arriving_while_grouped_land_under_their_value(library, state, observer):
    drafts = matrix(library, SNEAKERS, 1)
    batch_id = drafts[0].batch_id
    state.reload(everything(library))
    state.set_grouping(batch_id, SURFACE)
    assert shape(state) == [
        ("header", batch_id),
        ("group", "marble"),
        *tiles(0, 2, 4),
        ("group", "sand"),
        *tiles(1, 3, 5),
    ]
    sand_slot = drafts[3]  # teal on sand
    state.apply(SlotStarted(sand_slot.id, 1))
    observer.take()

    # Two images in one answer: the second is a draft of its own, in the same slot and group.
    stored = save(library, sand_slot.id, png((100, 100)), png((100, 100), (200, 200, 10)))
    state.apply(SlotSucceeded(sand_slot.id, tuple(stored), META))

    sibling = stored[1].draft_id
    assert state.row_of(sand_slot.id) == 7
    assert state.row_of(sibling) == 8
    assert observer.take() == [
        ("changed", 7, RowAspect.EVERYTHING, 9),
        ("insert", 8, 8, 9),
        ("inserted", 10),
        ("header", 5, 10),  # the sand sub-header's count
        ("changed", 8, RowAspect.EVERYTHING, 10),
        ("live", 10),
        ("header", 0, 10),
    ]
    assert group_texts(state) == ["marble · 3 drafts", "sand · 4 drafts"]

    # A new batch streams in above, plain; the grouped one keeps its groups below it.
    newer = matrix(library, "{tall|short} vase", 1)
    state.apply(BatchQueued(newer[0].batch_id, tuple(newer)))
    assert shape(state)[:3] == [("header", newer[0].batch_id), *tiles(0, 1)]
    assert shape(state)[3:6] == [("header", batch_id), ("group", "marble"), ("tile", 0)]

    # The library agrees, and a reload keeps the choice (and the sibling's group: the
    # library records it without its slot's values).
    before = shape(state)
    state.reload(everything(library))
    assert shape(state) == before
    assert state.grouping_of(batch_id) == SURFACE


def test_filters_keep_only_the_groups_they_show(library, state, observer):
    drafts = matrix(library, SNEAKERS, 2)
    batch_id = drafts[0].batch_id
    for draft in drafts:
        save(library, draft.id)
    for draft in (drafts[0], drafts[2], drafts[3]):  # reds, on marble and on sand
        library.set_flag(draft.id, Flag.PICK)
    state.reload(everything(library))
    state.set_grouping(batch_id, COLOUR)
    state.set_filter(DraftFilter(FilterMode.PICKS))
    assert shape(state) == [("header", batch_id), ("group", "red"), *tiles(0, 2, 3)]
    assert group_texts(state) == ["red · 3 of 4 drafts"]
    observer.take()

    # A pick in a group not shown yet: the sub-header comes with it, in the axis's order.
    state.set_flag(drafts[10].id, Flag.PICK)  # black on sand
    assert observer.take() == [("insert", 5, 6, 5), ("inserted", 7), ("header", 5, 7)]
    state.set_flag(drafts[5].id, Flag.PICK)  # teal on marble goes between red and black
    assert observer.take() == [("insert", 5, 6, 7), ("inserted", 9), ("header", 5, 9)]
    assert shape(state) == [
        ("header", batch_id),
        ("group", "red"),
        *tiles(0, 2, 3),
        ("group", "teal"),
        ("tile", 5),
        ("group", "black"),
        ("tile", 10),
    ]
    # One more in a shown group: the tile alone, and its sub-header repainted for the count.
    state.set_flag(drafts[1].id, Flag.PICK)
    assert observer.take() == [("insert", 3, 3, 9), ("inserted", 10), ("header", 1, 10)]
    assert group_texts(state) == ["red · 4 drafts", "teal · 1 of 4 drafts", "black · 1 of 4 drafts"]

    # The group's last shown draft takes its sub-header with it.
    state.set_flag(drafts[5].id, Flag.REJECT)
    assert observer.take() == [("remove", 6, 7, 10), ("removed", 8)]
    # Trash a draft the filter hides: nothing moves, its group counts one fewer.
    state.set_deleted(drafts[4].id, True)  # teal, hidden: no row at all
    state.set_deleted(drafts[9].id, True)  # black, hidden: its sub-header says 3
    assert observer.take() == [("header", 0, 8), ("header", 0, 8), ("header", 6, 8)]
    assert group_texts(state)[-1] == "black · 1 of 3 drafts"

    # The words of one value find only its drafts; the template names them all.
    state.set_filter(DraftFilter(text="teal"))
    assert shape(state) == [("header", batch_id), ("group", "teal"), *tiles(5, 6, 7)]
    state.set_filter(DraftFilter(text="sneaker on sand"))
    assert [slot for kind, slot in shape(state) if kind == "tile"] == [2, 3, 6, 7, 10, 11]

    # The last shown draft of the batch takes the header and the sub-header with it.
    state.set_filter(DraftFilter(FilterMode.PICKS))
    for draft in (drafts[0], drafts[1], drafts[2], drafts[3]):
        state.set_flag(draft.id, Flag.NONE)
    observer.take()
    state.set_flag(drafts[10].id, Flag.NONE)
    assert observer.take() == [("remove", 0, 2, 3), ("removed", 0)]
    assert state.grouping_of(batch_id) == COLOUR  # kept for when it shows again
    state.set_flag(drafts[6].id, Flag.PICK)
    assert shape(state) == [("header", batch_id), ("group", "teal"), ("tile", 6)]


def test_a_batch_grouped_while_hidden_shows_grouped(library, state, observer):
    drafts = matrix(library, SNEAKERS, 1)
    batch_id = drafts[0].batch_id
    state.reload(everything(library))
    state.set_filter(DraftFilter(FilterMode.PICKS))
    observer.take()

    state.set_grouping(batch_id, COLOUR)
    assert observer.take() == []  # nothing of it shows
    state.set_flag(drafts[3].id, Flag.PICK)
    assert shape(state) == [("header", batch_id), ("group", "teal"), ("tile", 3)]
    assert observer.take() == [("insert", 0, 2, 0), ("inserted", 3), ("header", 1, 3)]


def test_wildcard_axes_and_draws_read_as_names_and_the_header_shows_the_template(
    library, state, tmp_path
):
    lists = tmp_path / "wildcards"
    lists.mkdir()
    (lists / "colour.txt").write_text("red\nnavy\n")
    (lists / "bird.txt").write_text("heron\n")
    template = "__colour:all__ sneaker on {marble|sand}, a __bird__ nearby"
    drafts = matrix(library, template, 1, lists)
    state.reload(everything(library))
    batch = state.batch(drafts[0].batch_id)

    assert batch.title() == f"“{template}”"
    assert batch.prompt == template
    first = state.item_at(1)
    assert isinstance(first, Tile)
    assert first.own_prompt == "red sneaker on marble, a heron nearby"
    tip = first.tooltip(batch, None).splitlines()
    assert tip[:2] == [first.own_prompt, "colour: red · marble · bird: heron"]

    state.set_grouping(batch.batch_id, "colour")
    assert group_texts(state) == ["red · 2 drafts", "navy · 2 drafts"]
    assert batch.actions()[0][1] == "Group: colour ▾"


def test_the_template_is_rebuilt_only_where_the_slot_tells():
    axes = (
        MatrixAxis("1", "red / teal", ("red", "teal")),
        MatrixAxis("2", "(none) / big", ("", "big")),
    )
    # "red" stands alone later in the text: the word inside "shredded" is not it.
    assert (
        template_of("shredded red paper", (("1", "red"),), axes[:1]) == "shredded {red|teal} paper"
    )
    assert template_of("a red cat", (("1", "red"), ("2", "")), axes) is None  # empty option
    assert template_of("a blue cat", (("1", "red"),), axes) is None  # not in the prompt
    # A value holding a '|' was written escaped, and is again.
    escaped = (MatrixAxis("1", "x|y / z", ("x|y", "z")),)
    assert template_of("a x|y cat", (("1", "x|y"),), escaped) == r"a {x\|y|z} cat"
    assert values_text((("2", ""), ("1", "red")), axes) == "(none) · red"


def test_grouping_among_ten_thousand_drafts_touches_only_its_batch(library, state):
    """The largest matrix there is (MAX_SLOTS) above 9,000 plain drafts: grouping it and
    hiding one of its tiles change its own rows and no others (speed is a bench's job)."""
    for batch in range(18):
        library.create_batch(record(f"prompt number {batch}", 500))
    drafts = matrix(library, "{a|b|c|d|e|f|g|h|i|j} {k|l|m|n|o|p|q|r|s|t} cube", 10)
    records = everything(library)
    assert len(records) == 10_000

    state.reload(records)
    state.set_grouping(drafts[0].batch_id, "2")
    state.set_filter(DraftFilter(FilterMode.HIDE_REJECTS))
    for draft in drafts[:20]:
        state.set_flag(draft.id, Flag.REJECT)  # each hides one tile, in place
    assert state.row_count == 1 + 10 + 980 + 18 * 501
