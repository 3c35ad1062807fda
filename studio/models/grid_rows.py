"""The grid's visible rows, without Qt: which rows one batch shows, where each row is, and
what changed between two builds of a batch's rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from studio.models.draft_rows import Batch, Tile
from studio.models.matrix_rows import ValueGroup, grouped, value_of

Row = Batch | ValueGroup | Tile


def batch_rows(
    batch: Batch,
    accepts: Callable[[Batch, Tile], bool],
    arrange: Callable[[list[Tile]], list[Tile]] | None = None,
) -> list[Row]:
    """The rows one batch shows: its header, then its drafts the filter accepts (in slot
    order unless `arrange` sorts them), under a sub-header per value when it is grouped;
    none when the filter hides all its drafts."""
    visible = [tile for tile in batch.tiles if accepts(batch, tile)]
    if not visible:
        return []
    if arrange is not None:
        visible = arrange(visible)
    axis = batch.axis(batch.grouped_by)
    if axis is None:
        return [batch, *visible]
    rows: list[Row] = [batch]
    for group, members in grouped(batch.batch_id, axis, visible):
        rows.append(group)
        rows.extend(members)
    return rows


def changed_run(old: Sequence[Row], new: Sequence[Row]) -> tuple[int, int]:
    """How many rows at the start and at the end the two have in common; what lies between
    is what was removed from `old` and inserted into `new`."""
    same = 0
    shorter = min(len(old), len(new))
    while same < shorter and old[same] == new[same]:
        same += 1
    tail = 0
    while tail < shorter - same and old[len(old) - 1 - tail] == new[len(new) - 1 - tail]:
        tail += 1
    return same, tail


class RowIndex:
    """Where each visible row is: tiles by draft id, headers and their batch's run of rows
    (end excluded) by batch id, sub-headers, and how many drafts each sub-header holds."""

    def __init__(self) -> None:
        self.tiles: dict[int, int] = {}
        self.headers: dict[int, int] = {}
        self.spans: dict[int, tuple[int, int]] = {}
        self.groups: dict[ValueGroup, int] = {}
        self._counts: dict[ValueGroup, tuple[int, int]] = {}

    def rebuild(self, rows: Sequence[Row], batches: Mapping[int, Batch]) -> None:
        self.tiles, self.headers, self.spans, self.groups = {}, {}, {}, {}
        current: int | None = None
        for row, item in enumerate(rows):
            if isinstance(item, Tile):
                self.tiles[item.draft_id] = row
            elif isinstance(item, ValueGroup):
                self.groups[item] = row
            else:
                if current is not None:
                    self.spans[current] = (self.headers[current], row)
                self.headers[item.batch_id] = row
                current = item.batch_id
        if current is not None:
            self.spans[current] = (self.headers[current], len(rows))
        self._counts = {}
        for batch_id in {group.batch_id for group in self.groups}:
            self.count_groups(batches[batch_id])

    def count_groups(self, batch: Batch) -> None:
        """Counts the grouped batch's drafts per value again (only grouped batches have
        sub-headers, so a grid of plain batches never pays for this)."""
        axis = batch.grouped_by
        if axis is None:
            return
        counts: dict[ValueGroup, tuple[int, int]] = {}
        for tile in batch.live():
            group = ValueGroup(batch.batch_id, axis, value_of(tile.values, axis))
            shown, total = counts.get(group, (0, 0))
            counts[group] = (shown + (tile.draft_id in self.tiles), total + 1)
        self._counts.update(counts)

    def counts(self, group: ValueGroup) -> tuple[int, int]:
        """How many of the group's drafts show, and how many it has (the trash left out)."""
        return self._counts.get(group, (0, 0))

    def group_of(self, batch: Batch, tile: Tile) -> int | None:
        """The row of the sub-header the tile is under, or would be when it shows."""
        if batch.grouped_by is None:
            return None
        return self.groups.get(
            ValueGroup(batch.batch_id, batch.grouped_by, value_of(tile.values, batch.grouped_by))
        )
