"""Where the grid's cells go, without Qt: a justified layout, as photo grids lay out theirs.

Each batch flows in lines of its own (its header starts a new line; so does each sub-header
of a batch grouped by a prompt axis, whose short last lines keep the batch's height). Every
line of a batch has one height, each cell is as wide as its picture at that height, and a
full line is scaled so that its cells end exactly at the right edge: a 16:9 batch gets 16:9
cells, with no letterbox bands. The tile size sets how much picture a cell holds: a square
cell's edge, and the same area for other shapes, so a 16:9 draft is as prominent as a
square one (a common line height would make portrait drafts slivers and landscape ones
banners).

The sizes are worked out once per layout (a few milliseconds for 10,000 drafts) and then
only looked up, which is what QListView does for every row whenever it lays out or paints."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

# How far a shape's line height may stray from a square cell's, so that 1:8 banners stay
# wide enough to see and 8:1 ones tall enough to read.
_TALLEST = 2.5
_LOWEST = 1 / 3
_MIN_PICTURE = 8  # px: a view narrower than its cells still gets something to click


@dataclass(frozen=True, slots=True)
class GridFrame:
    """What the view lays cells out in."""

    room: int  # how wide a line of cells may be, the gaps between them included
    tile: int  # the zoom: a square draft's cell edge
    spacing: int  # between two cells of a line, and between lines
    pad: int  # between a cell's edge and its picture (the selection ring lives there)


Size = tuple[int, int]
GROUP: Literal["group"] = "group"  # a row's shape when it is a sub-header
RowShape = float | Literal["group"] | None  # a picture's width / height, or a header


def line_height(aspect: float, frame: GridFrame) -> float:
    """The picture height a batch of this shape aims for: a square cell's area."""
    edge = max(_MIN_PICTURE, frame.tile - 2 * frame.pad)
    height = edge / math.sqrt(aspect)
    return min(edge * _TALLEST, max(edge * _LOWEST, height))


def _cells(aspects: Sequence[float], height: float, pad: int) -> list[Size]:
    """Cells for one line at this picture height. The edges are rounded, not the widths,
    so a line that fills the room ends exactly at its end and equal shapes stay aligned."""
    tall = round(height) + 2 * pad
    cells: list[Size] = []
    reach = 0.0
    left = 0
    for aspect in aspects:
        reach += aspect * height
        right = round(reach)
        cells.append((right - left + 2 * pad, tall))
        left = right
    return cells


def justify(aspects: Sequence[float], frame: GridFrame) -> list[Size]:
    """The cells of one batch's drafts, in order, given each picture's width / height."""
    return _justify(aspects, frame, None)[0]


def _justify(
    aspects: Sequence[float], frame: GridFrame, above: float | None
) -> tuple[list[Size], float | None]:
    """`above`: the picture height of the batch's last full line before this run, which a
    short last line keeps. Also gives what the next run of the batch should keep."""
    sizes: list[Size] = []
    count = len(aspects)
    target = line_height(_typical(aspects), frame)
    per_cell = 2 * frame.pad + frame.spacing
    start = 0
    previous = above  # the last full line's picture height
    while start < count:
        total = 0.0
        fitted = 0.0  # the height at which the line so far fills the room exactly
        end = start
        height: float | None = None
        while end < count:
            total += aspects[end]
            cells = end - start + 1
            filling = max(_MIN_PICTURE, (frame.room + frame.spacing - cells * per_cell) / total)
            if filling < target:
                # One more cell makes the line too full at the target height: keep it and
                # shrink the line, or leave it for the next line and stretch this one,
                # whichever strays less from the target.
                if cells > 1 and fitted / target < target / filling:
                    end -= 1
                    height = fitted
                else:
                    height = filling
                end += 1
                break
            fitted = filling
            end += 1
        if height is None:
            # The batch's last drafts do not fill a line: the line above's height, unstretched.
            height = min(fitted, previous if previous is not None else target)
        else:
            previous = height
        sizes.extend(_cells(aspects[start:end], height, frame.pad))
        start = end
    return sizes, previous


def _typical(aspects: Sequence[float]) -> float:
    """The batch's shape: its drafts share one, but work derived from several batches may
    mix a few."""
    ordered = sorted(aspects)
    return ordered[len(ordered) // 2] if ordered else 1.0


class GridGeometry:
    """Every row's cell size for one frame: None for a header row, which spans the line.
    `rows` gives, per row, the picture's width / height, None for a header, GROUP for a
    sub-header."""

    def __init__(self, rows: Callable[[], Sequence[RowShape]]) -> None:
        self._rows = rows
        self._frame: GridFrame | None = None
        self._sizes: list[Size | None] | None = None

    @property
    def frame(self) -> GridFrame | None:
        return self._frame

    def set_frame(self, frame: GridFrame) -> None:
        if frame != self._frame:
            self._frame = frame
            self._sizes = None

    def invalidate(self) -> None:
        """Rows came, went or changed shape."""
        self._sizes = None

    def size_at(self, row: int) -> Size | None:
        if self._frame is None:
            return None
        if self._sizes is None:
            self._sizes = self._lay_out(self._rows(), self._frame)
        return self._sizes[row] if 0 <= row < len(self._sizes) else None

    @staticmethod
    def _lay_out(rows: Sequence[RowShape], frame: GridFrame) -> list[Size | None]:
        sizes: list[Size | None] = []
        run: list[float] = []
        above: float | None = None
        for aspect in rows:
            if aspect is None or aspect == GROUP:
                cells, height = _justify(run, frame, above)
                sizes.extend(cells)
                run.clear()
                sizes.append(None)
                above = height if aspect == GROUP else None
            else:
                run.append(aspect)
        sizes.extend(_justify(run, frame, above)[0])
        return sizes
