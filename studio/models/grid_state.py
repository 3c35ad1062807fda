"""What the draft grid shows, without Qt: one header per batch, then its drafts, newest batch
first; a prompt matrix's batch may be grouped by one of its axes, with a sub-header per value.
`DraftListModel` mirrors it; keeping the state here lets it be tested without a QApplication.

Everything the library knows is held here; a filter only decides which rows are visible, so
flags, ratings and engine events keep every draft current even while it is hidden."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Set

from studio.core.domain import Flag, SlotStatus
from studio.core.engine.events import (
    BatchQueued,
    EngineEvent,
    QueuePaused,
    QueueResumed,
    SlotSucceeded,
)
from studio.core.library import DraftRecord, StoredImage
from studio.models.draft_rows import Batch, Tile
from studio.models.grid_filter import DraftFilter, FilterMode
from studio.models.grid_geometry import GROUP, RowShape
from studio.models.grid_loading import batches_of, settle_matrices
from studio.models.grid_observer import GridObserver, RowAspect
from studio.models.grid_order import GridOrder, RowRule
from studio.models.grid_rows import Row, RowIndex, batch_rows, changed_run
from studio.models.matrix_rows import ValueGroup

__all__ = ["DraftFilter", "FilterMode", "GridObserver", "GridOrder", "GridState", "Row"]
__all__ += ["RowAspect", "ValueGroup"]

log = logging.getLogger(__name__)

_LIVE = frozenset({SlotStatus.RUNNING, SlotStatus.RETRYING})


class GridState:
    """The grid's batches, tiles and visible rows. The observer hears of every row change."""

    def __init__(self, observer: GridObserver) -> None:
        self._observer = observer
        self._rule = RowRule()
        self._batches: list[Batch] = []  # newest first, hidden ones included
        self._batch_by_id: dict[int, Batch] = {}
        self._tiles: dict[int, Tile] = {}
        self._rows: list[Row] = []
        self._at = RowIndex()
        self._live: set[int] = set()

    # -- rows and lookups ----------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._rows)

    def item_at(self, row: int) -> Row | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_aspects(self) -> list[RowShape]:
        """Each row's picture width / height, None for a header, GROUP for a sub-header:
        what the layout needs."""
        return [
            item.aspect
            if isinstance(item, Tile)
            else GROUP
            if isinstance(item, ValueGroup)
            else None
            for item in self._rows
        ]

    def batch(self, batch_id: int) -> Batch:
        return self._batch_by_id[batch_id]

    @property
    def live(self) -> Set[int]:
        """The drafts running or waiting to retry, whose clocks move."""
        return self._live

    def models(self) -> list[str]:
        """The model ids of the batches loaded, newest batch's first."""
        return list(dict.fromkeys(batch.model for batch in self._batches))

    def has_drafts(self) -> bool:
        """Whether anything would show without a filter (the empty grid says which it is)."""
        return any(not tile.deleted for tile in self._tiles.values())

    def draft_id_at(self, row: int) -> int | None:
        item = self.item_at(row)
        return item.draft_id if isinstance(item, Tile) else None

    def row_of(self, draft_id: int) -> int | None:
        return self._at.tiles.get(draft_id)

    def header_row_of(self, batch_id: int) -> int | None:
        return self._at.headers.get(batch_id)

    def flag_of(self, draft_id: int) -> Flag | None:
        tile = self._tiles.get(draft_id)
        return tile.flag if tile is not None else None

    def batch_of(self, draft_id: int) -> int | None:
        tile = self._tiles.get(draft_id)
        return tile.batch_id if tile is not None else None

    def shown_in_batch(self, batch_id: int) -> list[int]:
        """The batch's drafts the grid shows now, under the current filter, in row order."""
        batch = self._batch_by_id.get(batch_id)
        tiles = batch.tiles if batch is not None else []
        shown = [t.draft_id for t in tiles if t.draft_id in self._at.tiles]
        return sorted(shown, key=self._at.tiles.__getitem__)

    def retryable_in_batch(self, batch_id: int) -> list[int]:
        """Drafts of the batch that ended without an image, shown or filtered out."""
        batch = self._batch_by_id.get(batch_id)
        return [t.draft_id for t in batch.live() if t.status.can_retry] if batch else []

    def group_counts(self, group: ValueGroup) -> tuple[int, int]:
        """How many of the group's drafts show, and how many it has (the trash left out)."""
        return self._at.counts(group)

    # -- grouping by a matrix axis -------------------------------------------------------------

    def grouping_of(self, batch_id: int) -> str | None:
        batch = self._batch_by_id.get(batch_id)
        return batch.grouped_by if batch is not None else None

    def set_grouping(self, batch_id: int, axis: str | None) -> None:
        """Groups the batch by the axis with this key, or ungroups it (None). The rows of
        every batch after it move, so the observer hears of a reset, as for a filter."""
        batch = self._batch_by_id.get(batch_id)
        if batch is None or batch.grouped_by == axis:
            return
        if axis is not None and batch.axis(axis) is None:
            raise ValueError(f"Batch {batch_id} has no axis {axis!r}.")
        if batch.batch_id not in self._at.spans:
            batch.grouped_by = axis  # nothing of it shows: its rows follow when they do
            return
        batch.grouped_by = axis
        self._rebuild()

    # -- loading and filtering -----------------------------------------------------------------

    def reload(self, records: Iterable[DraftRecord]) -> None:
        """Replaces everything with `records`, which come grouped by batch, newest first."""
        previous = self._tiles
        grouping = {b.batch_id: b.grouped_by for b in self._batches if b.grouped_by}
        batches, tiles = batches_of(records, previous)
        settle_matrices(batches, grouping)
        live = {tile.draft_id for tile in tiles.values() if tile.status in _LIVE}
        self._observer.about_to_reset()
        self._batches = batches
        self._batch_by_id = {batch.batch_id: batch for batch in batches}
        self._tiles = tiles
        for derived in (b for b in batches if b.derivation is not None):
            derived.from_picks = self._all_picks(derived.parent_ids())
        live_moved = live != self._live
        self._live = live
        self._rows = self._visible_rows()
        self._reindex()
        self._observer.reset_done()
        if live_moved:
            self._observer.live_changed()

    def extend_older(self, records: Iterable[DraftRecord]) -> None:
        """Batches older than every batch loaded, below them: the rest of a library whose
        first screen came first. Rows are added at the end, so nothing above them moves."""
        batches, tiles = batches_of(records, self._tiles)
        batches = [b for b in batches if b.batch_id not in self._batch_by_id]
        if not batches:
            return
        settle_matrices(batches, {})
        self._batches.extend(batches)
        self._batch_by_id.update((batch.batch_id, batch) for batch in batches)
        self._tiles.update(tiles)
        for derived in (b for b in self._batches if b.derivation is not None):
            # A newer batch refined from picks that only now arrived says so again.
            picks = self._all_picks(derived.parent_ids())
            if picks != derived.from_picks:
                derived.from_picks = picks
                self._changed_header(derived)
        rows = [row for batch in batches for row in self._batch_rows(batch)]
        if rows:
            self._insert(len(self._rows), rows)
        live = {t.draft_id for t in tiles.values() if t.status in _LIVE} - self._live
        if live:
            self._live |= live
            self._observer.live_changed()

    def set_filter(self, draft_filter: DraftFilter) -> None:
        if draft_filter != self._rule.draft_filter:
            self._set_rule(RowRule(draft_filter, self._rule.order, self._rule.ranks))

    @property
    def order(self) -> GridOrder:
        return self._rule.order

    def set_order(self, order: GridOrder, ranks: Mapping[int, int] | None = None) -> None:
        """`ranks` (draft id to place, 0 best) are what RANK order sorts by; the Qt side
        reads them from the library, which this state never touches."""
        self._set_rule(RowRule(self._rule.draft_filter, order, dict(ranks or {})))

    def _set_rule(self, rule: RowRule) -> None:
        if rule != self._rule:
            self._rule = rule
            self._rebuild()

    def _rebuild(self) -> None:
        self._observer.about_to_reset()
        self._rows = self._visible_rows()
        self._reindex()
        self._observer.reset_done()

    def _batch_rows(self, batch: Batch) -> list[Row]:
        return batch_rows(batch, self._rule.accepts, self._rule.arrange())

    def _visible_rows(self) -> list[Row]:
        return [row for batch in self._batches for row in self._batch_rows(batch)]

    def _reindex(self) -> None:
        self._at.rebuild(self._rows, self._batch_by_id)

    # -- culling edits, already written to the library -----------------------------------------

    def set_flag(self, draft_id: int, flag: Flag) -> None:
        tile = self._tiles.get(draft_id)
        if tile is not None and tile.flag != flag:
            tile.flag = Flag(flag)
            self._refresh(tile, RowAspect.FLAG)

    def set_rating(self, draft_id: int, rating: int) -> None:
        tile = self._tiles.get(draft_id)
        if tile is not None and tile.rating != rating:
            tile.rating = rating
            self._refresh(tile, RowAspect.RATING)

    def set_deleted(self, draft_id: int, deleted: bool) -> None:
        tile = self._tiles.get(draft_id)
        if tile is not None and tile.deleted != deleted:
            tile.deleted = deleted
            self._refresh(tile, RowAspect.DELETED, header=True)

    def _refresh(self, tile: Tile, aspect: RowAspect, header: bool = False) -> None:
        """Shows, hides or repaints one tile after an edit that the filter may care about."""
        batch = self._batch_by_id[tile.batch_id]
        wanted = self._rule.accepts(batch, tile)
        shown = tile.draft_id in self._at.tiles
        moves = shown and wanted and self._rule.moves_on(aspect)
        if wanted != shown or moves:
            self._sync_batch(batch)
        if shown and wanted:
            self._changed(tile, aspect)  # a tile whose place did not change still repaints
        if header:
            self._at.count_groups(batch)  # a draft hidden already still leaves its group's total
            self._changed_header(batch)
        if wanted != shown or header:
            self._changed_group(batch, tile)

    def _batch_start(self, batch: Batch) -> int:
        """The row where this batch's header is, or would go if it became visible."""
        position = self._batches.index(batch)
        for older in self._batches[position:]:
            row = self._at.headers.get(older.batch_id)
            if row is not None:
                return row
        return len(self._rows)

    def _sync_batch(self, batch: Batch) -> None:
        """Brings the batch's rows up to date after one of its drafts came, went, or was shown
        or hidden: what changed is one run of rows (a tile, with its sub-header or header
        when it is their first or last), inserted or removed where it belongs."""
        span = self._at.spans.get(batch.batch_id)
        if span is None:
            start = end = self._batch_start(batch)
        else:
            start, end = span
        old, new = self._rows[start:end], self._batch_rows(batch)
        same, tail = changed_run(old, new)
        if len(old) - same - tail > 0:
            first, last = start + same, start + len(old) - tail - 1
            self._observer.rows_about_to_be_removed(first, last)
            del self._rows[first : last + 1]
            self._reindex()
            self._observer.rows_removed()
        if len(new) - same - tail > 0:
            self._insert(start + same, new[same : len(new) - tail])

    def _insert(self, row: int, items: list[Row]) -> None:
        self._observer.rows_about_to_be_inserted(row, row + len(items) - 1)
        self._rows[row:row] = items
        self._reindex()
        self._observer.rows_inserted()

    def _changed(self, tile: Tile, aspect: RowAspect) -> None:
        row = self._at.tiles.get(tile.draft_id)
        if row is not None:
            self._observer.row_changed(row, aspect)

    def _changed_header(self, batch: Batch) -> None:
        row = self._at.headers.get(batch.batch_id)
        if row is not None:
            self._observer.header_changed(row)

    def _changed_group(self, batch: Batch, tile: Tile) -> None:
        """The tile's sub-header counts it: say so when the tile came, went or was trashed."""
        row = self._at.group_of(batch, tile)
        if row is not None:
            self._observer.header_changed(row)

    # -- engine events -------------------------------------------------------------------------

    def apply(self, event: EngineEvent) -> None:
        if isinstance(event, BatchQueued):
            self._add_batch(event.drafts)
            return
        if isinstance(event, SlotSucceeded):
            self._succeeded(event.draft_id, event.images, event.meta.cost_usd, event.meta.latency_s)
            return
        if isinstance(event, QueuePaused | QueueResumed):
            return  # they concern the whole queue, not a row
        tile = self._tiles.get(event.draft_id)
        if tile is None:
            log.debug("ignoring %s for draft %s, not loaded", type(event).__name__, event.draft_id)
            return
        tile.apply(event)
        live = tile.status in _LIVE
        if live != (tile.draft_id in self._live):
            if live:
                self._live.add(tile.draft_id)
            else:
                self._live.discard(tile.draft_id)
            self._observer.live_changed()
        self._changed(tile, RowAspect.EVERYTHING)
        self._changed_header(self._batch_by_id[tile.batch_id])

    def _add_batch(self, drafts: Iterable[DraftRecord]) -> None:
        records = list(drafts)
        if not records or records[0].batch_id in self._batch_by_id:
            return
        batch = Batch.from_record(records[0])
        for draft in records:
            tile = Tile.from_record(draft, batch.prompt)
            batch.tiles.append(tile)
            self._tiles[tile.draft_id] = tile
        batch.from_picks = self._all_picks(batch.parent_ids())
        live = {tile.draft_id for tile in batch.tiles if tile.status in _LIVE}
        self._live |= live
        position = next(
            (i for i, other in enumerate(self._batches) if other.batch_id < batch.batch_id),
            len(self._batches),
        )
        self._batches.insert(position, batch)
        self._batch_by_id[batch.batch_id] = batch
        self._sync_batch(batch)
        if live:
            self._observer.live_changed()

    def _succeeded(
        self, draft_id: int, images: Iterable[StoredImage], cost_usd: float, latency_s: float
    ) -> None:
        tile = self._tiles.get(draft_id)
        if tile is None:
            log.debug("ignoring images for draft %s, not loaded", draft_id)
            return
        batch = self._batch_by_id[tile.batch_id]
        tile.cost_usd += cost_usd
        was_live = len(self._live)
        for image in images:
            target = self._tiles.get(image.draft_id)
            if target is None:
                target = self._add_sibling(batch, tile, image.draft_id)
            shape = target.aspect
            target.show_image(image, batch.aspect, latency_s)
            self._live.discard(target.draft_id)
            moved = target.aspect != shape
            self._changed(target, RowAspect.SHAPE if moved else RowAspect.EVERYTHING)
        if len(self._live) != was_live:
            self._observer.live_changed()
        self._changed_header(batch)

    def _all_picks(self, draft_ids: list[int]) -> bool:
        return bool(draft_ids) and all(
            (tile := self._tiles.get(i)) is not None and tile.flag == Flag.PICK for i in draft_ids
        )

    def _add_sibling(self, batch: Batch, original: Tile, draft_id: int) -> Tile:
        """A second image from one response goes right after its slot's last tile, under its
        slot's sub-header when the batch is grouped."""
        sibling = original.sibling(draft_id)
        position = max(i for i, other in enumerate(batch.tiles) if other.slot == original.slot)
        batch.tiles.insert(position + 1, sibling)
        self._tiles[draft_id] = sibling
        if self._rule.accepts(batch, sibling):
            self._sync_batch(batch)
        else:
            self._at.count_groups(batch)
        self._changed_group(batch, sibling)
        return sibling
