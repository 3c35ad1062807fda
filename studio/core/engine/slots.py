"""The engine's bookkeeping: its running counts, and what it holds for each slot it runs."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from studio.core.domain import ErrorKind, GenerationRequest


@dataclass(slots=True)
class EngineStats:
    pending: int = 0  # slots not yet finished, on the wire or waiting
    in_flight: int = 0
    succeeded: int = 0
    blocked: int = 0
    failed: int = 0
    cancelled: int = 0
    not_sent: int = 0  # never sent because a budget was reached, and dropped (the CLI's end)
    concurrency: int = 0
    peak_in_flight: int = 0
    session_spent_usd: float = 0.0
    first_dispatch: float | None = None
    last_success: float | None = None

    def images_per_minute(self) -> float:
        if self.first_dispatch is None or self.last_success is None or not self.succeeded:
            return 0.0
        return self.succeeded * 60.0 / max(self.last_success - self.first_dispatch, 1e-6)


@dataclass(slots=True)
class Slot:
    draft_id: int
    batch_id: int
    request: GenerationRequest
    price: float
    task: asyncio.Task[None] | None = None
    in_flight: bool = False
    waiting_turn: bool = False
    ran: bool = False
    # Set when the slot is cancelled for a reason other than the user asking.
    abandoned: tuple[ErrorKind, str] | None = None
    dropped: bool = False  # never sent, and its row removed from the library
    failures: int = 0
    throttles: int = 0
    overloads: int = 0
    attempt: int = 0
