"""Dispatch turns paced by what the service's rate limit is learnt to be.

Real limits are per minute and per day, per project and model, and the account's numbers
are not told. What a 429 does tell: the request was refused, and its `retryDelay` says when
capacity frees. The pacer keeps a mirror of the service's request window: every request it
let go that was not refused. From the first burst that runs into the limit it learns the
window, how many requests per how long (like a delivery-rate estimate, as BBR makes for
bandwidth), and from then on lets a request go only when the mirror says the service will
take it. So the pipe stays full without hammering: the number in flight follows from the
rate and the latency by itself (Little's law), bounded only by the user's maximum, and 429s
become rare probes for a higher limit instead of the way the limit is found each time.

An overloaded service (503) says nothing about the account's quota: that slot backs off on
its own (the engine's retry policy) and the pipe stays as it is."""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

# Until a window is learnt, how long the mirror remembers requests (a per-minute limit fits).
_MEMORY_S = 120.0
# A 429 without retryDelay still means "slow down": a short hold, and a window somewhat
# tighter than what had been getting through.
_HOLD_WITHOUT_HINT_S = 1.0
_SHRINK_WITHOUT_HINT = 0.85
# A request reaches the service a little after the pacer lets it go, later still in a
# burst, so the mirror lets a request leave its window a margin after the service's own
# window would; the margin grows when the service still refused one.
_FIRST_MARGIN = 0.02
_MAX_MARGIN = 0.25
# How often a window kept full without refusals is tested for a higher limit.
_PROBE_EVERY_S = 10.0
# In flight at most rate x latency, the rate being what this machine can save and show (the
# bandwidth-delay product, with this machine as the bottleneck when the service is fast): more
# only queues answers here, late on screen. Latency is the least seen lately, or before any
# answer the age of the oldest request out, so the depth opens up as a slow service keeps
# everyone waiting.
_DEPTH_GAIN = 1.5
_MIN_DEPTH = 8
_LATENCIES_KEPT = 32
_DEPTH_RECHECK_S = 0.1


@dataclass(slots=True, eq=False)
class Ticket:
    """One request let go: when, in which learning round, and whether it was refused."""

    at: float
    round: int
    refused: bool = False


@dataclass(frozen=True, slots=True)
class Window:
    limit: int  # requests the service takes…
    span_s: float  # …within any stretch of this long

    @property
    def rate(self) -> float:
        return self.limit / self.span_s


@dataclass(slots=True)
class _Refusal:
    round_start: float  # when the round's first request was let go
    refused_at: float  # when the refused one was: its answer may come back late in a burst
    answered_at: float  # when the refusal came back; nothing left during the hold after it
    retry_after_s: float | None


class Pacer:
    def __init__(self, maximum: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.maximum = max(1, maximum)
        self._clock = clock
        self.window: Window | None = None
        self._sent: deque[Ticket] = deque()  # oldest first
        self._round = 0
        self._round_start: float | None = None
        self._refusal: _Refusal | None = None  # learnt from when the hold ends
        self._last_change = -math.inf
        self._margin_s = 0.0
        self._probing = False  # the limit was raised to test it and no refusal came yet
        self._limit_before_probe = 0
        self._hold_until = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._paused = False
        self._waiters: deque[asyncio.Future[Ticket]] = deque()
        self.in_flight = 0
        self._out: deque[Ticket] = deque()  # let go and not yet answered, oldest first
        self._latencies: deque[float] = deque(maxlen=_LATENCIES_KEPT)
        self.local_rate: float | None = None  # answers per second; None: no local bound

    @property
    def limit(self) -> int:
        """At most this many in flight now: rate x latency, up to the user's maximum."""
        return self._depth(self._clock())

    def _depth(self, now: float) -> int:
        if self.local_rate is None:
            return self.maximum
        if self._latencies:
            latency = min(self._latencies)
        else:
            latency = now - self._out[0].at if self._out else 0.0
        depth = math.ceil(_DEPTH_GAIN * self.local_rate * latency)
        return max(1, min(self.maximum, max(_MIN_DEPTH, depth)))

    @property
    def waiting(self) -> int:
        return sum(1 for waiter in self._waiters if not waiter.done())

    # -- the mirror ----------------------------------------------------------------------------

    def _forget_old(self, now: float) -> None:
        keep = max(_MEMORY_S, self.window.span_s if self.window else 0.0)
        while self._sent and self._sent[0].at <= now - keep:
            self._sent.popleft()

    def _taken_since(self, since: float, until: float) -> list[Ticket]:
        return [t for t in self._sent if since < t.at <= until and not t.refused]

    def _window_frees_at(self, now: float) -> float | None:
        """None when the learnt window takes one more request now; else when it will."""
        window = self.window
        if window is None:
            return None
        span = window.span_s + self._margin_s
        taken = self._taken_since(now - span, now)
        if len(taken) < window.limit:
            return None
        since = now - self._last_change
        if self._probing and since >= span:
            self._probing = False  # the higher limit held for a whole window
        if since >= max(2 * span, _PROBE_EVERY_S):
            # The window stayed full without a refusal: try a little more, in case the
            # account allows more now. A wrong guess costs one 429.
            self._limit_before_probe = window.limit
            self.window = Window(window.limit + max(1, window.limit // 20), window.span_s)
            self._last_change = now
            self._probing = True
            return None
        return taken[len(taken) - window.limit].at + span

    def _learn(self, now: float) -> None:
        """After the hold of a refusal: the window that explains it."""
        refusal, self._refusal = self._refusal, None
        if refusal is None:
            return
        self._last_change = now
        if refusal.retry_after_s is None:
            span = max(refusal.refused_at - refusal.round_start, 0.0) + _HOLD_WITHOUT_HINT_S
            taken = self._taken_since(refusal.round_start - 1e-9, refusal.answered_at)
            limit = max(1, math.floor(len(taken) * _SHRINK_WITHOUT_HINT))
            self.window = Window(limit, span)
            return
        if self.window is not None:
            # Refused with the window known: either the test of a higher limit failed, or
            # the mirror let one go a moment too early; the count in flight then says less
            # than the first burst did, so only the limit's last step or the margin changes.
            window = self.window
            if self._probing:
                self.window = Window(self._limit_before_probe, window.span_s)
            elif self._margin_s >= _MAX_MARGIN * window.span_s:
                # Refused even with the widest margin: the account takes less than it did
                # (another client shares the project, or the quota was lowered).
                limit = max(1, math.floor(window.limit * _SHRINK_WITHOUT_HINT))
                self.window = Window(limit, window.span_s)
            else:
                span = window.span_s
                self._margin_s = min(_MAX_MARGIN * span, self._margin_s * 1.5 + 0.01 * span)
            self._probing = False
            return
        # The refused request waits for the round's first one to leave the window. Requests
        # of the same burst may reach the service in another order than they left: every one
        # let go until the refusal came back and not refused itself counts.
        span = (refusal.refused_at - refusal.round_start) + refusal.retry_after_s
        taken = self._taken_since(refusal.refused_at - span, refusal.answered_at)
        if span > 0 and taken:
            self.window = Window(len(taken), span)
            self._margin_s = _FIRST_MARGIN * span

    def next_turn_at(self) -> float | None:
        """When the service will take another request (clock time), or None for now. The
        cap on requests in flight and a pause are not counted: answers and the user end those."""
        now = self._clock()
        if self._refusal is not None and now >= self._hold_until:
            self._learn(now)
        if now < self._hold_until:
            return self._hold_until
        return self._window_frees_at(now)

    # -- turns ---------------------------------------------------------------------------------

    def _may_start(self, now: float) -> bool:
        if self._refusal is not None and now >= self._hold_until:
            self._learn(now)
        return (
            not self._paused
            and self.in_flight < self._depth(now)
            and now >= self._hold_until
            and self._window_frees_at(now) is None
        )

    def _grant(self, now: float) -> Ticket:
        # Counted in the mirror at once, so the next waiter sees the window as it will be.
        self.in_flight += 1
        if self._round_start is None:
            self._round_start = now
        ticket = Ticket(now, self._round)
        self._sent.append(ticket)
        self._out.append(ticket)
        return ticket

    async def acquire(self, first: bool = False) -> Ticket:
        """Waits for a turn; `first` puts a retrying slot ahead of fresh ones."""
        now = self._clock()
        self._forget_old(now)
        if not self._waiters and self._may_start(now):
            return self._grant(now)
        waiter: asyncio.Future[Ticket] = asyncio.get_running_loop().create_future()
        if first:
            self._waiters.appendleft(waiter)
        else:
            self._waiters.append(waiter)
        self._schedule(now)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                # Granted just as it was cancelled: never sent, so it neither counts against
                # the window nor holds a place in flight.
                self.not_sent(waiter.result())
                self.release(waiter.result())
            elif waiter in self._waiters:  # _wake may already have dropped it
                self._waiters.remove(waiter)
            raise

    def release(self, ticket: Ticket, latency_s: float | None = None) -> None:
        """The request is over (answered, failed or cancelled): its place in flight frees.
        `latency_s`: how long the model took, for an answer that came from it."""
        self.in_flight -= 1
        if ticket in self._out:
            self._out.remove(ticket)
        if latency_s is not None:
            self._latencies.append(latency_s)
        self._wake()

    def _wake(self) -> None:
        now = self._clock()
        while self._waiters and self._may_start(now):
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(self._grant(now))
        self._schedule(now)

    def _schedule(self, now: float) -> None:
        """Wakes the queue when the hold ends or the window frees; a release wakes it when
        the cap on requests in flight was what held it."""
        if not self._waiters or self._paused:
            return
        if now < self._hold_until:
            when = self._hold_until
        elif self.in_flight >= self.maximum:
            return  # a release wakes the queue
        elif self.in_flight >= self._depth(now):
            # Before the first answer the depth grows with the wait; afterwards a release
            # wakes the queue anyway.
            when = now + _DEPTH_RECHECK_S
        else:
            when = self._window_frees_at(now) or now
        if self._timer is not None:
            self._timer.cancel()
        self._timer = asyncio.get_running_loop().call_later(max(0.0, when - now), self._wake)

    # -- what the answers say ------------------------------------------------------------------

    def not_sent(self, ticket: Ticket) -> None:
        """The turn was not used, or the service refused it without counting it."""
        ticket.refused = True

    def on_throttle(self, ticket: Ticket, retry_after_s: float | None) -> None:
        """A 429: the request was refused and did not count against the limit."""
        now = self._clock()
        ticket.refused = True
        hold = retry_after_s if retry_after_s is not None else _HOLD_WITHOUT_HINT_S
        self._hold_until = max(self._hold_until, now + hold)
        # The first refusal of a round explains it; the rest of its burst only confirm.
        if ticket.round == self._round and self._round_start is not None:
            self._refusal = _Refusal(self._round_start, ticket.at, now, retry_after_s)
            self._round += 1
            self._round_start = None
        self._schedule(now)

    def pause(self) -> None:
        self._paused = True

    def resume(self) -> None:
        self._paused = False
        self._wake()

    def set_local_rate(self, per_second: float) -> None:
        """How many answers per second this machine saves and shows."""
        self.local_rate = max(1.0, per_second)

    def set_maximum(self, maximum: int) -> None:
        self.maximum = max(1, maximum)
        self._wake()

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
