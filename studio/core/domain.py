"""Value types shared by the adapter, the engine, the library and every front end."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ErrorKind(StrEnum):
    INVALID_KEY = "invalid_key"
    PERMISSION = "permission"
    MODEL_NOT_FOUND = "model_not_found"
    BAD_ARGUMENT = "bad_argument"
    RATE_LIMITED = "rate_limited"
    DAILY_QUOTA = "daily_quota"
    OVERLOADED = "overloaded"
    SERVER_ERROR = "server_error"
    TIMEOUT = "timeout"
    NETWORK = "network"
    BAD_RESPONSE = "bad_response"
    BUDGET = "budget"
    INTERRUPTED = "interrupted"
    INTERNAL = "internal"

    @property
    def retryable(self) -> bool:
        return self in _RETRYABLE

    @property
    def throttles(self) -> bool:
        """The service asked us to slow down, so the engine sends fewer requests at once."""
        return self in (ErrorKind.RATE_LIMITED, ErrorKind.OVERLOADED)

    @property
    def stops_queue(self) -> bool:
        """No other request can succeed either, so the queue stops instead of trying each slot."""
        return self in (ErrorKind.INVALID_KEY, ErrorKind.PERMISSION, ErrorKind.DAILY_QUOTA)


_RETRYABLE = frozenset(
    {
        ErrorKind.RATE_LIMITED,
        ErrorKind.OVERLOADED,
        ErrorKind.SERVER_ERROR,
        ErrorKind.TIMEOUT,
        ErrorKind.NETWORK,
        ErrorKind.BAD_RESPONSE,
    }
)


class SlotStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    RETRYING = "retrying"
    SUCCEEDED = "succeeded"
    BLOCKED = "blocked"
    FAILED = "failed"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"
    # Sent in a Batch API job; its answer comes when the job has finished.
    SUBMITTED = "submitted"

    @property
    def finished(self) -> bool:
        return self not in _UNFINISHED

    @property
    def can_retry(self) -> bool:
        """Ended without an image, so the user may send it again."""
        return self.finished and self != SlotStatus.SUCCEEDED


_UNFINISHED = frozenset(
    {SlotStatus.QUEUED, SlotStatus.RUNNING, SlotStatus.RETRYING, SlotStatus.SUBMITTED}
)


class JobState(StrEnum):
    """A Batch API job as the library knows it; PREPARING: recorded, not yet accepted."""

    PREPARING = "preparing"
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"

    @property
    def finished(self) -> bool:
        return self in (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED, JobState.EXPIRED)


class Derivation(StrEnum):
    """How a draft was made from another: re-rendered bigger, edited, or varied."""

    REFINE = "refine"
    EDIT = "edit"
    VARY = "vary"


class Flag(StrEnum):
    NONE = "none"
    PICK = "pick"
    REJECT = "reject"


@dataclass(frozen=True, slots=True)
class ReferenceImage:
    """An input image, already checked and downscaled, ready to send inline."""

    data: bytes
    mime_type: str
    source_name: str


@dataclass(frozen=True, slots=True)
class TextPart:
    text: str
    # Gemini 3 models sign the parts of their answers; a later turn that sends an answer back
    # must carry each signature byte for byte, or the service refuses it.
    signature: bytes | None = None


@dataclass(frozen=True, slots=True)
class ImagePart:
    data: bytes
    mime_type: str
    signature: bytes | None = None


Part = TextPart | ImagePart


@dataclass(frozen=True, slots=True)
class Turn:
    role: str  # "user" or "model"
    parts: tuple[Part, ...]


@dataclass(frozen=True, slots=True)
class GenerationRequest:
    prompt: str
    model: str
    aspect: str
    size: str
    seed: int | None = None
    references: tuple[ReferenceImage, ...] = ()
    thinking_level: str | None = None
    # Earlier turns of a conversation (multi-turn editing), sent before the prompt's turn.
    history: tuple[Turn, ...] = ()


@dataclass(frozen=True, slots=True)
class ResponseMeta:
    response_id: str | None = None
    model_version: str | None = None
    latency_s: float = 0.0
    prompt_tokens: int = 0
    output_tokens: int = 0
    image_tokens: int = 0
    thought_tokens: int = 0
    billed_images: int = 0
    cost_usd: float = 0.0


@dataclass(frozen=True, slots=True)
class GeneratedImage:
    data: bytes
    mime_type: str


@dataclass(frozen=True, slots=True)
class ImagesOutcome:
    images: tuple[GeneratedImage, ...]
    meta: ResponseMeta
    text: str | None = None
    # The answer's final parts with their signatures, as a later turn must send them back.
    model_turn: tuple[Part, ...] = ()


@dataclass(frozen=True, slots=True)
class BlockedOutcome:
    reason: str  # the service's code, e.g. PROHIBITED_CONTENT or IMAGE_SAFETY
    message: str  # one sentence for a person
    meta: ResponseMeta
    text: str | None = None


@dataclass(frozen=True, slots=True)
class FailedOutcome:
    kind: ErrorKind
    message: str
    retry_after_s: float | None = None
    meta: ResponseMeta = field(default_factory=ResponseMeta)


Outcome = ImagesOutcome | BlockedOutcome | FailedOutcome
