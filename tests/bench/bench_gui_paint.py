"""From an image's bytes arriving to its tile painted with its thumbnail, in the real window.

The real MainWindow (shown, 1440x900) on the app's qasync loop against the in-process
sandbox (real 1K images; short latency, see --latency), the app's normal settings.
The grid uses the smallest tile size and stays scrolled to the top, so that every tile of
the newest batch is on screen; several batches of 24 run one after another.

For each image the clock starts when the backend's `generate` returns an ImagesOutcome (the
bench wraps `services.studio.engine.backend.generate`) and stops when TileDelegate.paint
first paints that draft's tile with a thumbnail pixmap (the bench wraps the class's paint).
In between: the library's decode + thumbnail + atomic writes with fsync + DB commit on a
worker thread, the engine event, the thumbnail read on the cache's pool, and the repaint.
The stages are printed too: saved (SlotSucceeded seen), thumbnail ready, painted.

Target: p95 < 100 ms. Also printed: p50 and max.

Run: .venv/bin/python -m tests.bench.bench_gui_paint [--batches N] [--per-batch N]
     [--latency S] [--platform xcb]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from studio.app import make_application
from studio.core.domain import GenerationRequest, ImagesOutcome, Outcome
from studio.core.engine.events import (
    BatchQueued,
    EngineEvent,
    SlotBlocked,
    SlotCancelled,
    SlotFailed,
    SlotSucceeded,
)
from studio.ui.grid.tile_delegate import MIN_TILE_SIZE
from tests.bench.gui_support import (
    Metric,
    PaintProbe,
    add_common_arguments,
    choose_platform,
    describe_window,
    isolate,
    percentile,
    print_metrics,
    run_qasync,
    visible_tiles,
    wait_for,
    write_summary,
)

BATCHES = 6
PER_BATCH = 24
LATENCY_S = 0.25
BATCH_TIMEOUT_S = 120.0
_FAILED = (SlotBlocked, SlotFailed, SlotCancelled)


@dataclass
class Timeline:
    arrived: float
    saved: float | None = None
    thumbnail: float | None = None
    painted: float | None = None


@dataclass
class Tracker:
    """Follows each image from the backend to the screen."""

    by_request: dict[tuple[str, int], int] = field(default_factory=dict)
    timelines: dict[int, Timeline] = field(default_factory=dict)
    waiting: set[int] = field(default_factory=set)  # arrived, not yet painted with a pixmap
    batch_drafts: set[int] = field(default_factory=set)
    failed: int = 0
    batch_done: asyncio.Event = field(default_factory=asyncio.Event)
    queued: asyncio.Event = field(default_factory=asyncio.Event)

    def wrap(self, backend: Any) -> None:
        original = backend.generate
        tracker = self

        async def generate(request: GenerationRequest) -> Outcome:
            outcome: Outcome = await original(request)
            if isinstance(outcome, ImagesOutcome):
                tracker.arrived(request, time.perf_counter())
            return outcome

        # An instance attribute: the engine looks `generate` up on its backend for each call.
        backend.generate = generate

    def arrived(self, request: GenerationRequest, now: float) -> None:
        draft_id = self.by_request.get((request.prompt, request.seed or 0))
        if draft_id is not None:
            self.timelines[draft_id] = Timeline(now)
            self.waiting.add(draft_id)

    def on_event(self, event: EngineEvent) -> None:
        if isinstance(event, BatchQueued):
            for draft in event.drafts:
                self.by_request[(draft.prompt, draft.seed)] = draft.id
            self.batch_drafts = {draft.id for draft in event.drafts}
            self.batch_done.clear()
            self.queued.set()
            return
        if isinstance(event, SlotSucceeded):
            timeline = self.timelines.get(event.draft_id)
            if timeline is not None:
                timeline.saved = time.perf_counter()
        elif isinstance(event, _FAILED) and event.draft_id in self.batch_drafts:
            self.failed += 1
            self.batch_drafts.discard(event.draft_id)
            self._check_batch()

    def on_thumbnail(self, draft_id: int) -> None:
        timeline = self.timelines.get(draft_id)
        if timeline is not None and timeline.thumbnail is None:
            timeline.thumbnail = time.perf_counter()

    def on_tile_painted(self, draft_id: int, shown: bool, now: float) -> None:
        if shown and draft_id in self.waiting:
            self.waiting.discard(draft_id)
            self.timelines[draft_id].painted = now
            self.batch_drafts.discard(draft_id)
            self._check_batch()

    def _check_batch(self) -> None:
        if not self.batch_drafts:
            self.batch_done.set()


async def measure(app: QApplication, batches: int, per_batch: int) -> list[Timeline]:
    from studio.app import build_services
    from studio.ui.main_window import MainWindow

    probe = PaintProbe()
    probe.install()
    services = await build_services()
    window = MainWindow(services)
    window.resize(1440, 900)
    window.show()
    window.pages.setCurrentIndex(0)
    window.grid.set_tile_size(MIN_TILE_SIZE)
    await asyncio.sleep(0.5)
    await services.start()
    engine = services.studio.engine
    assert engine is not None, "the engine did not start"

    tracker = Tracker()
    tracker.wrap(engine.backend)
    services.studio.engine_event.connect(tracker.on_event)
    services.thumbnails.ready.connect(tracker.on_thumbnail)
    probe.tile_listeners.append(tracker.on_tile_painted)
    services.prompt.set_count(per_batch)

    for number in range(batches):
        services.prompt.set_prompt(f"paint bench batch {number}: a tin robot watering tulips")
        tracker.queued.clear()
        window.generate()  # queues the batch (BatchQueued) and scrolls the grid to the top
        # The engine's thread queues the batch a moment later; until then, the last batch's
        # "done" must not count for this one.
        await wait_for(tracker.queued, BATCH_TIMEOUT_S)
        if not await wait_for(tracker.batch_done, BATCH_TIMEOUT_S):
            on_screen = set(visible_tiles(window.grid) or [])
            missing = tracker.batch_drafts
            print(
                f"batch {number}: {len(missing)} tiles never painted with a thumbnail "
                f"({len(missing & on_screen)} of them on screen)"
            )
        await asyncio.sleep(0.2)  # let the last repaint and the engine settle

    print(describe_window(window.grid))
    shown = visible_tiles(window.grid) or []
    scroll = window.grid.verticalScrollBar().value()
    print(f"{len(shown)} tiles on screen at the end; scroll position {scroll}")
    window.close()
    await services.aclose()
    probe.uninstall()
    if tracker.failed:
        print(f"{tracker.failed} drafts failed or were blocked (not counted)")
    return list(tracker.timelines.values())


def stage_ms(timelines: list[Timeline], start: str, end: str) -> list[float]:
    spans = []
    for timeline in timelines:
        begin, finish = getattr(timeline, start), getattr(timeline, end)
        if begin is not None and finish is not None:
            spans.append((finish - begin) * 1000)
    return spans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=BATCHES)
    parser.add_argument("--per-batch", type=int, default=PER_BATCH)
    parser.add_argument("--latency", type=float, default=LATENCY_S, help="sandbox latency, s")
    add_common_arguments(parser)
    args = parser.parse_args()
    platform = choose_platform(args.platform)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="draft-studio-bench-paint-") as folder:
        isolate(
            Path(folder),
            platform,
            {
                "DRAFT_STUDIO_SANDBOX_LATENCY": str(args.latency),
                "DRAFT_STUDIO_SANDBOX_JITTER": str(args.latency),
                "DRAFT_STUDIO_SANDBOX_PIXEL_SCALE": "1",
            },
        )
        app = make_application()
        timelines = run_qasync(measure(app, args.batches, args.per_batch))
    wall = time.monotonic() - started

    total = stage_ms(timelines, "arrived", "painted")
    print(
        f"{len(total)} of {len(timelines)} arrived images painted; "
        f"{args.batches} batches of {args.per_batch}, sandbox latency {args.latency:g} s "
        f"+ up to {args.latency:g} s jitter, 1K images"
    )
    print(f"  {'stage':<40} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for label, start, end in (
        ("bytes arrived -> saved (SlotSucceeded)", "arrived", "saved"),
        ("saved -> thumbnail in cache", "saved", "thumbnail"),
        ("thumbnail in cache -> tile painted", "thumbnail", "painted"),
        ("bytes arrived -> tile painted", "arrived", "painted"),
    ):
        spans = stage_ms(timelines, start, end)
        print(
            f"  {label:<40} {percentile(spans, 50):>8.1f} {percentile(spans, 95):>8.1f} "
            f"{max(spans, default=float('nan')):>8.1f}"
        )
    metrics = [
        Metric("bytes -> painted p95", percentile(total, 95), "ms", 100, "<"),
        Metric("bytes -> painted p50", percentile(total, 50), "ms"),
        Metric("bytes -> painted max", max(total, default=float("nan")), "ms"),
        Metric("images measured", float(len(total)), "img"),
    ]
    print_metrics("bench_gui_paint", metrics)
    print(f"bench wall time {wall:.1f} s")
    write_summary(args.summary_json, "paint", metrics, [f"bench wall time {wall:.1f} s"])


if __name__ == "__main__":
    main()
