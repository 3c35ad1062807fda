"""The sliding-window request limit the sandbox enforces like a per-minute quota."""

from __future__ import annotations

from collections import deque


class SlidingWindow:
    """Counts accepted starts; not thread-safe on its own (the server holds its lock)."""

    def __init__(self) -> None:
        self._starts: deque[float] = deque()

    def try_acquire(self, now: float, limit: int, window_s: float) -> float | None:
        """Records a start and returns None, or returns the seconds until a slot frees.
        Refused attempts are not recorded, as with the live quota."""
        while self._starts and self._starts[0] <= now - window_s:
            self._starts.popleft()
        if len(self._starts) < limit:
            self._starts.append(now)
            return None
        if limit <= 0:
            return window_s
        # If the limit was lowered at run time, more than one start must expire first.
        return self._starts[len(self._starts) - limit] + window_s - now
