"""Adaptive concurrency: slow start, additive increase, multiplicative decrease on throttling,
and a hold while the server's retryDelay runs, so the engine finds an unknown rate limit."""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Callable

_BACKOFF = 0.5
_BACKOFF_WITH_HINT = 0.85


class AdaptiveLimiter:
    def __init__(
        self,
        maximum: int,
        initial: int = 4,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.maximum = max(1, maximum)
        self._limit = float(min(max(1, initial), self.maximum))
        # Doubling per round trip until the first throttle, like TCP slow start.
        self._threshold = float(self.maximum)
        self._clock = clock
        self._last_cut = -math.inf
        self._hold_until = 0.0
        self._hold_timer: asyncio.TimerHandle | None = None
        self._paused = False
        self._waiters: deque[asyncio.Future[None]] = deque()
        self.in_flight = 0

    @property
    def limit(self) -> int:
        return max(1, int(self._limit))

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def waiting(self) -> int:
        return sum(1 for waiter in self._waiters if not waiter.done())

    def _may_start(self) -> bool:
        return (
            not self._paused and self.in_flight < self.limit and self._clock() >= self._hold_until
        )

    async def acquire(self, first: bool = False) -> float:
        """Waits for a turn; `first` puts a retrying slot ahead of fresh ones. Returns the
        dispatch time, which on_throttle uses to cut only once per round trip."""
        if not self._waiters and self._may_start():
            self.in_flight += 1
            return self._clock()
        waiter = asyncio.get_running_loop().create_future()
        if first:
            self._waiters.appendleft(waiter)
        else:
            self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # the turn was granted just as we were cancelled
            else:
                self._waiters.remove(waiter)
            raise
        return self._clock()

    def release(self) -> None:
        self.in_flight -= 1
        self._wake()

    def _wake(self) -> None:
        while self._waiters and self._may_start():
            waiter = self._waiters.popleft()
            if waiter.done():
                continue
            self.in_flight += 1
            waiter.set_result(None)
        if self._waiters and not self._paused and self._clock() < self._hold_until:
            self._schedule_wake_at(self._hold_until)

    def _schedule_wake_at(self, when: float) -> None:
        if self._hold_timer is not None:
            self._hold_timer.cancel()
        delay = max(0.0, when - self._clock())
        self._hold_timer = asyncio.get_running_loop().call_later(delay, self._wake)

    def on_success(self) -> None:
        if self._limit < self._threshold:
            self._limit += 1.0
        else:
            self._limit += 1.0 / self._limit
        self._limit = min(self._limit, float(self.maximum))
        self._wake()

    def on_throttle(self, dispatched_at: float, retry_after_s: float | None) -> None:
        # Requests sent before the last cut saw the old limit; punishing them again would
        # collapse concurrency to 1 after a single burst of 429s.
        if dispatched_at >= self._last_cut:
            # With a retryDelay the hold below already stops the herd, so a mild cut keeps
            # the pipe full; without one (overload) only halving relieves the service.
            backoff = _BACKOFF_WITH_HINT if retry_after_s is not None else _BACKOFF
            self._threshold = max(1.0, self._limit * backoff)
            self._limit = self._threshold
            self._last_cut = self._clock()
        if retry_after_s is not None:
            self.hold(retry_after_s)

    def hold(self, seconds: float) -> None:
        self._hold_until = max(self._hold_until, self._clock() + seconds)
        self._schedule_wake_at(self._hold_until)

    def pause(self) -> None:
        self._paused = True

    def resume(self) -> None:
        self._paused = False
        self._wake()

    def set_maximum(self, maximum: int) -> None:
        self.maximum = max(1, maximum)
        self._limit = min(self._limit, float(self.maximum))
        self._threshold = min(self._threshold, float(self.maximum))
        self._wake()

    def close(self) -> None:
        if self._hold_timer is not None:
            self._hold_timer.cancel()
            self._hold_timer = None
