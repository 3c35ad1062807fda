"""Running one planned batch from the command line: the engine against the chosen backend,
progress on stderr, and the summary every batch command prints (same shape, same exit codes)."""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from studio.cli.context import CliContext, resolve_out_dir
from studio.cli.errors import EXIT_INCOMPLETE, EXIT_KEY, EXIT_OK, CliError
from studio.cli.interrupts import Interrupted, Interrupts
from studio.cli.progress import ProgressPrinter
from studio.core.domain import ErrorKind, SlotStatus
from studio.core.engine import BatchPlan, JobEngine, QueuePaused
from studio.core.library import DraftRecord, Library
from studio.core.money import noted, priced, spent


def add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", metavar="DIR", help="also copy the images into this folder")
    parser.add_argument("--budget", type=float, metavar="USD", help="spend at most this much")
    parser.add_argument("--sandbox", action="store_true", help="use the offline sandbox")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")


def check_run_options(args: argparse.Namespace, context: CliContext) -> Path | None:
    """What can be refused before anything is recorded; returns the --out folder, if any."""
    if args.budget is not None and args.budget <= 0:
        raise CliError("--budget must be more than 0 USD.")
    out = resolve_out_dir(args.out) if args.out else None
    if not args.sandbox:
        context.api_key()  # exit 3 now, before anything is recorded
    return out


def run_plan(
    plan: BatchPlan,
    args: argparse.Namespace,
    context: CliContext,
    library: Library,
    out: Path | None,
) -> int:
    """Sends the plan and prints its summary; the exit code says how it went."""
    billed = not args.sandbox
    # Before anything is sent, whatever the output mode; --json has it in the summary too.
    sys.stderr.write(f"{estimate_line(plan, context, billed)}\n")
    summary, code = asyncio.run(_run(plan, args, context, library))
    label = context.catalog.get(plan.record.model).label
    summary["estimate"] = plan.estimate_json(label, billed)
    if out is not None:
        _copy_out(summary["images"], out)
    report(summary, args.json)
    return code


def estimate_line(plan: BatchPlan, context: CliContext, billed: bool) -> str:
    label = context.catalog.get(plan.record.model).label
    noun = "image" if plan.count == 1 else "images"
    what = plan.expansion or f"{plan.count} {noun}"
    price = priced(plan.count, plan.unit_price, billed)
    how = " as a batch job (half price)" if plan.batch_job else ""
    return noted(f"{what} on {label} · {plan.record.size}{how}: {price}", billed)


async def _run(
    plan: BatchPlan, args: argparse.Namespace, context: CliContext, library: Library
) -> tuple[dict[str, Any], int]:
    settings = context.settings
    started = time.monotonic()
    with Interrupts() as interrupts:
        async with context.backend(args.sandbox) as backend:
            engine = JobEngine(
                backend,
                library,
                catalog=context.catalog,
                max_concurrency=getattr(args, "max_concurrency", None) or settings.max_concurrency,
                session_budget_usd=args.budget or settings.session_budget_usd,
                daily_budget_usd=settings.daily_budget_usd,
                billed=not args.sandbox,
            )
            progress = ProgressPrinter(engine, plan.count)
            engine.subscribe(progress)
            drafts = engine.submit_plan(plan)
            paused = None
            try:
                paused = await interrupts.run(_settle(engine))
            except Interrupted:
                pass
            finally:
                # Cancels whatever is still queued or in flight; the library records each.
                await engine.aclose()
                progress.finish()
    batch_id = drafts[0].batch_id
    summary = batch_summary(
        plan.count,
        batch_id,
        library.drafts_of_batch(batch_id),
        started,
        not_sent=engine.stats.not_sent,
        spend_usd=engine.stats.session_spent_usd,
        billed=engine.billed,
    )
    summary["signal"] = interrupts.name
    if interrupts.exit_code is not None:
        return summary, interrupts.exit_code
    if paused is not None and paused.kind in (ErrorKind.INVALID_KEY, ErrorKind.PERMISSION):
        return summary, EXIT_KEY
    return summary, EXIT_OK if summary["succeeded"] >= plan.count else EXIT_INCOMPLETE


async def _settle(engine: JobEngine) -> QueuePaused | None:
    """Waits until every slot has finished; a paused queue ends what is left."""
    await engine.wait_idle(until_stalled=True)
    paused = engine.pause_reason
    if paused is not None:
        # Nobody is at the keyboard to fix a paused queue: end what is left.
        engine.abandon_waiting(paused.kind, paused.message)
        await engine.wait_idle()
    return paused


def batch_summary(
    requested: int,
    batch_id: int,
    drafts: list[DraftRecord],
    started: float,
    *,
    not_sent: int,
    spend_usd: float,
    billed: bool,
) -> dict[str, Any]:
    wall = time.monotonic() - started
    arrived = [d for d in drafts if d.status == SlotStatus.SUCCEEDED]
    failed = Counter(
        d.error_kind or d.status.value
        for d in drafts
        if d.status in (SlotStatus.FAILED, SlotStatus.CANCELLED, SlotStatus.INTERRUPTED)
    )
    blocked = Counter(d.block_reason or "OTHER" for d in drafts if d.status == SlotStatus.BLOCKED)
    return {
        "requested": requested,
        "succeeded": len(arrived),
        "blocked": sum(blocked.values()),
        "blocked_reasons": dict(blocked),
        "failed": dict(failed),
        # Slots a budget stopped before they were sent: no draft was recorded for them.
        "not_sent": not_sent,
        "spend_usd": round(spend_usd, 4),
        # False on the sandbox: spend_usd is then what the same work would cost on Gemini.
        "billed": billed,
        "wall_s": round(wall, 2),
        "images_per_minute": round(len(arrived) * 60 / wall, 1) if wall > 0 else 0.0,
        "batch_id": batch_id,
        "images": [
            {"id": d.id, "path": str(d.path), "seed": d.seed, "slot": d.slot} for d in arrived
        ],
        "messages": sorted({d.error_message for d in drafts if d.error_message}),
        "signal": None,
    }


def _copy_out(images: list[dict[str, Any]], out: Path) -> None:
    for image in images:
        source = Path(image["path"])
        target = out / source.name
        shutil.copyfile(source, target)
        image["copy"] = str(target)


def report(summary: dict[str, Any], as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(summary) + "\n")
        return
    failed = ", ".join(f"{reason} {count}" for reason, count in summary["failed"].items())
    money = noted(spent(summary["spend_usd"], summary["billed"]), summary["billed"])
    lines = [
        f"{summary['succeeded']} of {summary['requested']} images arrived"
        f" in {summary['wall_s']:.1f} s ({summary['images_per_minute']:.0f} per minute),"
        f" {money}.",
    ]
    if summary["signal"]:
        lines.append(f"Stopped by {summary['signal']}: nothing more was sent.")
    if summary["blocked"]:
        lines.append(f"Blocked: {summary['blocked']}.")
    if failed:
        lines.append(f"Failed: {failed}.")
    if summary["not_sent"]:
        lines.append(f"{summary['not_sent']} not sent: budget reached.")
    lines.extend(summary["messages"])
    if {"invalid_key", "permission"} & set(summary["failed"]):
        lines.append("Run 'draft-studio key set' to store a valid key, or 'key test' to check it.")
    sys.stderr.write("\n".join(lines) + "\n")
