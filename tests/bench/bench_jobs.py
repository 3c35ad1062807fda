"""Batch API jobs at catalogue scale: 2,000 slots through a sandbox job, submit → all imported.

Each condition runs in a process of its own against a fresh sandbox (in another process, as
the app runs it, its state folder in a temp directory) and a fresh library, side by side in
one run:

  small images, inline   the whole job inline, answers in the job object
  small images, file     the same requests as an uploaded JSONL file, answers streamed to
                         disk from the result file and read a line at a time
  1K images, as sent     real 1024-px PNGs, sent the way Draft Studio chooses (a file: the
                         answers would weigh some 4 GB inline); the library's writes (PNG,
                         320-px thumbnail, fsync) are then the work
  a prompt matrix, file  a 10 × 10 × 20 matrix (2,000 prompts, each different)

The service's own time is left out (pending and running take 0 s): what is measured is
this machine's part, which decides how soon a finished job shows in the grid. Printed per
condition: submit (record + build + send), the sandbox drawing the images (Google's part,
timed apart and not counted), import (the poll that finds the job done → every image
stored), ours (submit + import), images per second of import, and the peak resident
memory of the importing process. Target: our part of 2,000 small slots under 60 s on 2 cores.

Run: .venv/bin/python -m tests.bench.bench_jobs [--slots N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from studio.core.catalog import DRAFT_MODEL, Catalog
from studio.core.domain import SlotStatus
from studio.core.engine import BatchSpec
from studio.core.gemini.batch_client import BatchClient
from studio.core.gemini.client import GeminiAdapter
from studio.core.gemini.job_requests import INLINE_LIMIT_BYTES
from studio.core.jobs import JobRunner
from studio.core.library import Library
from studio.sandbox import SandboxConfig
from studio.sandbox.process import SandboxProcess

TARGET_S = 60.0


@dataclass(frozen=True)
class Condition:
    name: str
    prompt: str
    pixel_scale: float
    inline_limit_bytes: int  # what may go inline: 0 forces a file, a huge value inline


@dataclass(frozen=True)
class Result:
    condition: Condition
    source: str
    slots: int
    submit_s: float
    service_s: float  # the sandbox drawing the images, in place of Google's servers
    import_s: float
    wall_s: float
    stored: int
    rss_mb: float  # this process's peak: the sandbox runs in a process of its own


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def conditions(slots: int) -> list[Condition]:
    matrix = "a {" + "|".join(f"c{i}" for i in range(10)) + "} kite over {"
    matrix += "|".join(f"s{i}" for i in range(10)) + "} at {"
    matrix += "|".join(f"t{i}" for i in range(20)) + "}"
    return [
        Condition("small images, inline", "a kite over the sea", 0.05, 10**12),
        Condition("small images, file", "a kite over the sea", 0.05, 0),
        Condition("1K images, as sent", "a kite over the sea", 1.0, INLINE_LIMIT_BYTES),
        Condition("a prompt matrix, file", matrix, 0.05, 0),
    ]


async def run(condition: Condition, slots: int, folder: Path) -> Result:
    config = SandboxConfig(
        pixel_scale=condition.pixel_scale,
        batch_pending_s=0.0,
        batch_running_s=0.0,
        state_dir=folder / "sandbox",
    )
    matrix = "{" in condition.prompt
    count = 1 if matrix else slots
    spec = BatchSpec(
        condition.prompt, DRAFT_MODEL, "1:1", "1K", count=count, seed=1, batch_job=True
    )
    server = SandboxProcess(config).start()
    try:
        return await _measure(condition, spec, server.base_url, folder)
    finally:
        server.stop()


async def _measure(condition: Condition, spec: BatchSpec, base_url: str, folder: Path) -> Result:
    catalog = Catalog()
    with Library.open(folder / "library") as library:
        adapter = GeminiAdapter("bench-key", catalog=catalog, base_url=base_url)
        client = BatchClient(adapter, inline_limit_bytes=condition.inline_limit_bytes)
        runner = JobRunner(library, client, catalog)
        plan = spec.plan(catalog)
        started = time.perf_counter()
        job = await runner.submit(plan, billed=True)
        submitted = time.perf_counter()
        # The sandbox draws a job's images when it is first asked after the job has run;
        # that is Google's work in the world, so it is done (and timed) apart.
        assert job.name is not None
        await BatchClient(adapter).get(job.name)
        served = time.perf_counter()
        await runner.wait([job], first_poll_s=0.01, longest_poll_s=0.01)
        ended = time.perf_counter()
        stored = sum(
            d.status == SlotStatus.SUCCEEDED for d in library.drafts_of_batch(job.batch_id)
        )
        await adapter.aclose()
    return Result(
        condition,
        job.source,
        plan.count,
        submitted - started,
        served - submitted,
        ended - served,
        (submitted - started) + (ended - served),
        stored,
        _rss_mb(),
    )


def _one(index: int, slots: int) -> None:
    """One condition in this process, printed as JSON for the parent (a fresh process per
    condition, so that each peak memory figure is its own)."""
    condition = conditions(slots)[index]
    with tempfile.TemporaryDirectory(prefix="bench-jobs-") as tmp:
        slots = 2000 if "matrix" in condition.name else slots
        result = asyncio.run(run(condition, slots, Path(tmp)))
    print(json.dumps({**asdict(result), "condition": index}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slots", type=int, default=2000)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        _one(args.one, args.slots)
        return
    results = []
    for index, condition in enumerate(conditions(args.slots)):
        command = [sys.executable, "-m", "tests.bench.bench_jobs", f"--slots={args.slots}"]
        child = subprocess.run([*command, f"--one={index}"], capture_output=True, text=True)
        if child.returncode != 0:
            sys.exit(f"{condition.name} failed:\n{child.stderr}")
        data = json.loads(child.stdout.strip().splitlines()[-1])
        data["condition"] = condition
        results.append(Result(**data))
    header = f"{'condition':<24}{'sent as':>8}{'slots':>7}{'submit s':>10}{'sandbox s':>11}"
    print(header + f"{'import s':>10}{'ours s':>8}{'img/s':>8}{'stored':>8}{'peak MB':>9}")
    for r in results:
        rate = r.stored / r.import_s if r.import_s else 0.0
        print(
            f"{r.condition.name:<24}{r.source:>8}{r.slots:>7}{r.submit_s:>10.2f}{r.service_s:>11.2f}"
            f"{r.import_s:>10.2f}{r.wall_s:>8.2f}{rate:>8.0f}{r.stored:>8}{r.rss_mb:>9.0f}"
        )
    small = results[0]
    verdict = "met" if small.wall_s < TARGET_S and small.stored == small.slots else "MISSED"
    print(f"target: our part of {small.slots} small slots < {TARGET_S:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
