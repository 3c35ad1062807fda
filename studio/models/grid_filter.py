"""Which drafts the grid shows: the filter strip's choice, without Qt."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from studio.core.domain import Derivation, Flag
from studio.models.draft_rows import Batch, Tile


class FilterMode(StrEnum):
    ALL = "all"
    PICKS = "picks"
    MIN_RATING = "min_rating"
    HIDE_REJECTS = "hide_rejects"


class Made(StrEnum):
    """How the drafts came to be: fresh from a prompt, or derived from another draft."""

    ANY = "any"
    FRESH = "fresh"
    REFINED = Derivation.REFINE.value
    EDITED = Derivation.EDIT.value
    VARIED = Derivation.VARY.value


@dataclass(frozen=True, slots=True)
class DraftFilter:
    mode: FilterMode = FilterMode.ALL
    min_rating: int = 3  # only read in MIN_RATING mode
    text: str = ""
    model: str | None = None  # a model id; None: any
    made: Made = Made.ANY

    @property
    def needle(self) -> str:
        return self.text.strip().casefold()

    def accepts(self, needle: str, batch: Batch, tile: Tile) -> bool:
        """`needle` is this filter's, worked out once for all the rows it is asked about."""
        if tile.deleted or (needle and needle not in _searched(batch, tile)):
            return False
        if self.model is not None and batch.model != self.model:
            return False
        if self.made != Made.ANY and _made(tile) != self.made:
            return False
        if self.mode == FilterMode.PICKS:
            return tile.flag == Flag.PICK
        if self.mode == FilterMode.MIN_RATING:
            return tile.rating >= self.min_rating
        if self.mode == FilterMode.HIDE_REJECTS:
            return tile.flag != Flag.REJECT
        return True


def _made(tile: Tile) -> Made:
    return Made.FRESH if tile.derivation is None else Made(tile.derivation.value)


def _searched(batch: Batch, tile: Tile) -> str:
    if tile.own_prompt is None:
        return batch.folded
    return f"{tile.own_prompt.casefold()} {batch.folded}"
