from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from studio.core.catalog import DRAFT_MODEL, Catalog
from studio.core.engine import BatchSpec, EngineEvent, JobEngine, RetryPolicy
from studio.core.gemini import GeminiAdapter
from studio.core.library import Library
from studio.sandbox import SandboxConfig, SandboxServer

SMALL = 0.05


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxConfig(pixel_scale=SMALL, fault_retry_delay_s=0.2)) as server:
        yield server


@pytest.fixture
def catalog() -> Catalog:
    return Catalog()


@pytest.fixture
async def adapter(sandbox: SandboxServer, catalog: Catalog) -> AsyncIterator[GeminiAdapter]:
    backend = GeminiAdapter("test-key", catalog=catalog, base_url=sandbox.base_url, timeout_s=5)
    yield backend
    await backend.aclose()


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library") as opened:
        yield opened


FAST_RETRY = RetryPolicy(max_failures=3, base_delay_s=0.05, max_delay_s=0.2)


class Recorder:
    def __init__(self) -> None:
        self.events: list[EngineEvent] = []
        self._arrived = asyncio.Event()

    def __call__(self, event: EngineEvent) -> None:
        self.events.append(event)
        self._arrived.set()

    async def wait_for(self, kind: type, count: int = 1, timeout_s: float = 5.0) -> None:
        async with asyncio.timeout(timeout_s):
            while len(self.of(kind)) < count:
                self._arrived.clear()
                await self._arrived.wait()

    def of(self, kind: type) -> list:
        return [e for e in self.events if isinstance(e, kind)]


@pytest.fixture
async def engine_factory(adapter: GeminiAdapter, library: Library):
    engines: list[JobEngine] = []

    def make(**options) -> tuple[JobEngine, Recorder]:
        options.setdefault("retry", FAST_RETRY)
        engine = JobEngine(adapter, library, **options)
        recorder = Recorder()
        engine.subscribe(recorder)
        engines.append(engine)
        return engine, recorder

    yield make
    for engine in engines:
        await engine.aclose()


def spec(prompt: str = "a lighthouse at dawn", count: int = 1, **fields) -> BatchSpec:
    fields.setdefault("model", DRAFT_MODEL)
    fields.setdefault("aspect", "1:1")
    fields.setdefault("size", "1K")
    return BatchSpec(prompt=prompt, count=count, **fields)
