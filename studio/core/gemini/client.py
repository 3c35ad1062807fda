"""One image per request over the official async client, mapped to typed outcomes.

Importing this module imports google-genai and httpx2 (about half a second): only what
sends requests imports it, through `studio.core.gemini.GeminiAdapter`."""

from __future__ import annotations

import asyncio
import logging
import os
import time

import httpx2
from google import genai
from google.genai import types

from studio.core.catalog import Catalog
from studio.core.domain import (
    FailedOutcome,
    GenerationRequest,
    Outcome,
    Part,
    ResponseMeta,
    TextPart,
)
from studio.core.gemini.errors import from_exception
from studio.core.gemini.responses import read_response

log = logging.getLogger(__name__)

BASE_URL_ENV = "GOOGLE_GEMINI_BASE_URL"
KEY_CHECK_TIMEOUT_S = 10.0
# The SDK's own timeout covers each network phase separately; this margin bounds the whole call.
_OVERALL_TIMEOUT_MARGIN_S = 5.0


def _http_options(
    base_url: str | None, timeout_s: float, api_version: str | None
) -> types.HttpOptions:
    return types.HttpOptions(
        base_url=base_url or os.environ.get(BASE_URL_ENV) or None,
        api_version=api_version,
        timeout=int(timeout_s * 1000),
        # Pinned so that installing aiohttp for some other reason cannot silently change
        # timeouts, retries and error types under us.
        async_client_args={"transport": httpx2.AsyncHTTPTransport(retries=0)},
        # The engine owns retries: the SDK's ignore RetryInfo and would hide attempts from us.
        retry_options=None,
    )


class GeminiAdapter:
    def __init__(
        self,
        api_key: str,
        *,
        catalog: Catalog | None = None,
        base_url: str | None = None,
        timeout_s: float = 90.0,
        api_version: str | None = None,
    ) -> None:
        self.catalog = catalog or Catalog()
        self.timeout_s = timeout_s
        self._client = genai.Client(
            api_key=api_key,
            vertexai=False,
            http_options=_http_options(base_url, timeout_s, api_version),
        )

    def config(self, request: GenerationRequest) -> types.GenerateContentConfig:
        spec = self.catalog.get(request.model)
        thinking = None
        if request.thinking_level and request.thinking_level in spec.thinking_levels:
            thinking = types.ThinkingConfig(
                thinking_level=types.ThinkingLevel(request.thinking_level.upper())
            )
        return types.GenerateContentConfig(
            response_modalities=["IMAGE"],
            candidate_count=1,
            seed=request.seed,
            image_config=types.ImageConfig(aspect_ratio=request.aspect, image_size=request.size),
            thinking_config=thinking,
            automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
        )

    def contents(self, request: GenerationRequest) -> list[types.Content]:
        earlier = [
            types.Content(role=turn.role, parts=[_sdk_part(part) for part in turn.parts])
            for turn in request.history
        ]
        parts = [types.Part.from_text(text=request.prompt)]
        parts.extend(
            types.Part.from_bytes(data=ref.data, mime_type=ref.mime_type)
            for ref in request.references
        )
        return [*earlier, types.Content(role="user", parts=parts)]

    async def generate(self, request: GenerationRequest) -> Outcome:
        spec = self.catalog.validate(request.model, request.aspect, request.size)
        started = time.monotonic()
        try:
            async with asyncio.timeout(self.timeout_s + _OVERALL_TIMEOUT_MARGIN_S):
                response = await self._client.aio.models.generate_content(
                    model=request.model,
                    contents=self.contents(request),
                    config=self.config(request),
                )
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # every failure at the service boundary becomes an outcome
            failure = from_exception(exc, request.model, self.timeout_s)
            log.info("generate %s failed: %s (%s)", request.model, failure.kind, type(exc).__name__)
            return _with_latency(failure, time.monotonic() - started)
        latency = time.monotonic() - started
        try:
            return read_response(response, spec, request.size, latency)
        except (ValueError, TypeError, AttributeError) as exc:
            failure = from_exception(ValueError(str(exc)), request.model, self.timeout_s)
            return _with_latency(failure, latency)

    async def check_key(self, model: str) -> FailedOutcome | None:
        """None when the key can use the model; otherwise why not. One cheap models.get call."""
        try:
            async with asyncio.timeout(KEY_CHECK_TIMEOUT_S):
                await self._client.aio.models.get(model=model)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            return from_exception(exc, model, KEY_CHECK_TIMEOUT_S)
        return None

    @property
    def client(self) -> genai.Client:
        return self._client

    async def aclose(self) -> None:
        await self._client.aio.aclose()


def _sdk_part(part: Part) -> types.Part:
    if isinstance(part, TextPart):
        return types.Part(text=part.text, thought_signature=part.signature)
    blob = types.Blob(data=part.data, mime_type=part.mime_type)
    return types.Part(inline_data=blob, thought_signature=part.signature)


def _with_latency(failure: FailedOutcome, latency_s: float) -> FailedOutcome:
    return FailedOutcome(
        failure.kind, failure.message, failure.retry_after_s, ResponseMeta(latency_s=latency_s)
    )


def warm_up() -> None:
    """Builds and parses one of each SDK type once. google-genai builds its pydantic models
    lazily, which costs ~60 ms on the first request; a worker thread can pay that instead
    of the GUI thread."""
    request = GenerationRequest("warm up", "gemini-3.1-flash-lite-image", "1:1", "1K", seed=1)
    GeminiAdapter.__new__(GeminiAdapter).contents(request)
    types.GenerateContentConfig(
        response_modalities=["IMAGE"],
        image_config=types.ImageConfig(aspect_ratio="1:1", image_size="1K"),
        thinking_config=types.ThinkingConfig(thinking_level=types.ThinkingLevel.MINIMAL),
    )
    types.GenerateContentResponse._from_response(
        response={
            "candidates": [{"content": {"parts": [{"text": "ok"}]}, "finishReason": "STOP"}],
            "usageMetadata": {"promptTokenCount": 1},
        },
        kwargs={},
    )
