"""What the sandbox can be told to do: timing, limits and the faults it injects."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

# What the live service accepts in one batchGenerateContent body; bigger jobs need a file.
INLINE_BATCH_LIMIT_BYTES = 20 * 1024 * 1024


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


class JobMarker(StrEnum):
    """How a whole batch job ends, asked for by `[sandbox:NAME]` in any of its requests.

    Live generateContent ignores these: an app that falls back from a failed job to live
    requests sends the same prompts again, and they should then simply succeed."""

    FAILED = "job-failed"
    EXPIRED = "job-expired"
    PENDING = "job-pending"  # never leaves BATCH_STATE_PENDING


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
    # A new batch job is PENDING this long, then RUNNING this long, then ends; both are
    # copied into the job when it is created, so every process that reads it agrees.
    batch_pending_s: float = 2.0
    batch_running_s: float = 5.0
    # Inline results in a random (per job, fixed) order: the live service has sent them out of
    # order, so clients must match them by metadata key.
    batch_shuffle: bool = False
    inline_batch_limit_bytes: int = INLINE_BATCH_LIMIT_BYTES
    # Where batch jobs and files live, so that a restarted sandbox still answers for them;
    # None keeps them in memory. Read once, when the server is created.
    state_dir: Path | None = None
