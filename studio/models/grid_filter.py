"""Which drafts the grid shows: the filter strip's choice, without Qt."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from studio.core.domain import Flag
from studio.models.draft_rows import Batch, Tile


class FilterMode(StrEnum):
    ALL = "all"
    PICKS = "picks"
    MIN_RATING = "min_rating"
    HIDE_REJECTS = "hide_rejects"


@dataclass(frozen=True, slots=True)
class DraftFilter:
    mode: FilterMode = FilterMode.ALL
    min_rating: int = 3  # only read in MIN_RATING mode
    text: str = ""

    @property
    def needle(self) -> str:
        return self.text.strip().casefold()

    def accepts(self, needle: str, batch: Batch, tile: Tile) -> bool:
        """`needle` is this filter's, worked out once for all the rows it is asked about."""
        if tile.deleted or (needle and needle not in _searched(batch, tile)):
            return False
        if self.mode == FilterMode.PICKS:
            return tile.flag == Flag.PICK
        if self.mode == FilterMode.MIN_RATING:
            return tile.rating >= self.min_rating
        if self.mode == FilterMode.HIDE_REJECTS:
            return tile.flag != Flag.REJECT
        return True


def _searched(batch: Batch, tile: Tile) -> str:
    if tile.own_prompt is None:
        return batch.folded
    return f"{tile.own_prompt.casefold()} {batch.folded}"
