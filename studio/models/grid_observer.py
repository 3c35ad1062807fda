"""What GridState tells the one who mirrors it (the Qt model), without Qt."""

from __future__ import annotations

from enum import Enum, auto
from typing import Protocol


class RowAspect(Enum):
    """What about a row changed, so a view repaints only what depends on it."""

    EVERYTHING = auto()
    FLAG = auto()
    RATING = auto()
    DELETED = auto()
    PICTURE = auto()  # the thumbnail, or that its file cannot be read
    CLOCK = auto()  # the running time and the retry countdown
    SHAPE = auto()  # everything, and the image came in another shape than expected


class GridObserver(Protocol):
    """Told about every change to the rows. Each insertion, removal and reset comes as a pair:
    the "about to" call sees the old rows, the second one the new rows, as Qt models need.
    `header_changed` is for batch headers and grouped batches' sub-headers alike.
    `live_changed` comes whenever `GridState.live` gains or loses a draft."""

    def rows_about_to_be_inserted(self, first: int, last: int) -> None: ...

    def rows_inserted(self) -> None: ...

    def rows_about_to_be_removed(self, first: int, last: int) -> None: ...

    def rows_removed(self) -> None: ...

    def about_to_reset(self) -> None: ...

    def reset_done(self) -> None: ...

    def row_changed(self, row: int, aspect: RowAspect) -> None: ...

    def header_changed(self, row: int) -> None: ...

    def live_changed(self) -> None: ...
