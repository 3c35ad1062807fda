"""`generate --dry-run` (what would be sent, and its cost) and `generate --batch` (send it as
a Batch API job and return at once)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from studio.cli.batch_run import check_run_options, estimate_line
from studio.cli.context import CliContext
from studio.cli.errors import EXIT_INCOMPLETE, EXIT_OK, CliError
from studio.core.engine import BatchPlan, BudgetGuard
from studio.core.library import JobRecord, Library


def dry_run(plan: BatchPlan, args: argparse.Namespace, context: CliContext) -> int:
    billed = not args.sandbox
    label = context.catalog.get(plan.record.model).label
    prompts = [
        {"slot": slot, "prompt": request.prompt, "values": list(values)}
        for slot, (request, values) in enumerate(
            zip(plan.requests, plan.record.slot_values or ((),) * plan.count, strict=True)
        )
    ]
    if args.json:
        estimate = plan.estimate_json(label, billed)
        sys.stdout.write(json.dumps({"estimate": estimate, "slots": prompts}) + "\n")
        return EXIT_OK
    for slot, request in enumerate(plan.requests, start=1):
        sys.stdout.write(f"{slot:>4}  {request.prompt}\n")
    sys.stderr.write(f"{estimate_line(plan, context, billed)}\nNothing was sent (--dry-run).\n")
    return EXIT_OK


def send_job(
    plan: BatchPlan, args: argparse.Namespace, context: CliContext, library: Library
) -> int:
    check_run_options(args, context)
    billed = not args.sandbox
    sys.stderr.write(f"{estimate_line(plan, context, billed)}\n")
    job = asyncio.run(_send(plan, args, context, library, billed))
    label = context.catalog.get(plan.record.model).label
    if args.json:
        summary = {"job": job.to_json(), "estimate": plan.estimate_json(label, billed)}
        sys.stdout.write(json.dumps(summary) + "\n")
    else:
        sys.stderr.write(
            f"Batch job {job.id} sent ({job.name}, {job.request_count} drafts, "
            f"{job.source}); results within 24 hours, usually much sooner. "
            f"'draft-studio jobs wait {job.id}' imports them.\n"
        )
    return EXIT_OK


async def _send(
    plan: BatchPlan, args: argparse.Namespace, context: CliContext, library: Library, billed: bool
) -> JobRecord:
    from studio.core.gemini.batch_client import BatchClient, BatchServiceError
    from studio.core.jobs import JobRefused, JobRunner

    settings = context.settings
    guard = BudgetGuard(
        args.budget or settings.session_budget_usd,
        settings.daily_budget_usd,
        library.spending.since,
        billed=billed,
    )
    async with context.backend(args.sandbox) as backend:
        runner = JobRunner(library, BatchClient(backend), context.catalog)
        try:
            return await runner.submit(plan, billed=billed, guard=guard)
        except JobRefused as exc:
            raise CliError(str(exc), EXIT_INCOMPLETE) from None
        except BatchServiceError as exc:
            # Recorded before sending: the job is not lost, and `jobs wait` sends it again.
            hint = "the job is kept; 'draft-studio jobs wait' sends it again"
            raise CliError(f"{str(exc).rstrip('.')}; {hint}.", EXIT_INCOMPLETE) from None
