"""Batches and tiles made from library records, for a reload and for the older batches that
follow a library's first screen."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from studio.core.library import DraftRecord
from studio.models.draft_rows import Batch, Tile


def batches_of(
    records: Iterable[DraftRecord], previous: Mapping[int, Tile]
) -> tuple[list[Batch], dict[int, Tile]]:
    """`records` come grouped by batch, newest first; `previous` are the tiles loaded before,
    whose engine clocks the library does not keep and a reload must not reset."""
    batches: list[Batch] = []
    tiles: dict[int, Tile] = {}
    batch: Batch | None = None
    for draft in records:
        if batch is None or batch.batch_id != draft.batch_id:
            batch = Batch.from_record(draft)
            batches.append(batch)
        tile = Tile.from_record(draft, batch.prompt)
        old = previous.get(draft.id)
        if old is not None and old.status == tile.status:
            tile.started_at, tile.retry_at = old.started_at, old.retry_at
        batch.tiles.append(tile)
        tiles[draft.id] = tile
    return batches, tiles


def settle_matrices(batches: Iterable[Batch], grouping: Mapping[int, str]) -> None:
    """Matrix batches share their slots' values with siblings and keep a grouping chosen
    before, while the axis still exists."""
    for batch in batches:
        if batch.axes:
            batch.share_slot_values()
            kept = grouping.get(batch.batch_id)
            batch.grouped_by = kept if batch.axis(kept) is not None else None
