"""`draft-studio generate`: a batch from the command line, with a summary at the end."""

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
from studio.cli.errors import (
    EXIT_INCOMPLETE,
    EXIT_INTERRUPTED,
    EXIT_KEY,
    EXIT_OK,
    CliError,
)
from studio.cli.progress import ProgressPrinter
from studio.core.catalog import CatalogError
from studio.core.domain import ErrorKind, SlotStatus
from studio.core.engine import BatchSpec, JobEngine
from studio.core.gemini import ReferenceError, load_reference
from studio.core.library import DraftRecord, Library


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("generate", help="generate a batch of drafts")
    parser.add_argument("prompt", help="what to draw")
    parser.add_argument("-n", "--count", type=int, default=1, help="how many drafts (default 1)")
    parser.add_argument("--model", help="model id (default from settings)")
    parser.add_argument("--aspect", help="aspect ratio such as 16:9 (default from settings)")
    parser.add_argument("--size", help="image size such as 1K (default from settings)")
    parser.add_argument("--seed", type=int, help="fixed seed: slot i gets seed+i")
    parser.add_argument(
        "--ref", action="append", default=[], metavar="IMAGE", help="reference image (repeatable)"
    )
    parser.add_argument("--thinking", choices=["minimal", "high"], help="thinking level")
    parser.add_argument("--out", metavar="DIR", help="also copy the images into this folder")
    parser.add_argument("--max-concurrency", type=int, help="upper bound on parallel requests")
    parser.add_argument("--budget", type=float, metavar="USD", help="spend at most this much")
    parser.add_argument("--sandbox", action="store_true", help="use the offline sandbox")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.set_defaults(handler=run)


def _spec(args: argparse.Namespace, context: CliContext) -> BatchSpec:
    settings = context.settings
    model = args.model or settings.default_model
    spec_model = context.catalog.get(model)
    aspect = args.aspect or (
        settings.default_aspect if settings.default_aspect in spec_model.ratios else "1:1"
    )
    size = args.size or (
        settings.default_size if settings.default_size in spec_model.sizes else spec_model.sizes[0]
    )
    references = tuple(load_reference(path) for path in args.ref)
    spec = BatchSpec(
        prompt=args.prompt,
        model=model,
        aspect=aspect,
        size=size,
        count=args.count,
        seed=args.seed,
        references=references,
        thinking_level=args.thinking,
    )
    spec.validate(context.catalog)
    return spec


def run(args: argparse.Namespace, context: CliContext) -> int:
    if args.max_concurrency is not None and not 1 <= args.max_concurrency <= 64:
        raise CliError("--max-concurrency must be between 1 and 64.")
    if args.budget is not None and args.budget <= 0:
        raise CliError("--budget must be more than 0 USD.")
    try:
        spec = _spec(args, context)
    except (CatalogError, ReferenceError, ValueError) as exc:
        raise CliError(str(exc)) from None
    out = resolve_out_dir(args.out) if args.out else None
    if not args.sandbox:
        context.api_key()  # fail fast with exit 3, before anything is recorded
    with context.library() as library:
        summary, code = asyncio.run(_generate(spec, args, context, library))
        if out is not None:
            _copy_out(summary["images"], out)
    _report(summary, args.json)
    return code


async def _generate(
    spec: BatchSpec, args: argparse.Namespace, context: CliContext, library: Library
) -> tuple[dict[str, Any], int]:
    settings = context.settings
    started = time.monotonic()
    async with context.backend(args.sandbox) as backend:
        engine = JobEngine(
            backend,
            library,
            catalog=context.catalog,
            max_concurrency=args.max_concurrency or settings.max_concurrency,
            session_budget_usd=args.budget or settings.session_budget_usd,
            daily_budget_usd=settings.daily_budget_usd,
        )
        progress = ProgressPrinter(engine, spec.count)
        engine.subscribe(progress)
        drafts = engine.submit(spec)
        interrupted = False
        paused = None
        try:
            await engine.wait_idle(until_stalled=True)
            paused = engine.pause_reason
            if paused is not None:
                # Nobody is at the keyboard to fix a paused queue: end what is left.
                engine.abandon_waiting(paused.kind, paused.message)
                await engine.wait_idle()
        except asyncio.CancelledError:
            interrupted = True
        finally:
            await engine.aclose()
            progress.finish()
    results = library.drafts_of_batch(drafts[0].batch_id)
    summary = _summary(spec.count, results, engine.stats.session_spent_usd, started)
    if interrupted:
        return summary, EXIT_INTERRUPTED
    if paused is not None and paused.kind in (ErrorKind.INVALID_KEY, ErrorKind.PERMISSION):
        return summary, EXIT_KEY
    return summary, EXIT_OK if summary["succeeded"] >= spec.count else EXIT_INCOMPLETE


def _summary(
    requested: int, drafts: list[DraftRecord], spend: float, started: float
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
        "spend_usd": round(spend, 4),
        "wall_s": round(wall, 2),
        "images_per_minute": round(len(arrived) * 60 / wall, 1) if wall > 0 else 0.0,
        "batch_id": drafts[0].batch_id if drafts else None,
        "images": [
            {"id": d.id, "path": str(d.path), "seed": d.seed, "slot": d.slot} for d in arrived
        ],
        "messages": sorted({d.error_message for d in drafts if d.error_message}),
    }


def _copy_out(images: list[dict[str, Any]], out: Path) -> None:
    for image in images:
        source = Path(image["path"])
        target = out / source.name
        shutil.copyfile(source, target)
        image["copy"] = str(target)


def _report(summary: dict[str, Any], as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(summary) + "\n")
        return
    failed = ", ".join(f"{reason} {count}" for reason, count in summary["failed"].items())
    lines = [
        f"{summary['succeeded']} of {summary['requested']} images arrived"
        f" in {summary['wall_s']:.1f} s ({summary['images_per_minute']:.0f} per minute),"
        f" ${summary['spend_usd']:.2f} spent.",
    ]
    if summary["blocked"]:
        lines.append(f"Blocked: {summary['blocked']}.")
    if failed:
        lines.append(f"Failed: {failed}.")
    lines.extend(summary["messages"])
    if {"invalid_key", "permission"} & set(summary["failed"]):
        lines.append("Run 'draft-studio key set' to store a valid key, or 'key test' to check it.")
    sys.stderr.write("\n".join(lines) + "\n")
