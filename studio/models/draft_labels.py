"""The words the grid shows for a draft's state and time: plain functions, no Qt (money's
words are studio.core.money's)."""

from __future__ import annotations

import math
import time

from studio.core.catalog import Catalog, CatalogError
from studio.core.domain import Derivation, ErrorKind, SlotStatus

_KIND_LABELS: dict[str, str] = {
    ErrorKind.INVALID_KEY: "API key rejected",
    ErrorKind.PERMISSION: "no access to model",
    ErrorKind.MODEL_NOT_FOUND: "model not found",
    ErrorKind.BAD_ARGUMENT: "request refused",
    ErrorKind.RATE_LIMITED: "rate limited",
    ErrorKind.DAILY_QUOTA: "daily quota used up",
    ErrorKind.OVERLOADED: "service busy",
    ErrorKind.SERVER_ERROR: "server error",
    ErrorKind.TIMEOUT: "timed out",
    ErrorKind.NETWORK: "network error",
    ErrorKind.BAD_RESPONSE: "bad response",
    ErrorKind.BUDGET: "budget reached",
    ErrorKind.INTERRUPTED: "interrupted",
    ErrorKind.INTERNAL: "internal error",
}
_BLOCK_LABELS: dict[str, str] = {
    "SAFETY": "safety",
    "IMAGE_SAFETY": "safety",
    "PROHIBITED_CONTENT": "prohibited content",
    "IMAGE_PROHIBITED_CONTENT": "prohibited content",
    "BLOCKLIST": "blocked term",
    "RECITATION": "too close to existing work",
    "IMAGE_RECITATION": "too close to existing work",
    "SPII": "personal information",
    "JAILBREAK": "safety rules",
    "MODEL_ARMOR": "project policy",
    "MAX_TOKENS": "ran out of tokens",
    "NO_IMAGE": "no image returned",
    "IMAGE_OTHER": "no reason given",
    "OTHER": "no reason given",
}
_STATE_LABELS: dict[SlotStatus, str] = {
    SlotStatus.QUEUED: "Queued",
    SlotStatus.RUNNING: "Running",
    SlotStatus.RETRYING: "Retrying",
    SlotStatus.SUCCEEDED: "Done",
    SlotStatus.BLOCKED: "Blocked",
    SlotStatus.FAILED: "Failed",
    SlotStatus.CANCELLED: "Cancelled",
    SlotStatus.INTERRUPTED: "Interrupted",
    SlotStatus.SUBMITTED: "In batch job",
}


_CATALOG = Catalog()
_DERIVATION_WORDS = {
    Derivation.REFINE: "Refined",
    Derivation.EDIT: "Edited",
    Derivation.VARY: "Varied",
}


def model_label(model_id: str) -> str:
    """The friendly name ("Nano Banana 2 Lite") for the built-in models, else the id itself."""
    try:
        return _CATALOG.get(model_id).label
    except CatalogError:
        return model_id


def derivation_label(derivation: Derivation) -> str:
    """ "Refined", "Edited", "Varied": how a derived draft came to be."""
    return _DERIVATION_WORDS[derivation]


def failure_label(kind: str | None) -> str | None:
    if kind is None:
        return None
    return _KIND_LABELS.get(kind, kind.replace("_", " "))


def block_label(reason: str | None) -> str:
    if not reason:
        return "no reason given"
    return _BLOCK_LABELS.get(reason, reason.lower().replace("_", " "))


def state_label(
    status: SlotStatus, elapsed_s: float | None = None, retry_in_s: float | None = None
) -> str:
    """The words on a placeholder's chip: "Running 2.1 s", "Retrying in 4 s", "Failed"."""
    if status == SlotStatus.RUNNING and elapsed_s is not None:
        return f"Running {elapsed_s:.1f} s"
    if status == SlotStatus.RETRYING and retry_in_s is not None:
        seconds = math.ceil(retry_in_s)
        # At zero the request is being sent again; "in 0 s" would read as stuck.
        return f"Retrying in {seconds} s" if seconds > 0 else "Retrying…"
    return _STATE_LABELS[status]


def format_clock(timestamp: float, now: float | None = None) -> str:
    """Just the time for today's batches; older ones also need the day to be told apart."""
    moment = time.localtime(timestamp)
    today = time.localtime(time.time() if now is None else now)
    day = f"{moment.tm_mday} {time.strftime('%b', moment)}"
    if moment.tm_year != today.tm_year:
        return f"{day} {moment.tm_year}"
    clock = time.strftime("%H:%M", moment)
    return clock if moment.tm_yday == today.tm_yday else f"{day} {clock}"
