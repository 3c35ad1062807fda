"""Live progress on stderr: one rewritten line on a terminal, one line per event otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from studio.core.engine import (
    EngineEvent,
    JobEngine,
    QueuePaused,
    SlotBlocked,
    SlotFailed,
    SlotRetrying,
    SlotSucceeded,
)
from studio.core.money import cost, noted


class ProgressPrinter:
    def __init__(self, engine: JobEngine, total: int, stream: TextIO | None = None) -> None:
        self.engine = engine
        self.total = total
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.started = time.monotonic()

    def __call__(self, event: EngineEvent) -> None:
        if self.live:
            self._status_line(event)
        else:
            self._event_line(event)

    def _counts(self) -> str:
        stats = self.engine.stats
        done = stats.succeeded + stats.blocked + stats.failed + stats.cancelled
        billed = self.engine.billed
        return noted(
            f"[{done}/{self.total}] {stats.succeeded} ok, {stats.blocked} blocked, "
            f"{stats.failed} failed · {stats.in_flight} in flight (limit {stats.concurrency})"
            f" · {cost(stats.session_spent_usd, billed)} · {stats.images_per_minute():.0f} img/min",
            billed,
        )

    def _status_line(self, event: EngineEvent) -> None:
        note = ""
        if isinstance(event, SlotRetrying):
            note = f" · retrying: {event.message}"
        elif isinstance(event, QueuePaused):
            note = f" · paused: {event.message}"
        self.stream.write(f"\r\x1b[2K{self._counts()}{note}")
        self.stream.flush()

    def _event_line(self, event: EngineEvent) -> None:
        line = None
        if isinstance(event, SlotSucceeded):
            line = f"draft {event.draft_id}: arrived ({event.meta.latency_s:.1f} s)"
        elif isinstance(event, SlotBlocked):
            line = f"draft {event.draft_id}: blocked: {event.message}"
        elif isinstance(event, SlotFailed):
            paused = self.engine.pause_reason
            # Slots ended because the queue paused repeat the pause line; say it once.
            if paused is None or paused.kind != event.kind:
                line = f"draft {event.draft_id}: failed: {event.message}"
        elif isinstance(event, SlotRetrying):
            line = f"draft {event.draft_id}: {event.message} Retrying in {event.delay_s:.1f} s."
        elif isinstance(event, QueuePaused):
            line = f"paused: {event.message}"
        if line:
            self.stream.write(f"{line}\n")
            self.stream.flush()

    def finish(self) -> None:
        if self.live:
            self.stream.write("\n")
            self.stream.flush()
