"""What the engine tells its listeners (the GUI's Qt models, the CLI's progress line)."""

from __future__ import annotations

from dataclasses import dataclass

from studio.core.domain import ErrorKind, ResponseMeta
from studio.core.library import DraftRecord, StoredImage


@dataclass(frozen=True, slots=True)
class BatchQueued:
    batch_id: int
    drafts: tuple[DraftRecord, ...]


@dataclass(frozen=True, slots=True)
class SlotQueued:
    """A slot went (back) into the queue: retried by the user, or waiting out a pause."""

    draft_id: int


@dataclass(frozen=True, slots=True)
class SlotStarted:
    draft_id: int
    attempt: int


@dataclass(frozen=True, slots=True)
class SlotRetrying:
    draft_id: int
    attempt: int
    kind: ErrorKind
    message: str
    delay_s: float


@dataclass(frozen=True, slots=True)
class SlotSucceeded:
    draft_id: int
    images: tuple[StoredImage, ...]
    meta: ResponseMeta


@dataclass(frozen=True, slots=True)
class SlotBlocked:
    draft_id: int
    reason: str
    message: str


@dataclass(frozen=True, slots=True)
class SlotFailed:
    draft_id: int
    kind: ErrorKind
    message: str


@dataclass(frozen=True, slots=True)
class SlotCancelled:
    draft_id: int


@dataclass(frozen=True, slots=True)
class QueuePaused:
    """Nothing more is sent until the user acts; the message says what to do."""

    kind: ErrorKind
    message: str


@dataclass(frozen=True, slots=True)
class QueueResumed:
    """The queue sends again after a pause."""


EngineEvent = (
    BatchQueued
    | SlotQueued
    | SlotStarted
    | SlotRetrying
    | SlotSucceeded
    | SlotBlocked
    | SlotFailed
    | SlotCancelled
    | QueuePaused
    | QueueResumed
)
