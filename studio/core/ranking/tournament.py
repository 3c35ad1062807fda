"""A tournament: ranks 3-64 drafts from "this one or that one?" answers, resumable at any step.

The state is only the recorded answers: each step replays them through a deterministic sort,
so a tournament rebuilt from a library's stored answers, or after an undo, is exactly the one
that would have been reached without interruption.

Ties: a TIE puts the shown draft into the other one's group of equal rank, and the sort never
compares it again; later drafts are compared with a group's first member only. A tie is
therefore never contradicted by a later answer, and `ranking()` reports the group as tied.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeAlias

from studio.core.ranking.sorting import InsertionSorter, Outcome

MIN_ITEMS = 3
MAX_ITEMS = 64


class Choice(StrEnum):
    LEFT = "left"  # left ranks above right
    RIGHT = "right"
    TIE = "tie"


@dataclass(frozen=True, slots=True)
class Pair:
    left: int  # draft ids
    right: int


Answer: TypeAlias = tuple[int, int, Choice]


class Tournament:
    def __init__(self, items: Sequence[int], answers: Iterable[Answer] = ()) -> None:
        """items: draft ids (3..64, distinct; ValueError with one sentence otherwise). `answers`:
        (left, right, choice) already given, e.g. read back from the library, replayed to resume.
        A stored pair may come back in either order: its choice is then read mirrored."""
        ids = tuple(items)
        if not MIN_ITEMS <= len(ids) <= MAX_ITEMS:
            raise ValueError(
                f"A tournament needs {MIN_ITEMS} to {MAX_ITEMS} drafts, got {len(ids)}."
            )
        if len(set(ids)) != len(ids):
            duplicates = sorted({i for i in ids if ids.count(i) > 1})
            raise ValueError(f"A tournament needs distinct drafts; repeated: {duplicates}.")
        self._items = ids
        self._answers: list[Answer] = []
        self._sorter = InsertionSorter(ids)
        for number, (left, right, choice) in enumerate(answers, start=1):
            self._replay(number, left, right, choice)

    @property
    def question(self) -> Pair | None:
        """The next pair to ask, None when the ranking is complete."""
        comparison = self._sorter.comparison()
        if comparison is None:
            return None
        candidate, shown = comparison
        # Alternating sides keeps a left-hand bias from always favouring newcomers.
        if len(self._answers) % 2 == 0:
            return Pair(candidate, shown)
        return Pair(shown, candidate)

    def answer(self, choice: Choice) -> None:
        """Answers `question` (ValueError if complete)."""
        if self.done:
            raise ValueError("The ranking is already complete; there is no question to answer.")
        self._apply(_choice(choice))

    def undo(self) -> bool:
        """Takes back the last answer; False when none."""
        if not self._answers:
            return False
        kept = self._answers[:-1]
        self._answers = []
        self._sorter = InsertionSorter(self._items)
        for _, _, choice in kept:
            self._apply(choice)
        return True

    @property
    def answers(self) -> tuple[Answer, ...]:
        """Everything answered, in order: what the library stores."""
        return tuple(self._answers)

    @property
    def asked(self) -> int:
        return len(self._answers)

    @property
    def expected_total(self) -> int:
        """Answers so far plus the worst case still ahead: an upper estimate that shrinks as
        ties and lucky answers shorten the insertions; above `asked` while not done."""
        return self.asked + self._sorter.remaining_bound()

    @property
    def done(self) -> bool:
        return self._sorter.done

    def ranking(self) -> list[list[int]]:
        """Best first; drafts of equal rank share a group, in the order they were given."""
        if not self.done:
            raise ValueError("The ranking is not complete yet; answer the remaining questions.")
        order = {item: index for index, item in enumerate(self._items)}
        return [sorted(group, key=order.__getitem__) for group in self._sorter.groups()]

    def _replay(self, number: int, left: int, right: int, choice: Choice | str) -> None:
        pair = self.question
        if pair is None:
            raise ValueError(
                f"Saved answer {number} ({left} vs {right}) comes after the ranking was complete."
            )
        chosen = _choice(choice)
        if (left, right) == (pair.right, pair.left):
            chosen = _MIRRORED[chosen]
        elif (left, right) != (pair.left, pair.right):
            raise ValueError(
                f"Saved answer {number} is for {left} vs {right},"
                f" but the question at that point is {pair.left} vs {pair.right}."
            )
        self._apply(chosen)

    def _apply(self, choice: Choice) -> None:
        pair = self.question
        comparison = self._sorter.comparison()
        if pair is None or comparison is None:
            raise ValueError("The ranking is already complete; there is no question to answer.")
        candidate = comparison[0]
        if choice is Choice.TIE:
            outcome = Outcome.EQUAL
        elif (choice is Choice.LEFT) == (pair.left == candidate):
            outcome = Outcome.BETTER
        else:
            outcome = Outcome.WORSE
        self._sorter.apply(outcome)
        self._answers.append((pair.left, pair.right, choice))


_MIRRORED = {Choice.LEFT: Choice.RIGHT, Choice.RIGHT: Choice.LEFT, Choice.TIE: Choice.TIE}


def _choice(choice: Choice | str) -> Choice:
    try:
        return Choice(choice)
    except ValueError:
        raise ValueError(
            f"A choice must be one of {', '.join(c.value for c in Choice)}, got {choice!r}."
        ) from None
