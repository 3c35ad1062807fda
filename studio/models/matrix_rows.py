"""A prompt matrix as the grid shows it, without Qt: the sub-headers of a batch grouped by
one of its axes, the words for a draft's values, and the batch's template.

A grouped batch reads header, then per value of the axis (in the axis's order) a sub-header
and that value's drafts in slot order. Only grouped batches have sub-headers, so a grid of
plain batches builds exactly the rows it always did."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from studio.core.library import MatrixAxis
from studio.core.matrix.preview import EMPTY_OPTION, shorten

Values = tuple[tuple[str, str], ...]
_PILL_CHARS = 24  # the group pill shares the header line with the prompt and the others
_NO_VALUE = "Other"
# What a template writes literally with a backslash before it.
_ESCAPED = re.compile(r"([\\{}|])")


@dataclass(frozen=True, slots=True)
class ValueGroup:
    """A grouped batch's sub-header: its drafts whose `axis` took `value`. Equal groups are
    the same row, which lets the grid find what changed between two builds of a batch.
    `value` is None for drafts that lack one (none should, but a row must go somewhere)."""

    batch_id: int
    axis: str
    value: str | None

    def title(self) -> str:
        if self.value is None:
            return _NO_VALUE
        return self.value or EMPTY_OPTION

    def detail(self, shown: int, total: int) -> str:
        """ "6 drafts"; under a filter that hides some, "2 of 6 drafts"."""
        noun = "draft" if total == 1 else "drafts"
        return f"{total} {noun}" if shown == total else f"{shown} of {total} {noun}"

    def text(self, shown: int, total: int) -> str:
        return f"{self.title()} · {self.detail(shown, total)}"


def value_of(values: Values, axis: str) -> str | None:
    return next((value for key, value in values if key == axis), None)


class _Valued(Protocol):
    values: Values


_T = TypeVar("_T", bound=_Valued)


def grouped(
    batch_id: int, axis: MatrixAxis, tiles: Iterable[_T]
) -> list[tuple[ValueGroup, list[_T]]]:
    """`tiles` (in slot order) under one group per value of `axis` that any of them took:
    the axis's values first, in its order, then any it does not list."""
    buckets: dict[str | None, list[_T]] = {value: [] for value in axis.values}
    for tile in tiles:
        buckets.setdefault(value_of(tile.values, axis.key), []).append(tile)
    return [
        (ValueGroup(batch_id, axis.key, value), members)
        for value, members in buckets.items()
        if members
    ]


def values_text(values: Values, axes: Sequence[MatrixAxis]) -> str:
    """ "red · sand" for {…} groups, whose only name is their values; "colour: red" for a
    wildcard list, and for a random draw from one ("__animal__" → "animal: heron")."""
    named = {axis.key: axis for axis in axes}
    words = []
    for key, value in values:
        shown = value or EMPTY_OPTION
        if key in named and not key.isdigit():
            words.append(f"{named[key].label}: {shown}")
        elif key.startswith("__") and key.endswith("__") and len(key) > 4:
            words.append(f"{key[2:-2]}: {shown}")
        else:
            words.append(shown)
    return " · ".join(words)


def group_pill(axes: Sequence[MatrixAxis], grouped_by: str | None) -> str:
    label = next((axis.label for axis in axes if axis.key == grouped_by), "none")
    return f"Group: {shorten(label, _PILL_CHARS)} ▾"


def template_of(prompt: str, values: Values, axes: Sequence[MatrixAxis]) -> str | None:
    """The template a slot's expanded prompt came from, rebuilt by putting each group or
    list back where its value sits: the library's rows carry each slot's expanded prompt,
    and a header titled with one slot's would misname the other combinations. None when
    the slot does not tell (an empty option leaves nothing to find)."""
    named = {axis.key: axis for axis in axes}
    out: list[str] = []
    cursor = 0
    for key, value in values:
        if not value:
            return None
        start = _find(prompt, value, cursor)
        if start < 0:
            return None
        axis = named.get(key)
        if axis is None:
            written = key  # a random draw, "__animal__"
        elif key.isdigit():
            written = "{" + "|".join(_ESCAPED.sub(r"\\\1", v) for v in axis.values) + "}"
        else:
            written = f"__{key}:all__"
        out += [prompt[cursor:start], written]
        cursor = start + len(value)
    out.append(prompt[cursor:])
    return "".join(out)


def _find(text: str, value: str, start: int) -> int:
    """Where `value` stands as words of its own, else anywhere ("red" in "red-brick", but
    not inside "shredded" when it also stands alone)."""
    alone = re.compile(rf"(?<!\w){re.escape(value)}(?!\w)").search(text, start)
    return alone.start() if alone else text.find(value, start)
