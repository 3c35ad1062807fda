"""The whitespace where a group meets the text around it, worked out once per template.

Options are stripped, so the recorded values are clean. In the prompt, whitespace typed
around an option stands for one space, kept only where the group touches a word: `{|very }large`
gives "large" and "very large", `({ big | small })` gives "(big)". When an option is empty the
whitespace on both sides of the group would double up, so one side's moves into the other
options: `a {|big} cat` gives "a cat" and "a big cat".
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from studio.core.matrix.syntax import Group, Piece, Wildcard

_EDGE, _SPACE, _TIGHT, _WORD = range(4)
# Text after these hugs what follows: opening brackets and quotes, hyphens, slashes.
_HUG_AFTER = frozenset({"Ps", "Pi"})
_HUGGING = "\"'-/"

Rendering = tuple[str | Wildcard, ...]


@dataclass(frozen=True, slots=True)
class Spaced:
    group: Group
    renderings: tuple[Rendering, ...]  # per option, the spaces around it included


def space_groups(pieces: tuple[Piece, ...]) -> list[str | Wildcard | Spaced]:
    out: list[Piece | Spaced] = list(pieces)
    for index, piece in enumerate(out):
        if isinstance(piece, Group):
            out[index] = _space(out, index, piece)
    return [p for p in out if not isinstance(p, Group) and p != ""]


def _space(out: list[Piece | Spaced], index: int, group: Group) -> Spaced:
    left = out[index - 1] if index > 0 else None
    right = out[index + 1] if index + 1 < len(out) else None
    before, after = _before(left), _after(right)
    prefix = " " if before == _WORD else ""
    suffix = " " if after == _WORD else ""
    moved_prefix = moved_suffix = ""
    if any(not option.value for option in group.options) and {before, after} <= {_EDGE, _SPACE}:
        if isinstance(right, str) and after == _SPACE:
            body = right.lstrip()
            moved_suffix, out[index + 1] = right[: len(right) - len(body)], body
        elif isinstance(left, str) and before == _SPACE:
            body = left.rstrip()
            moved_prefix, out[index - 1] = left[len(body) :], body
    renderings: list[Rendering] = []
    for option in group.options:
        if not option.parts:
            renderings.append(())
            continue
        head = moved_prefix or (prefix if option.lead else "")
        tail = moved_suffix or (suffix if option.trail else "")
        renderings.append(_merge((head, *option.parts, tail)))
    return Spaced(group, tuple(renderings))


def _before(piece: Piece | Spaced | None) -> int:
    if piece is None:
        return _EDGE
    if not isinstance(piece, str):
        return _WORD  # a draw or another group's value: it ends in a word
    # Text emptied by a move still stands where whitespace was.
    if not piece or piece[-1].isspace():
        return _SPACE
    last = piece[-1]
    return _TIGHT if unicodedata.category(last) in _HUG_AFTER or last in _HUGGING else _WORD


def _after(piece: Piece | Spaced | None) -> int:
    if piece is None:
        return _EDGE
    if not isinstance(piece, str):
        return _WORD
    if not piece or piece[0].isspace():
        return _SPACE
    category = unicodedata.category(piece[0])
    # Closing brackets, commas, full stops, hyphens: no space before them.
    return _TIGHT if category.startswith("P") and category not in _HUG_AFTER else _WORD


def _merge(parts: tuple[str | Wildcard, ...]) -> Rendering:
    merged: list[str | Wildcard] = []
    for part in parts:
        if part == "":
            continue
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    return tuple(merged)
