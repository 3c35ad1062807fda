"""From a template to its slots: the product of the axes, the limit, the random draws."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from itertools import product
from math import prod
from pathlib import Path

from studio.core.matrix.errors import MatrixError
from studio.core.matrix.model import Axis, Expansion, MatrixSlot
from studio.core.matrix.preview import describe, group_label, positions
from studio.core.matrix.spacing import Spaced, space_groups
from studio.core.matrix.syntax import Wildcard, has_syntax, parse
from studio.core.matrix.wildcards import load_list

MAX_SLOTS = 1000


@dataclass(frozen=True, slots=True)
class _Draw:
    key: str  # "__name__", as recorded
    entries: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Use:
    axis: int
    record: bool  # a list used whole twice is one axis, recorded where it first appears


_Part = str | _Draw


@dataclass(slots=True)
class _Plan:
    items: list[str | _Draw | _Use] = field(default_factory=list)
    axes: list[Axis] = field(default_factory=list)
    renderings: list[tuple[tuple[_Part, ...], ...]] = field(default_factory=list)
    group_at: list[int | None] = field(default_factory=list)  # '{' position per axis
    draws: bool = False


def expand(
    template: str,
    count: int,
    wildcards: Path | None,
    *,
    seed: int | None = None,
    limit: int = MAX_SLOTS,
) -> Expansion:
    """The drafts `template` stands for, `count` of each combination; raises MatrixError."""
    if count < 1:
        raise MatrixError(f"Each prompt needs at least 1 draft, not {count}.")
    if not has_syntax(template):
        _check_limit([], count, limit)
        return Expansion(template, (), count, (MatrixSlot(template, ()),) * count)
    plan = _compile(template, wildcards)
    _check_limit([len(axis.values) for axis in plan.axes], count, limit)
    return Expansion(template, tuple(plan.axes), count, _slots(plan, count, random.Random(seed)))


def _check_limit(sizes: list[int], count: int, limit: int) -> None:
    if prod(sizes) * count > limit:
        raise MatrixError(
            f"This prompt makes {describe(sizes, count)}; one batch holds at most {limit:,}."
        )


def _compile(template: str, folder: Path | None) -> _Plan:
    plan = _Plan()
    lists: dict[str, tuple[str, ...]] = {}
    every_axis: dict[str, int] = {}

    def draw(wildcard: Wildcard) -> _Draw:
        plan.draws = True
        return _Draw(f"__{wildcard.name}__", entries(wildcard))

    def entries(wildcard: Wildcard) -> tuple[str, ...]:
        if wildcard.name not in lists:
            lists[wildcard.name] = load_list(
                folder, wildcard.name, wildcard.written, wildcard.position
            )
        return lists[wildcard.name]

    for piece in space_groups(parse(template)):
        if isinstance(piece, str):
            plan.items.append(piece)
        elif isinstance(piece, Spaced):
            values = tuple(option.value for option in piece.group.options)
            plan.items.append(_Use(len(plan.axes), record=True))
            plan.axes.append(Axis(str(piece.group.number), group_label(values), values))
            plan.renderings.append(
                tuple(
                    tuple(p if isinstance(p, str) else draw(p) for p in rendering)
                    for rendering in piece.renderings
                )
            )
            plan.group_at.append(piece.group.position)
        elif not piece.every:
            plan.items.append(draw(piece))
        elif piece.name in every_axis:
            plan.items.append(_Use(every_axis[piece.name], record=False))
        else:
            every_axis[piece.name] = len(plan.axes)
            plan.items.append(_Use(len(plan.axes), record=True))
            values = entries(piece)
            plan.axes.append(Axis(piece.name, piece.name, values))
            plan.renderings.append(tuple((value,) for value in values))
            plan.group_at.append(None)
    return plan


def _slots(plan: _Plan, count: int, rng: random.Random) -> tuple[MatrixSlot, ...]:
    slots: list[MatrixSlot] = []
    total = prod(len(axis.values) for axis in plan.axes)
    strip = any(at is not None for at in plan.group_at)
    for number, combination in enumerate(product(*(range(len(a.values)) for a in plan.axes))):
        for copy in range(count if plan.draws else 1):
            slot = _render(plan, combination, rng, strip)
            if copy == 0 and not slot.prompt:
                _refuse_empty(plan, combination, number + 1, total)
            slots.append(slot)
        if not plan.draws:
            slots.extend([slots[-1]] * (count - 1))
    return tuple(slots)


def _render(
    plan: _Plan, combination: tuple[int, ...], rng: random.Random, strip: bool
) -> MatrixSlot:
    out: list[str] = []
    values: list[tuple[str, str]] = []
    for item in plan.items:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, _Draw):
            entry = rng.choice(item.entries)
            values.append((item.key, entry))
            out.append(entry)
        else:
            chosen = combination[item.axis]
            if item.record:
                axis = plan.axes[item.axis]
                values.append((axis.key, axis.values[chosen]))
            for part in plan.renderings[item.axis][chosen]:
                if isinstance(part, str):
                    out.append(part)
                else:
                    entry = rng.choice(part.entries)
                    values.append((part.key, entry))
                    out.append(entry)
    prompt = "".join(out)
    # Spacing around groups can leave whitespace at the ends; a plain prompt is sent as typed.
    return MatrixSlot(prompt.strip() if strip else prompt, tuple(values))


def _refuse_empty(plan: _Plan, combination: tuple[int, ...], number: int, total: int) -> None:
    # Draws and whole lists are never empty, so every group here took its empty option.
    empty = [
        at
        for at, chosen, axis in zip(plan.group_at, combination, plan.axes, strict=True)
        if at is not None and not axis.values[chosen]
    ]
    which = (
        f"the group at position {empty[0]} takes its empty option"
        if len(empty) == 1
        else f"the groups at positions {positions(empty)} take their empty options"
    )
    raise MatrixError(
        f"Combination {number:,} of {total:,} leaves the prompt empty: {which} "
        "and there is no other text.",
        empty[0] if empty else None,
    )
