"""The human sentences about a matrix: its size, and short labels for its axes."""

from __future__ import annotations

from collections.abc import Sequence
from math import prod

LABEL_CHARS = 40
EMPTY_OPTION = "(none)"


def describe(sizes: Sequence[int], count: int) -> str:
    """ "3 × 3 combinations × 4 = 36 drafts"; "4 drafts" when nothing varies."""
    combinations = prod(sizes)
    total = combinations * count
    drafts = f"{total:,} draft" + ("" if total == 1 else "s")
    if not sizes:
        return drafts
    factors = " × ".join(f"{size:,}" for size in sizes)
    noun = "combination" if combinations == 1 else "combinations"
    copies = "" if count == 1 else f" × {count:,}"
    return f"{factors} {noun}{copies} = {drafts}"


def group_label(values: Sequence[str]) -> str:
    return shorten(" / ".join(value or EMPTY_OPTION for value in values))


def shorten(text: str, limit: int = LABEL_CHARS) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def positions(numbers: Sequence[int]) -> str:
    """ "1", "1 and 5", "1, 5 and 9"."""
    words = [str(n) for n in numbers]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
