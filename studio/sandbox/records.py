"""What the sandbox remembers about its traffic, for tests to assert on."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from studio.sandbox.config import Fault

REDACTED = "<redacted>"


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    method: str
    path: str  # as received, with any ?key= value redacted
    headers: dict[str, str]  # lower-case names; x-goog-api-key redacted
    body: dict[str, Any] | None  # the parsed JSON object, or None
    received_at: float  # time.monotonic()


@dataclass
class SandboxStats:
    """Counters for generateContent traffic (streaming included)."""

    accepted: int = 0  # passed the daily quota and the rate limit
    rate_limited: int = 0  # refused by the rate limit
    # Injected faults by kind; DAILY_QUOTA also counts refusals once daily_quota is used up.
    faults_served: Counter[Fault] = field(default_factory=Counter)
    max_in_flight: int = 0
    in_flight: int = 0
    # time.monotonic() of the first generateContent received and the last image sent: a
    # batch's wall time on the server's clock.
    first_received_at: float | None = None
    last_answered_at: float | None = None
