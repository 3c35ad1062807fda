"""Turns whatever the SDK or the transport raised into one typed failure with one sentence."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import httpx2
import pydantic
from google.genai import errors

from studio.core.domain import ErrorKind, FailedOutcome

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")


def _rpc_details(error: errors.APIError) -> list[Mapping[str, Any]]:
    body = error.details if isinstance(error.details, Mapping) else {}
    inner = body.get("error", {})
    details = inner.get("details", []) if isinstance(inner, Mapping) else []
    return [d for d in details if isinstance(d, Mapping)]


def _of_type(details: list[Mapping[str, Any]], suffix: str) -> list[Mapping[str, Any]]:
    return [d for d in details if str(d.get("@type", "")).endswith(suffix)]


def retry_delay_s(details: list[Mapping[str, Any]]) -> float | None:
    for info in _of_type(details, "google.rpc.RetryInfo"):
        match = _DURATION.match(str(info.get("retryDelay", "")))
        if match:
            return float(match.group(1))
    return None


def _is_daily_quota(details: list[Mapping[str, Any]]) -> bool:
    return any(
        "perday" in str(violation.get("quotaId", "")).lower()
        for failure in _of_type(details, "google.rpc.QuotaFailure")
        for violation in failure.get("violations", [])
    )


def _api_key_invalid(details: list[Mapping[str, Any]], message: str) -> bool:
    reasons = {str(d.get("reason", "")) for d in _of_type(details, "google.rpc.ErrorInfo")}
    return "API_KEY_INVALID" in reasons or "api key not valid" in message.lower()


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else f"{text}."


def from_api_error(error: errors.APIError, model: str) -> FailedOutcome:
    details = _rpc_details(error)
    message = str(error.message or error.status or "")
    code = int(error.code or 0)
    if code == 400 and _api_key_invalid(details, message):
        return FailedOutcome(ErrorKind.INVALID_KEY, "The API key was rejected as not valid.")
    if code == 400:
        return FailedOutcome(
            ErrorKind.BAD_ARGUMENT, _sentence(f"The service refused the request: {message}")
        )
    if code in (401, 403):
        return FailedOutcome(
            ErrorKind.PERMISSION,
            "The API key is not allowed to use this model (permission denied).",
        )
    if code == 404:
        return FailedOutcome(
            ErrorKind.MODEL_NOT_FOUND, f"The model '{model}' is not available to this API key."
        )
    if code == 429 and _is_daily_quota(details):
        return FailedOutcome(
            ErrorKind.DAILY_QUOTA,
            "The daily quota for this model is used up; it resets at midnight Pacific time.",
            retry_after_s=retry_delay_s(details),
        )
    if code == 429:
        delay = retry_delay_s(details)
        wait = f" (asked to wait {delay:g} s)" if delay is not None else ""
        return FailedOutcome(
            ErrorKind.RATE_LIMITED, f"Rate limit reached{wait}.", retry_after_s=delay
        )
    if code == 503:
        return FailedOutcome(ErrorKind.OVERLOADED, "The model is overloaded right now.")
    if code == 504:
        return FailedOutcome(ErrorKind.TIMEOUT, "The service ran out of time for this image.")
    return FailedOutcome(ErrorKind.SERVER_ERROR, _sentence(f"Server error {code}: {message}"))


def from_exception(exc: BaseException, model: str, timeout_s: float) -> FailedOutcome:
    if isinstance(exc, errors.APIError):
        return from_api_error(exc, model)
    if isinstance(exc, TimeoutError | httpx2.TimeoutException):
        return FailedOutcome(ErrorKind.TIMEOUT, f"No answer within {timeout_s:g} s.")
    if isinstance(exc, httpx2.ConnectError | OSError):
        return FailedOutcome(ErrorKind.NETWORK, "Cannot reach the image service (network down?).")
    if isinstance(exc, httpx2.TransportError):
        return FailedOutcome(ErrorKind.NETWORK, "The connection to the image service broke.")
    if isinstance(exc, json.JSONDecodeError | pydantic.ValidationError | ValueError):
        return FailedOutcome(
            ErrorKind.BAD_RESPONSE, "The service sent an answer Draft Studio could not read."
        )
    raise exc
