"""`draft-studio generate`: a batch from the command line, with a summary at the end."""

from __future__ import annotations

import argparse

from studio.cli.batch_run import add_run_options, check_run_options, run_plan
from studio.cli.context import CliContext
from studio.cli.errors import CliError
from studio.cli.job_send import dry_run, send_job
from studio.core.catalog import CatalogError
from studio.core.engine import BatchSpec
from studio.core.gemini import ReferenceError, load_reference
from studio.core.matrix import wildcards_folder


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "prompt",
        help="what to draw; {a|b} makes one batch of every combination, __name__ draws from "
        "wildcards/name.txt in the config folder (__name:all__ takes every entry)",
    )
    parser.add_argument(
        "-n", "--count", type=int, default=1, help="drafts per combination (default 1)"
    )
    parser.add_argument("--model", help="model id (default from settings)")
    parser.add_argument("--aspect", help="aspect ratio such as 16:9 (default from settings)")
    parser.add_argument("--size", help="image size such as 1K (default from settings)")
    parser.add_argument("--seed", type=int, help="fixed seed: slot i gets seed+i")
    parser.add_argument(
        "--ref", action="append", default=[], metavar="IMAGE", help="reference image (repeatable)"
    )
    parser.add_argument("--thinking", choices=["minimal", "high"], help="thinking level")
    parser.add_argument("--max-concurrency", type=int, help="upper bound on parallel requests")
    parser.add_argument(
        "--dry-run", action="store_true", help="print the prompts, counts and cost; send nothing"
    )
    parser.add_argument(
        "--batch",
        action="store_true",
        help="send as a Batch API job: half price, results within 24 h ('jobs wait' imports them)",
    )
    add_run_options(parser)
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
        wildcards=wildcards_folder(context.paths.config),
        batch_job=args.batch,
    )
    spec.validate(context.catalog)
    return spec


def run(args: argparse.Namespace, context: CliContext) -> int:
    if args.max_concurrency is not None and not 1 <= args.max_concurrency <= 64:
        raise CliError("--max-concurrency must be between 1 and 64.")
    if args.batch and args.out:
        raise CliError("--out copies images as they arrive; a batch job's come later.")
    try:
        plan = _spec(args, context).plan(context.catalog)
    except (CatalogError, ReferenceError, ValueError) as exc:
        raise CliError(str(exc)) from None
    if args.dry_run:
        return dry_run(plan, args, context)
    out = check_run_options(args, context)
    with context.library() as library:
        if args.batch:
            return send_job(plan, args, context, library)
        return run_plan(plan, args, context, library, out)
