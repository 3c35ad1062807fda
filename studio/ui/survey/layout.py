"""Where each image of a survey goes: rows of images at their true aspect ratio, sized so
that together they cover as much of the available area as they can."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple


class Rect(NamedTuple):
    x: float
    y: float
    width: float
    height: float


def _rows_of(count: int, rows: int) -> list[int]:
    """`count` images over `rows` rows, the earlier rows taking the odd ones out, in order."""
    base, extra = divmod(count, rows)
    return [base + (1 if row < extra else 0) for row in range(rows)]


def survey_layout(
    aspects: Sequence[float],
    width: float,
    height: float,
    *,
    gap: float = 8.0,
    caption: float = 0.0,
) -> list[Rect]:
    """The image rect of each aspect (width / height), in order, inside width × height.

    Every row is a strip of images sharing one height, justified to the full width; when the
    strips together are too tall, all of them shrink by one factor and stay centred. Of all
    row counts, the one showing the most image area wins (ties to fewer rows). `caption` is
    the space kept under every row for its captions."""
    if not aspects or width <= 0 or height <= 0:
        return []
    best: list[Rect] = []
    best_area = -1.0
    for rows in range(1, len(aspects) + 1):
        rects = _arrange(aspects, _rows_of(len(aspects), rows), width, height, gap, caption)
        area = sum(r.width * r.height for r in rects)
        if area > best_area * (1 + 1e-9):
            best, best_area = rects, area
    return best


def _arrange(
    aspects: Sequence[float],
    counts: list[int],
    width: float,
    height: float,
    gap: float,
    caption: float,
) -> list[Rect]:
    strips: list[tuple[list[float], float]] = []  # the row's aspects and its natural height
    start = 0
    for count in counts:
        row = [max(a, 1e-3) for a in aspects[start : start + count]]
        start += count
        strips.append((row, max(0.0, width - gap * (len(row) - 1)) / sum(row)))
    room = height - gap * (len(strips) - 1) - caption * len(strips)
    natural = sum(h for _, h in strips)
    if room <= 0 or natural <= 0:
        return [Rect(0, 0, 0, 0) for _ in aspects]
    scale = min(1.0, room / natural)
    used = natural * scale + (gap + caption) * len(strips) - gap
    y = (height - used) / 2
    rects: list[Rect] = []
    for row, natural_height in strips:
        row_height = natural_height * scale
        row_width = sum(a * row_height for a in row) + gap * (len(row) - 1)
        x = (width - row_width) / 2
        for aspect in row:
            rects.append(Rect(x, y, aspect * row_height, row_height))
            x += aspect * row_height + gap
        y += row_height + caption + gap
    return rects
