"""In which order a batch's drafts show, without Qt: slot order, best rated first, or best
ranked first by the latest finished tournament. Batches stay newest first whatever the
order: a batch is one idea, and the grid reads as their history."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from studio.models.draft_rows import Batch, Tile
from studio.models.grid_filter import DraftFilter
from studio.models.grid_observer import RowAspect


class GridOrder(StrEnum):
    NEWEST = "newest"
    RATING = "rating"
    RANK = "rank"


@dataclass(frozen=True, slots=True)
class RowRule:
    """Which drafts show and in which order. `ranks` maps a draft id to its place in the
    tournament (0 best, ties share one); only read in RANK order."""

    draft_filter: DraftFilter = field(default_factory=DraftFilter)
    order: GridOrder = GridOrder.NEWEST
    ranks: Mapping[int, int] = field(default_factory=dict)
    # Worked out once per rule rather than for every row the filter is asked about.
    needle: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "needle", self.draft_filter.needle)

    def accepts(self, batch: Batch, tile: Tile) -> bool:
        return self.draft_filter.accepts(self.needle, batch, tile)

    def arrange(self) -> Callable[[list[Tile]], list[Tile]] | None:
        """Sorts a batch's shown tiles (given in slot order); None keeps them so. The sorts
        are stable, so ties keep slot order and a slot's second image stays after its first."""
        if self.order == GridOrder.RATING:
            return lambda tiles: sorted(tiles, key=_by_rating)
        if self.order == GridOrder.RANK and self.ranks:
            ranks = self.ranks
            return lambda tiles: sorted(tiles, key=lambda t: ranks.get(t.draft_id, math.inf))
        return None

    def moves_on(self, aspect: RowAspect) -> bool:
        """Whether an edit of this kind can move a tile within its batch."""
        return self.order == GridOrder.RATING and aspect == RowAspect.RATING


def _by_rating(tile: Tile) -> int:
    return -tile.rating


def ranks_of(groups: list[list[int]]) -> dict[int, int]:
    """A tournament's best-first groups as each draft's place."""
    return {draft_id: place for place, group in enumerate(groups) for draft_id in group}
