"""Binary insertion sort over groups of equal rank, advanced one comparison at a time.

Binary insertion needs at most sum(ceil(log2(m + 1))) comparisons, m being the groups already
placed, which stays within ceil(log2(N!)) + N for every N up to 64 while being far simpler to
replay than merge-insertion. Insertion never reorders what is already placed, so every answer
stays respected even when a user's answers are not transitive.
"""

from __future__ import annotations

import math
from enum import Enum


class Outcome(Enum):
    """How the candidate compares with the group it is shown against."""

    BETTER = "better"
    WORSE = "worse"
    EQUAL = "equal"


def insertion_cost(groups: int) -> int:
    """Worst-case comparisons to place one item among `groups` ordered groups."""
    return math.ceil(math.log2(groups + 1))


class InsertionSorter:
    """Inserts `items[1:]` one by one into the groups built so far, best group first."""

    def __init__(self, items: tuple[int, ...]) -> None:
        self._items = items
        self._groups: list[list[int]] = [[items[0]]]
        self._next = 1  # index in items of the candidate being placed
        self._lo = 0  # candidate belongs in a gap lo..hi, gap p being just before groups[p]
        self._hi = 1

    @property
    def done(self) -> bool:
        return self._next >= len(self._items)

    def comparison(self) -> tuple[int, int] | None:
        """(candidate, representative of the group it is compared with), None when sorted."""
        if self.done:
            return None
        # The first member stands for its group: ties merged into it were judged against it.
        return self._items[self._next], self._groups[self._mid()][0]

    def apply(self, outcome: Outcome) -> None:
        if self.done:
            raise ValueError("The ranking is already complete.")
        mid = self._mid()
        candidate = self._items[self._next]
        if outcome is Outcome.EQUAL:
            self._groups[mid].append(candidate)
            self._start_next()
            return
        if outcome is Outcome.BETTER:
            self._hi = mid
        else:
            self._lo = mid + 1
        if self._lo == self._hi:
            self._groups.insert(self._lo, [candidate])
            self._start_next()

    def remaining_bound(self) -> int:
        """Comparisons still needed at worst, assuming no further ties."""
        if self.done:
            return 0
        total = insertion_cost(self._hi - self._lo)
        groups = len(self._groups) + 1
        for _ in range(self._next + 1, len(self._items)):
            total += insertion_cost(groups)
            groups += 1
        return total

    def groups(self) -> list[list[int]]:
        return [list(group) for group in self._groups]

    def _mid(self) -> int:
        # Splitting the open gaps in half keeps each insertion at ceil(log2(gaps)) comparisons.
        return (self._lo + self._hi) // 2

    def _start_next(self) -> None:
        self._next += 1
        self._lo = 0
        self._hi = len(self._groups)
