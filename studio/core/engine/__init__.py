"""The job engine: turns "this prompt × N" into N images as fast as the account allows."""

from studio.core.engine.batch import BatchPlan, BatchSpec
from studio.core.engine.budget import BudgetGuard
from studio.core.engine.engine import JobEngine
from studio.core.engine.events import (
    BatchQueued,
    EngineEvent,
    QueuePaused,
    QueueResumed,
    SlotBlocked,
    SlotCancelled,
    SlotFailed,
    SlotQueued,
    SlotRetrying,
    SlotStarted,
    SlotSucceeded,
)
from studio.core.engine.pacer import Pacer, Window
from studio.core.engine.retry import RetryPolicy
from studio.core.engine.slots import EngineStats

__all__ = [
    "BatchPlan",
    "BatchQueued",
    "BatchSpec",
    "BudgetGuard",
    "EngineEvent",
    "EngineStats",
    "JobEngine",
    "Pacer",
    "QueuePaused",
    "QueueResumed",
    "RetryPolicy",
    "SlotBlocked",
    "SlotCancelled",
    "SlotFailed",
    "SlotQueued",
    "SlotRetrying",
    "SlotStarted",
    "SlotSucceeded",
    "Window",
]
