"""Throughput against a rate limit the engine is not told about.

Generates 200 images against a fresh sandbox (0.5 s latency, 20 requests per 1 s sliding
window) three ways, one after another in the same run:

  engine      Draft Studio's JobEngine (adaptive concurrency, honours retryDelay)
  gather      asyncio.gather at a fixed concurrency of 16 with the SDK's own retries
  sequential  a plain loop over the SDK, one request at a time

and prints each wall time as a ratio to the ideal for that limit.
Targets: engine within 1.25x of ideal, and at least 5x faster than the sequential loop.

Run: .venv/bin/python -m tests.bench.bench_engine [--count N]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import tempfile
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
from google import genai
from google.genai import errors, types

from studio.core.catalog import DRAFT_MODEL
from studio.core.engine import BatchSpec, JobEngine
from studio.core.gemini import GeminiAdapter
from studio.core.library import Library
from studio.sandbox import SandboxConfig, SandboxServer

LATENCY_S = 0.5
RATE_LIMIT = 20
RATE_WINDOW_S = 1.0
GATHER_CONCURRENCY = 16
PROMPT = "a paper boat on a rainy street, watercolour"


@dataclass(frozen=True)
class Result:
    name: str
    wall_s: float
    succeeded: int
    throttled: int


def fresh_sandbox() -> SandboxServer:
    return SandboxServer(
        SandboxConfig(latency_s=LATENCY_S, rate_limit=RATE_LIMIT, rate_window_s=RATE_WINDOW_S)
    ).start()


def ideal_wall_s(count: int) -> float:
    """Full windows of accepted requests back to back, plus one answer's latency."""
    return (math.ceil(count / RATE_LIMIT) - 1) * RATE_WINDOW_S + LATENCY_S


def sdk_client(base_url: str, retries: types.HttpRetryOptions | None = None) -> genai.Client:
    return genai.Client(
        api_key="bench-key",
        http_options=types.HttpOptions(
            base_url=base_url,
            timeout=60_000,
            async_client_args={"transport": httpx2.AsyncHTTPTransport()},
            retry_options=retries,
        ),
    )


def config(seed: int) -> types.GenerateContentConfig:
    return types.GenerateContentConfig(
        response_modalities=["IMAGE"],
        candidate_count=1,
        seed=seed,
        image_config=types.ImageConfig(aspect_ratio="1:1", image_size="1K"),
    )


async def run_engine(base_url: str, count: int) -> int:
    with tempfile.TemporaryDirectory() as folder, Library.open(Path(folder)) as library:
        adapter = GeminiAdapter("bench-key", base_url=base_url, timeout_s=60)
        engine = JobEngine(adapter, library, max_concurrency=32)
        engine.submit(BatchSpec(PROMPT, DRAFT_MODEL, "1:1", "1K", count=count, seed=1))
        await engine.wait_idle()
        await adapter.aclose()
        return engine.stats.succeeded


async def run_gather(base_url: str, count: int) -> int:
    client = sdk_client(base_url, types.HttpRetryOptions(attempts=8))
    gate = asyncio.Semaphore(GATHER_CONCURRENCY)

    async def one(seed: int) -> bool:
        async with gate:
            try:
                response = await client.aio.models.generate_content(
                    model=DRAFT_MODEL, contents=PROMPT, config=config(seed)
                )
            except errors.APIError:
                return False
            return bool(response.parts)

    done = await asyncio.gather(*(one(seed) for seed in range(count)))
    await client.aio.aclose()
    return sum(done)


async def run_sequential(base_url: str, count: int) -> int:
    client = sdk_client(base_url)
    succeeded = 0
    for seed in range(count):
        response = await client.aio.models.generate_content(
            model=DRAFT_MODEL, contents=PROMPT, config=config(seed)
        )
        succeeded += bool(response.parts)
    await client.aio.aclose()
    return succeeded


def measure(
    name: str, runner: Callable[[str, int], Coroutine[Any, Any, int]], count: int
) -> Result:
    with fresh_sandbox() as sandbox:
        started = time.monotonic()
        succeeded = asyncio.run(runner(sandbox.base_url, count))
        wall = time.monotonic() - started
        return Result(name, wall, succeeded, sandbox.stats.rate_limited)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    count = parser.parse_args().count
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
    ideal = ideal_wall_s(count)
    print(
        f"{count} images, sandbox latency {LATENCY_S} s, hidden limit {RATE_LIMIT} requests "
        f"per {RATE_WINDOW_S:g} s window; ideal wall time {ideal:.2f} s"
    )
    results = [
        measure("engine", run_engine, count),
        measure(f"gather x{GATHER_CONCURRENCY} + SDK retries", run_gather, count),
        measure("sequential SDK loop", run_sequential, count),
    ]
    print(f"{'contender':<30} {'wall s':>8} {'x ideal':>8} {'ok':>5} {'429s':>6}")
    for result in results:
        print(
            f"{result.name:<30} {result.wall_s:>8.2f} {result.wall_s / ideal:>8.2f} "
            f"{result.succeeded:>5} {result.throttled:>6}"
        )
    engine, gather, sequential = results
    print(
        f"engine vs ideal: {engine.wall_s / ideal:.2f}x (target <= 1.25); "
        f"sequential / engine: {sequential.wall_s / engine.wall_s:.1f}x (target >= 5); "
        f"gather / engine: {gather.wall_s / engine.wall_s:.2f}x"
    )


if __name__ == "__main__":
    main()
