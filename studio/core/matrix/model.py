"""What an expanded prompt is made of: its axes and one slot per draft."""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

from studio.core.matrix.preview import describe


@dataclass(frozen=True, slots=True)
class Axis:
    key: str  # "1", "2", ... for {a|b} groups in order; the list's name for __name:all__
    label: str  # what a user sees when grouping by it
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MatrixSlot:
    prompt: str  # the expanded text sent to the model
    # (axis key, value) for every axis and ("__name__", entry) for every random draw,
    # in order of appearance in the template.
    values: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Expansion:
    template: str
    axes: tuple[Axis, ...]
    count: int  # images per combination
    # combinations × count, all copies of a combination together, the first axis outermost.
    slots: tuple[MatrixSlot, ...]

    @property
    def combinations(self) -> int:
        return prod(len(axis.values) for axis in self.axes)

    @property
    def is_matrix(self) -> bool:
        # Without axes every slot takes the same pieces, so a top-level draw shows in slot 0.
        return bool(self.axes) or bool(self.slots and self.slots[0].values)

    def summary(self) -> str:
        return describe([len(axis.values) for axis in self.axes], self.count)
