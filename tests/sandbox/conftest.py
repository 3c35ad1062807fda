from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator

import httpx2
import pytest
from google import genai
from google.genai import types

from studio.core.catalog import DRAFT_MODEL
from studio.sandbox import SandboxConfig, SandboxServer

# Tiny images keep the suite fast; tests about real pixel sizes set pixel_scale back to 1.
SMALL_SCALE = 0.02
# Loading the CA store costs ~15 ms and a Client loads it three times: share one context.
_TLS = httpx2.create_ssl_context()


def make_client(
    base_url: str, *, api_key: str = "test-key", timeout_ms: int = 5000, api_version: str = "v1"
) -> genai.Client:
    return genai.Client(
        api_key=api_key,
        http_options=types.HttpOptions(
            base_url=base_url,
            api_version=api_version,
            timeout=timeout_ms,
            # Pin httpx2: if aiohttp happens to be installed the SDK would switch to it.
            async_client_args={
                "transport": httpx2.AsyncHTTPTransport(verify=_TLS),
                "verify": _TLS,
                "ssl": _TLS,
            },
        ),
    )


def image_config(
    aspect: str | None = "1:1", size: str | None = "1K", seed: int | None = None, **extra: object
) -> types.GenerateContentConfig:
    return types.GenerateContentConfig(
        response_modalities=["IMAGE"],
        image_config=types.ImageConfig(aspect_ratio=aspect, image_size=size),
        seed=seed,
        **extra,  # type: ignore[arg-type]
    )


async def generate(
    client: genai.Client,
    prompt: str | list[object] = "a lighthouse at dawn",
    config: types.GenerateContentConfig | None = None,
    model: str = DRAFT_MODEL,
) -> types.GenerateContentResponse:
    return await client.aio.models.generate_content(
        model=model,
        contents=prompt,  # type: ignore[arg-type]
        config=config or image_config(),
    )


async def eventually(condition: Callable[[], bool], timeout_s: float = 1.0) -> bool:
    """Whether `condition` holds within the timeout: server threads update stats on their own."""
    for _ in range(round(timeout_s / 0.01)):
        if condition():
            return True
        await asyncio.sleep(0.01)
    return condition()


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    # Batch jobs end at once unless a test asks for time in PENDING or RUNNING.
    config = SandboxConfig(pixel_scale=SMALL_SCALE, batch_pending_s=0.0, batch_running_s=0.0)
    with SandboxServer(config) as server:
        yield server


@pytest.fixture
async def client(sandbox: SandboxServer) -> AsyncIterator[genai.Client]:
    sdk = make_client(sandbox.base_url)
    yield sdk
    await sdk.aio.aclose()
