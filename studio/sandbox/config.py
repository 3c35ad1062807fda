"""What the sandbox can be told to do: timing, limits and the faults it injects."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Fault(StrEnum):
    """A misbehaviour of the real service; the value is the name used in `[sandbox:NAME]`."""

    RATE_LIMIT = "429"
    DAILY_QUOTA = "daily"
    OVERLOADED = "503"
    INTERNAL = "500"
    DEADLINE = "504"
    HANG = "hang"
    DROP = "drop"
    MALFORMED = "malformed"
    PROMPT_BLOCK = "block"
    IMAGE_SAFETY = "image-safety"
    NO_IMAGE = "no-image"
    DUPLICATE = "duplicate"
    THOUGHT = "thought"
    TEXT_NOTE = "text"


@dataclass
class SandboxConfig:
    """Read afresh for every request, so a test may change fields while the server runs."""

    latency_s: float = 0.0
    latency_jitter_s: float = 0.0
    rate_limit: int | None = None
    rate_window_s: float = 60.0
    daily_quota: int | None = None
    fault_rates: dict[Fault, float] = field(default_factory=dict)
    pixel_scale: float = 1.0
    seed: int = 0  # read once, when the server is created
    valid_keys: frozenset[str] | None = None
    # The retryDelay of an injected RATE_LIMIT fault; short so that clients honouring it stay fast.
    fault_retry_delay_s: float = 1.0
