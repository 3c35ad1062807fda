"""The engine against rate limits it is not told about, under a spread of conditions.

Each condition runs a batch through the real JobEngine and SDK against a fresh sandbox that
hides a request limit in a sliding window (per second or per minute), answers after a
latency with jitter, and may answer 503 "overloaded" at some rate. The wall time is taken on
the server's clock, from the first request received to the last image answered, and judged
against the ideal for the condition:

    ideal = N / rate + mean latency,
    rate = min(limit / window, maximum in flight / latency) x (1 - share answered 503)

(with no limit, the user's maximum in flight binds; a request answered 503 still used its
place in the window, as the live quota counts it). Targets: at most 1.15x ideal in every
row, and at most 3 x N 429s. A final pair of rows, side by side in the same run, compares
the engine with a fixed-concurrency asyncio.gather over the SDK's own retries.

Run: .venv/bin/python -m tests.bench.bench_engine [--only NAME ...] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
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
from studio.sandbox import Fault, SandboxConfig, SandboxServer

MAX_IN_FLIGHT = 64  # the engine's default maximum
PROMPT = "a paper boat on a rainy street, watercolour"
PIXEL_SCALE = 0.1  # small images: the bench measures pacing, not PNG encoding
TARGET_RATIO = 1.15
TARGET_429S_PER_IMAGE = 3


@dataclass(frozen=True)
class Condition:
    name: str
    count: int
    latency_s: float  # the least latency; the sandbox adds up to `jitter_s` more
    jitter_s: float = 0.0
    limit: int | None = None  # requests per window; None: no limit at all
    window_s: float = 1.0
    overload: float = 0.0  # the share of requests answered 503

    @property
    def mean_latency_s(self) -> float:
        return self.latency_s + self.jitter_s / 2

    @property
    def rate(self) -> float:
        bound = MAX_IN_FLIGHT / self.mean_latency_s
        rate = bound if self.limit is None else min(self.limit / self.window_s, bound)
        return rate * (1 - self.overload)

    @property
    def ideal_s(self) -> float:
        return self.count / self.rate + self.mean_latency_s

    def sandbox(self) -> SandboxServer:
        faults = {Fault.OVERLOADED: self.overload} if self.overload else {}
        return SandboxServer(
            SandboxConfig(
                latency_s=self.latency_s,
                latency_jitter_s=self.jitter_s,
                rate_limit=self.limit,
                rate_window_s=self.window_s,
                fault_rates=faults,
                pixel_scale=PIXEL_SCALE,
                seed=7,
            )
        ).start()


CONDITIONS = (
    Condition("0.5 s, 20/s", 200, 0.5, limit=20),
    Condition("4±1 s, 10/s", 200, 3.0, 2.0, limit=10),
    Condition("2.5±0.5 s, 3/s, 5% 503", 90, 2.0, 1.0, limit=3, overload=0.05),
    Condition("15 s (Pro), 2/s", 60, 15.0, limit=2),
    Condition("12±3 s (Pro), 4/s", 120, 9.0, 6.0, limit=4),
    Condition("1.5±0.5 s, 120/min", 240, 1.0, 1.0, limit=120, window_s=60.0),
    Condition("6±1 s, 60/min, 5% 503", 90, 5.0, 2.0, limit=60, window_s=60.0, overload=0.05),
    Condition("4±1 s, no limit", 300, 3.0, 2.0),
    Condition("0.5 s, 20/s, 10% 503", 200, 0.5, limit=20, overload=0.1),
)
QUICK = ("0.5 s, 20/s", "4±1 s, 10/s", "4±1 s, no limit")


@dataclass(frozen=True)
class Row:
    condition: Condition
    contender: str
    succeeded: int
    wall_s: float
    peak_in_flight: int
    throttled: int
    overloaded: int

    @property
    def ratio(self) -> float:
        return self.wall_s / self.condition.ideal_s

    @property
    def met(self) -> bool:
        return (
            self.ratio <= TARGET_RATIO
            and self.throttled <= TARGET_429S_PER_IMAGE * self.condition.count
            and self.succeeded == self.condition.count
        )


async def run_engine(base_url: str, count: int) -> int:
    with tempfile.TemporaryDirectory() as folder, Library.open(Path(folder)) as library:
        adapter = GeminiAdapter("bench-key", base_url=base_url, timeout_s=120)
        engine = JobEngine(adapter, library, max_concurrency=MAX_IN_FLIGHT)
        engine.submit(BatchSpec(PROMPT, DRAFT_MODEL, "1:1", "1K", count=count, seed=1))
        await engine.wait_idle()
        await engine.aclose()
        await adapter.aclose()
        return engine.stats.succeeded


async def run_gather(base_url: str, count: int) -> int:
    """What a script would do: a fixed 16 at a time, the SDK retrying 429s and 503s."""
    client = genai.Client(
        api_key="bench-key",
        http_options=types.HttpOptions(
            base_url=base_url,
            timeout=120_000,
            async_client_args={"transport": httpx2.AsyncHTTPTransport()},
            retry_options=types.HttpRetryOptions(attempts=8),
        ),
    )
    gate = asyncio.Semaphore(16)

    async def one(seed: int) -> bool:
        config = types.GenerateContentConfig(
            response_modalities=["IMAGE"],
            seed=seed,
            image_config=types.ImageConfig(aspect_ratio="1:1", image_size="1K"),
        )
        async with gate:
            try:
                response = await client.aio.models.generate_content(
                    model=DRAFT_MODEL, contents=PROMPT, config=config
                )
            except errors.APIError:
                return False
            return bool(response.parts)

    done = await asyncio.gather(*(one(seed) for seed in range(count)))
    await client.aio.aclose()
    return sum(done)


Runner = Callable[[str, int], Coroutine[Any, Any, int]]


def measure(condition: Condition, contender: str, runner: Runner) -> Row:
    with condition.sandbox() as sandbox:
        succeeded = asyncio.run(runner(sandbox.base_url, condition.count))
        stats = sandbox.stats
        start, end = stats.first_received_at, stats.last_answered_at
        wall = (end - start) if start is not None and end is not None else float("nan")
        return Row(
            condition,
            contender,
            succeeded,
            wall,
            stats.max_in_flight,
            stats.rate_limited,
            stats.faults_served[Fault.OVERLOADED],
        )


HEADER = (
    f"{'condition':<26} {'contender':<10} {'images':>6} {'wall s':>8} {'ideal s':>8} "
    f"{'x ideal':>8} {'peak':>5} {'429s':>6} {'503s':>5}  target"
)


def line(row: Row, judged: bool = True) -> str:
    c = row.condition
    verdict = ("met" if row.met else "MISSED") if judged else "(for contrast)"
    return (
        f"{c.name:<26} {row.contender:<10} {row.succeeded:>6} {row.wall_s:>8.1f} "
        f"{c.ideal_s:>8.1f} {row.ratio:>8.2f} {row.peak_in_flight:>5} {row.throttled:>6} "
        f"{row.overloaded:>5}  {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="a condition's name (repeatable)")
    parser.add_argument("--quick", action="store_true", help="three short conditions")
    args = parser.parse_args()
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
    wanted = set(args.only) if args.only else set(QUICK) if args.quick else None
    conditions = [c for c in CONDITIONS if wanted is None or c.name in wanted]
    print(HEADER, flush=True)
    rows = []
    for condition in conditions:
        row = measure(condition, "engine", run_engine)
        rows.append(row)
        print(line(row), flush=True)
    # The same condition, side by side: the engine against a script a user might write.
    contrast = next(c for c in CONDITIONS if c.name == "4±1 s, 10/s")
    if wanted is None or contrast.name in wanted:
        print(line(measure(contrast, "gather x16", run_gather), judged=False), flush=True)
    missed = [row.condition.name for row in rows if not row.met]
    print(f"targets: <= {TARGET_RATIO}x ideal and <= {TARGET_429S_PER_IMAGE} x N 429s per row")
    print(f"missed: {', '.join(missed) if missed else 'none'}")


if __name__ == "__main__":
    main()
