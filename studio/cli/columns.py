"""Plain-text columns that line up in a terminal: widths are counted in terminal cells, so
wide characters (CJK, most emoji) and combining marks do not push a row's columns apart."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

ELLIPSIS = "…"
GAP = "  "


def _cells_of(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cells(text: str) -> int:
    """How many terminal cells `text` takes."""
    return sum(_cells_of(char) for char in text)


def one_line(text: str) -> str:
    """`text` with every run of whitespace (line breaks and tabs too) as one space, and no
    control characters, which would move the cursor."""
    words = " ".join(text.split())
    return "".join(char for char in words if unicodedata.category(char) != "Cc")


def clip(text: str, width: int) -> str:
    """`text` on one line, cut to at most `width` cells with an ellipsis if it is longer."""
    flat = one_line(text)
    if cells(flat) <= width:
        return flat
    kept: list[str] = []
    used = 0
    for char in flat:
        used += _cells_of(char)
        if used > width - cells(ELLIPSIS):
            break
        kept.append(char)
    return "".join(kept).rstrip() + ELLIPSIS


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * (width - cells(text))
    return fill + text if right else text + fill


def table(rows: Sequence[Sequence[str]], right: frozenset[int] = frozenset()) -> list[str]:
    """Each row as one line, each column as wide as its widest cell (those in `right` aligned
    to the right). A column empty in every row is left out; the last is not padded."""
    if not rows:
        return []
    count = len(rows[0])
    widths = [max(cells(row[column]) for row in rows) for column in range(count)]
    shown = [column for column in range(count) if widths[column]]
    lines = []
    for row in rows:
        fields = [_pad(row[column], widths[column], column in right) for column in shown]
        lines.append(GAP.join(fields).rstrip())
    return lines
