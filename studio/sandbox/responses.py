"""The bodies the sandbox answers with, shaped like the live service's (wire spec §3, §5, §6)."""

from __future__ import annotations

import base64
import json
import math
import secrets
from dataclasses import dataclass
from typing import Any

from studio.sandbox import signatures
from studio.sandbox.config import Fault
from studio.sandbox.derived import derivation_of, render_derived
from studio.sandbox.images import render_png
from studio.sandbox.parsing import ImageRequest

JSON_TYPE = "application/json; charset=UTF-8"
EVENT_STREAM_TYPE = "text/event-stream"

_IMAGE_TOKENS = {"512": 560, "1K": 1120, "2K": 1680, "4K": 2520}
_TOKENS_PER_INPUT_IMAGE = 258
_THOUGHT_TOKENS = {"minimal": 64, "low": 256, "medium": 512, "high": 1024, "dynamic": 512}
_TEXT_NOTE = "Here is your image."
_DERIVED_NOTES = {
    "REFINE": "Here is the image again, at a higher resolution.",
    "EDIT": "Here is the edited image.",
    "VARY": "Here is a variation.",
}
_NO_IMAGE_TEXT = "I could not make an image for this request. Try describing it differently."
_QUOTA_METRIC = "generativelanguage.googleapis.com/generate_content_free_tier_requests"
_RATE_LIMIT_DOCS = "https://ai.google.dev/gemini-api/docs/rate-limits"
QUOTA_MESSAGE = (
    "You exceeded your current quota, please check your plan and billing details. "
    f"For more information on this error, head to: {_RATE_LIMIT_DOCS}."
)
# Cut off inside an object, as a proxy that truncates a body would leave it.
_MALFORMED_BODY = b'{"candidates": [{"content": {"parts": [{"inlineData": {"mimeType": "image/p'


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: bytes
    content_type: str = JSON_TYPE
    headers: tuple[tuple[str, str], ...] = ()

    def as_event_stream(self) -> Reply:
        """The streaming form: errors stay JSON before the stream; an answer is one event."""
        if self.status != 200:
            return self
        return Reply(200, b"data: " + self.body + b"\r\n\r\n", EVENT_STREAM_TYPE)


def json_reply(payload: dict[str, Any], status: int = 200) -> Reply:
    return Reply(status, json.dumps(payload, separators=(",", ":")).encode())


def error(
    code: int, status: str, message: str, details: list[dict[str, Any]] | None = None
) -> Reply:
    body: dict[str, Any] = {"code": code, "message": message, "status": status}
    if details:
        body["details"] = details
    return json_reply({"error": body}, code)


def duration_json(seconds: float) -> str:
    """A protobuf Duration in its JSON form, rounded up to whole milliseconds so that a
    client waiting exactly this long is never early."""
    millis = max(0, math.ceil(seconds * 1000 - 1e-6))
    whole, fraction = divmod(millis, 1000)
    return f"{whole}s" if fraction == 0 else f"{whole}.{fraction:03d}s"


# Errors


def api_key_invalid() -> Reply:
    message = "API key not valid. Please pass a valid API key."
    details: list[dict[str, Any]] = [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "API_KEY_INVALID",
            "domain": "googleapis.com",
            "metadata": {"service": "generativelanguage.googleapis.com"},
        },
        {
            "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
            "locale": "en-US",
            "message": message,
        },
    ]
    return error(400, "INVALID_ARGUMENT", message, details)


def key_missing() -> Reply:
    return error(
        403,
        "PERMISSION_DENIED",
        "Method doesn't allow unregistered callers (callers without established identity). "
        "Please use API Key or other form of API consumer identity to call this API.",
    )


def permission_denied(rpc: str) -> Reply:
    service = "generativelanguage.googleapis.com"
    return error(
        403,
        "PERMISSION_DENIED",
        f"Requests to this API {service} method {rpc} are blocked.",
        [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "API_KEY_SERVICE_BLOCKED",
                "domain": "googleapis.com",
                "metadata": {"service": service, "methodName": rpc},
            }
        ],
    )


def model_not_found(model_id: str, version: str, method: str) -> Reply:
    return error(
        404,
        "NOT_FOUND",
        f"models/{model_id} is not found for API version {version}, or is not supported for "
        f"{method}. Call ListModels to see the list of available models and their supported "
        "methods.",
    )


def route_not_found(method: str, path: str) -> Reply:
    return error(404, "NOT_FOUND", f"The sandbox has no route for {method} {path}.")


def invalid_argument(message: str) -> Reply:
    return error(400, "INVALID_ARGUMENT", message)


def entity_not_found() -> Reply:
    return error(404, "NOT_FOUND", "Requested entity was not found.")


def file_not_found(file_id: str) -> Reply:
    # The live Files API answers a missing file as one the caller may not see.
    return error(
        403,
        "PERMISSION_DENIED",
        f"You do not have permission to access the File {file_id} or it may not exist.",
    )


def failed_precondition(message: str) -> Reply:
    return error(400, "FAILED_PRECONDITION", message)


def rate_limited(model_id: str, limit: int | None, retry_after_s: float) -> Reply:
    delay = duration_json(retry_after_s)
    quota = _quota_failure("GenerateRequestsPerMinutePerProjectPerModel-FreeTier", model_id, limit)
    return error(
        429,
        "RESOURCE_EXHAUSTED",
        f"{QUOTA_MESSAGE}\n{_quota_line(model_id, limit)}\nPlease retry in {delay}.",
        [
            quota,
            _quota_help(),
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": delay},
        ],
    )


def daily_quota_exhausted(model_id: str, limit: int | None) -> Reply:
    quota = _quota_failure("GenerateRequestsPerDayPerProjectPerModel-FreeTier", model_id, limit)
    return error(
        429,
        "RESOURCE_EXHAUSTED",
        f"{QUOTA_MESSAGE}\n{_quota_line(model_id, limit)}\n"
        "The daily request quota for this model is used up; it resets at midnight Pacific time.",
        [quota, _quota_help()],
    )


def _quota_failure(quota_id: str, model_id: str, limit: int | None) -> dict[str, Any]:
    violation: dict[str, Any] = {
        "quotaMetric": _QUOTA_METRIC,
        "quotaId": quota_id,
        "quotaDimensions": {"location": "global", "model": model_id},
    }
    if limit is not None:
        violation["quotaValue"] = str(limit)
    return {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [violation]}


def _quota_line(model_id: str, limit: int | None) -> str:
    shown = "unknown" if limit is None else str(limit)
    return f"* Quota exceeded for metric: {_QUOTA_METRIC}, limit: {shown}, model: {model_id}"


def _quota_help() -> dict[str, Any]:
    return {
        "@type": "type.googleapis.com/google.rpc.Help",
        "links": [{"description": "Learn more about Gemini API quotas", "url": _RATE_LIMIT_DOCS}],
    }


SERVER_ERRORS: dict[Fault, tuple[int, str, str]] = {
    Fault.OVERLOADED: (503, "UNAVAILABLE", "The model is overloaded. Please try again later."),
    Fault.INTERNAL: (
        500,
        "INTERNAL",
        "An internal error has occurred. Please retry or report in "
        "https://developers.generativeai.google/guide/troubleshooting",
    ),
    Fault.DEADLINE: (504, "DEADLINE_EXCEEDED", "Deadline expired before operation could complete."),
}


# generateContent answers


def generation_reply(
    model_id: str, request: ImageRequest, seed: int, pixel_scale: float, fault: Fault | None
) -> Reply:
    """The answer to an accepted request: an image, a 200 shaped by `fault`, or a server error.
    RATE_LIMIT, DAILY_QUOTA, HANG and DROP never get here: they are not bodies."""
    if fault in SERVER_ERRORS:
        return error(*SERVER_ERRORS[fault])
    if fault is Fault.MALFORMED:
        return Reply(200, _MALFORMED_BODY)
    return json_reply(generation_answer(model_id, request, seed, pixel_scale, fault))


def generation_answer(
    model_id: str,
    request: ImageRequest,
    seed: int,
    pixel_scale: float,
    fault: Fault | None,
    response_id: str | None = None,
) -> dict[str, Any]:
    """A GenerateContentResponse for a fault that still makes one (or for none)."""
    # A blocked prompt never reaches the model, so nothing was thought about.
    usage = _Usage(
        request, thought=fault is not Fault.PROMPT_BLOCK, signed=signatures.signs(model_id)
    )
    answer: dict[str, Any] = {}
    if fault is Fault.PROMPT_BLOCK:
        answer["promptFeedback"] = {"blockReason": "PROHIBITED_CONTENT"}
    elif fault is Fault.IMAGE_SAFETY:
        answer["candidates"] = [_candidate([], "IMAGE_SAFETY")]
    elif fault is Fault.NO_IMAGE:
        answer["candidates"] = [_candidate([usage.text(_NO_IMAGE_TEXT)], "NO_IMAGE")]
    elif (derivation := derivation_of(request)) is not None:
        png = render_derived(request, derivation, model_id, seed, pixel_scale)
        answer["candidates"] = [
            _candidate([usage.text(_DERIVED_NOTES[derivation]), usage.image(png)], "STOP")
        ]
    else:
        png = render_png(request.prompt, seed, request.aspect, request.size, pixel_scale)
        image = usage.image(png)
        parts = [image]
        if fault is Fault.DUPLICATE:
            parts = [image, usage.image(png)]
        elif fault is Fault.TEXT_NOTE:
            parts = [usage.text(_TEXT_NOTE), image]
        elif fault is Fault.THOUGHT:
            draft = render_png(
                request.prompt, seed, request.aspect, request.size, pixel_scale, thought=True
            )
            parts = [usage.thought_image(draft), image]
        answer["candidates"] = [_candidate(parts, "STOP")]
    answer["usageMetadata"] = usage.metadata()
    answer["modelVersion"] = model_id
    answer["responseId"] = response_id or secrets.token_hex(11)
    return answer


def _candidate(parts: list[dict[str, Any]], finish_reason: str) -> dict[str, Any]:
    content: dict[str, Any] = {"role": "model"}
    if parts:
        content["parts"] = parts
    return {"content": content, "finishReason": finish_reason, "index": 0}


class _Usage:
    """Builds parts while counting the tokens the service would bill for them."""

    def __init__(self, request: ImageRequest, *, thought: bool, signed: bool) -> None:
        self._request = request
        self._signed = signed
        self._text_signed = False
        self._text_tokens = 0
        self._image_tokens = 0
        level = request.thinking_level
        self._thought_tokens = _THOUGHT_TOKENS[level] if thought and level else 0

    def text(self, text: str) -> dict[str, Any]:
        self._text_tokens += len(text.split())
        part: dict[str, Any] = {"text": text}
        # Gemini 3 signs the first text part of an answer and every image.
        if self._signed and not self._text_signed:
            part["thoughtSignature"] = _signature(text.encode())
            self._text_signed = True
        return part

    def image(self, png: bytes) -> dict[str, Any]:
        self._image_tokens += _IMAGE_TOKENS[self._request.size]
        part = _inline_png(png)
        if self._signed:
            part["thoughtSignature"] = _signature(png)
        return part

    def thought_image(self, png: bytes) -> dict[str, Any]:
        self._thought_tokens += _IMAGE_TOKENS[self._request.size]
        return {**_inline_png(png), "thought": True}

    def metadata(self) -> dict[str, Any]:
        prompt_text = len(self._request.prompt.split())
        prompt_images = self._request.reference_images * _TOKENS_PER_INPUT_IMAGE
        prompt_details = [{"modality": "TEXT", "tokenCount": prompt_text}]
        if prompt_images:
            prompt_details.append({"modality": "IMAGE", "tokenCount": prompt_images})
        candidates = self._text_tokens + self._image_tokens
        usage: dict[str, Any] = {
            "promptTokenCount": prompt_text + prompt_images,
            "totalTokenCount": prompt_text + prompt_images + candidates + self._thought_tokens,
            "promptTokensDetails": prompt_details,
        }
        if candidates:
            usage["candidatesTokenCount"] = candidates
            usage["candidatesTokensDetails"] = [
                {"modality": modality, "tokenCount": count}
                for modality, count in (("TEXT", self._text_tokens), ("IMAGE", self._image_tokens))
                if count
            ]
        if self._thought_tokens:
            usage["thoughtsTokenCount"] = self._thought_tokens
        return usage


def _signature(content: bytes) -> str:
    return base64.b64encode(signatures.sign(content)).decode()


def _inline_png(png: bytes) -> dict[str, Any]:
    return {"inlineData": {"mimeType": "image/png", "data": base64.b64encode(png).decode()}}
