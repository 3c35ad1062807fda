"""`draft-studio jobs list|wait|cancel`: Batch API jobs sent with `generate --batch`."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import TYPE_CHECKING, Any

from studio.cli import columns
from studio.cli.batch_run import batch_summary, report
from studio.cli.context import CliContext
from studio.cli.errors import EXIT_INCOMPLETE, EXIT_OK, CliError
from studio.cli.interrupts import Interrupted, Interrupts
from studio.core.domain import SlotStatus
from studio.core.jobs.wording import age, describe
from studio.core.library import JobRecord, Library, LibraryError
from studio.core.money import noted

if TYPE_CHECKING:
    from studio.core.jobs import JobRunner

_RIGHT_ALIGNED = frozenset({0})


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    listing = actions.add_parser("list", help="batch jobs, newest first")
    listing.add_argument("--json", action="store_true", help="print one JSON array")
    listing.set_defaults(handler=run_list)

    wait = actions.add_parser("wait", help="poll jobs until they end and import their images")
    wait.add_argument("jobs", nargs="*", type=int, metavar="JOB", help="job ids (default: all)")
    wait.add_argument("--timeout", type=float, metavar="S", help="give up waiting after S s")
    wait.add_argument("--json", action="store_true", help="print the summaries as JSON")
    wait.add_argument("--poll", type=float, default=2.0, metavar="S", help=argparse.SUPPRESS)
    wait.set_defaults(handler=run_wait)

    cancel = actions.add_parser("cancel", help="cancel a job that has not finished")
    cancel.add_argument("job", type=int, metavar="JOB")
    cancel.set_defaults(handler=run_cancel)


def run_list(args: argparse.Namespace, context: CliContext) -> int:
    with context.library() as library:
        jobs = library.jobs.all()
    if args.json:
        sys.stdout.write(json.dumps([job.to_json() for job in jobs]) + "\n")
        return EXIT_OK
    now = time.time()
    rows = [
        [
            str(job.id),
            job.state.value,
            f"{job.arrived}/{job.request_count}",
            job.model,
            age(now - job.created_at),
            "" if job.billed else "sandbox",
            job.name or "not sent yet",
            columns.one_line(job.message or ""),
        ]
        for job in jobs
    ]
    for line in columns.table(rows, right=_RIGHT_ALIGNED):
        sys.stdout.write(line + "\n")
    return EXIT_OK


def _chosen(library: Library, ids: list[int]) -> list[JobRecord]:
    try:
        if ids:
            return [library.jobs.get(job_id) for job_id in ids]
    except LibraryError as exc:
        raise CliError(str(exc)) from None
    return [job for job in library.jobs.all() if not job.done]


@asynccontextmanager
async def runners(
    context: CliContext, library: Library, jobs: list[JobRecord]
) -> AsyncIterator[dict[bool, JobRunner]]:
    """A JobRunner per kind of backend the jobs were sent to: billed (Gemini), sandbox."""
    from studio.core.gemini.batch_client import BatchClient
    from studio.core.jobs import JobRunner

    async with AsyncExitStack() as stack:
        found: dict[bool, JobRunner] = {}
        for billed in sorted({job.billed for job in jobs}):
            backend = await stack.enter_async_context(context.backend(sandbox=not billed))
            found[billed] = JobRunner(library, BatchClient(backend), context.catalog)
        yield found


def run_wait(args: argparse.Namespace, context: CliContext) -> int:
    if args.timeout is not None and args.timeout <= 0:
        raise CliError("--timeout must be more than 0 seconds.")
    with context.library() as library:
        jobs = _chosen(library, args.jobs)
        if not jobs:
            sys.stderr.write("No batch job is waiting.\n")
            return EXIT_OK
        started = time.monotonic()
        ended, signal_name = asyncio.run(_wait(args, context, library, jobs))
        summaries = [_summary(library, job, started) for job in ended]
    for summary in summaries:
        summary["signal"] = signal_name
    if args.json:
        sys.stdout.write(json.dumps(summaries) + "\n")
    else:
        # Each job's last state is the progress line just above its summary.
        for summary in summaries:
            report(summary, as_json=False)
    complete = all(s["job"]["state"] == "succeeded" and not s["job"]["waiting"] for s in summaries)
    everything = all(s["succeeded"] >= s["requested"] for s in summaries)
    return EXIT_OK if complete and everything else EXIT_INCOMPLETE


async def _wait(
    args: argparse.Namespace, context: CliContext, library: Library, jobs: list[JobRecord]
) -> tuple[list[JobRecord], str | None]:
    from studio.core.gemini.batch_client import BatchServiceError

    shown: dict[int, tuple[object, ...]] = {}

    def progress(current: list[JobRecord]) -> None:
        """A line whenever a job's state, arrivals or message change."""
        for job in current:
            seen = (job.state, job.arrived, job.waiting, job.message)
            if shown.get(job.id) != seen:
                shown[job.id] = seen
                sys.stderr.write(f"{describe(job)}\n")

    latest = jobs
    with Interrupts() as interrupts:
        async with runners(context, library, jobs) as by_billed:

            async def everything() -> list[JobRecord]:
                groups = [[j for j in jobs if j.billed == billed] for billed in by_billed]
                waits = [
                    by_billed[group[0].billed].wait(
                        group, timeout_s=args.timeout, first_poll_s=args.poll, on_poll=progress
                    )
                    for group in groups
                ]
                return [job for ended in await asyncio.gather(*waits) for job in ended]

            try:
                latest = await interrupts.run(everything())
            except Interrupted:
                latest = [library.jobs.get(job.id) for job in jobs]
            except BatchServiceError as exc:
                raise CliError(str(exc)) from None
    return latest, interrupts.name


def _summary(library: Library, job: JobRecord, started: float) -> dict[str, Any]:
    drafts = library.drafts_of_batch(job.batch_id)
    spend = sum(d.cost_usd for d in drafts)
    summary = batch_summary(
        job.request_count,
        job.batch_id,
        drafts,
        started,
        not_sent=0,
        spend_usd=spend,
        billed=job.billed,
    )
    still = sum(1 for d in drafts if d.status == SlotStatus.SUBMITTED)
    summary["job"] = {**job.to_json(), "waiting": still, "describe": describe(job)}
    return summary


def run_cancel(args: argparse.Namespace, context: CliContext) -> int:
    with context.library() as library:
        try:
            job = library.jobs.get(args.job)
        except LibraryError as exc:
            raise CliError(str(exc)) from None
        if job.state.finished:
            raise CliError(f"Batch job {job.id} has already ended ({job.state.value}).")
        ended = asyncio.run(_cancel(context, library, job))
    sys.stderr.write(noted(f"{describe(ended)}.", ended.billed) + "\n")
    return EXIT_OK


async def _cancel(context: CliContext, library: Library, job: JobRecord) -> JobRecord:
    from studio.core.gemini.batch_client import BatchServiceError

    async with runners(context, library, [job]) as by_billed:
        try:
            return await by_billed[job.billed].cancel(job)
        except BatchServiceError as exc:
            raise CliError(str(exc)) from None
