"""What goes wrong inside a batch job, as the google.rpc.Status objects its results carry."""

from __future__ import annotations

from typing import Any

from studio.sandbox.config import Fault
from studio.sandbox.responses import QUOTA_MESSAGE, SERVER_ERRORS

# A Status has a gRPC code, a message and details; details are left out because the SDK
# types them as strings and fails on the usual objects (wire spec §11.2).
_GRPC_CODES = {
    "INVALID_ARGUMENT": 3,
    "DEADLINE_EXCEEDED": 4,
    "RESOURCE_EXHAUSTED": 8,
    "INTERNAL": 13,
    "UNAVAILABLE": 14,
}
_BATCH_ERRORS: dict[Fault, tuple[int, str, str]] = {
    **SERVER_ERRORS,
    Fault.RATE_LIMIT: (429, "RESOURCE_EXHAUSTED", QUOTA_MESSAGE),
    Fault.DAILY_QUOTA: (429, "RESOURCE_EXHAUSTED", QUOTA_MESSAGE),
    # A request inside a job has no connection of its own to hold open or to drop.
    Fault.HANG: SERVER_ERRORS[Fault.DEADLINE],
    Fault.DROP: (503, "UNAVAILABLE", "The service is currently unavailable."),
    Fault.MALFORMED: SERVER_ERRORS[Fault.INTERNAL],
}


def status(name: str, message: str) -> dict[str, Any]:
    return {"code": _GRPC_CODES[name], "message": message}


def invalid_request(message: str) -> dict[str, Any]:
    return status("INVALID_ARGUMENT", message)


def for_fault(fault: Fault | None) -> dict[str, Any] | None:
    """The per-request error a fault becomes inside a job, or None if the fault still answers."""
    if fault is None or fault not in _BATCH_ERRORS:
        return None
    _, name, message = _BATCH_ERRORS[fault]
    return status(name, message)


def job_failed() -> dict[str, Any]:
    return status("INTERNAL", SERVER_ERRORS[Fault.INTERNAL][2])
