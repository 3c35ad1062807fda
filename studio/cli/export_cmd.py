"""`draft-studio export`: copy or convert drafts into a folder, one line per file."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

from studio.cli import arguments
from studio.cli.context import CliContext, resolve_out_dir
from studio.cli.errors import EXIT_INCOMPLETE, EXIT_INTERRUPTED, EXIT_OK, CliError
from studio.core.export import (
    PRESETS,
    ExportFormat,
    ExportReport,
    ExportResult,
    ExportSettings,
    TemplateError,
    export,
    parse_colour,
    parse_resize,
    preset,
)
from studio.core.export.naming import validate_template
from studio.core.export.presets import DEFAULT_TEMPLATE
from studio.core.library import DraftRecord, Library, LibraryError

_FORMATS = {"original": "original", "png": "png", "jpeg": "jpeg", "jpg": "jpeg", "webp": "webp"}


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "export",
        help="export drafts to a folder",
        description="Export drafts into a folder. Existing files are never overwritten.",
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--picks", action="store_true", help="drafts flagged as picks")
    which.add_argument(
        "--min-rating", type=arguments.rating, metavar="N", help="drafts rated N or more"
    )
    which.add_argument("--ids", type=int, nargs="+", metavar="ID", help="these drafts")
    parser.add_argument("--to", required=True, metavar="DIR", help="target folder")
    parser.add_argument(
        "--preset", choices=list(PRESETS), help="original (default), youtube, web, print…"
    )
    parser.add_argument("--format", choices=list(_FORMATS), help="instead of a preset's")
    parser.add_argument(
        "--quality", type=arguments.quality, metavar="Q", help="JPEG/WebP quality 1-100"
    )
    parser.add_argument(
        "--resize", metavar="SPEC", help="none, 2048 (long edge), 1280x720-fill, 1080x1350-fit"
    )
    parser.add_argument("--lossless", action="store_true", help="lossless WebP")
    parser.add_argument(
        "--background", metavar="COLOUR", help="what JPEG flattens alpha onto (#RRGGBB)"
    )
    parser.add_argument(
        "--name",
        metavar="TEMPLATE",
        default=DEFAULT_TEMPLATE,
        help="file name, with {date} {time} {batch} {index} {seed} {model} {rating} {flag} "
        "{id} {prompt:N}; '/' makes subfolders (default %(default)s)",
    )
    parser.add_argument(
        "--sidecar", action="store_true", help="a JSON (and for Original, XMP) file beside each"
    )
    parser.add_argument("--strip-metadata", action="store_true", help="embed no metadata")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(handler=run)


def settings_from(args: argparse.Namespace) -> ExportSettings:
    """The preset, then the explicit options on top; ValueError says what is wrong."""
    settings = preset(args.preset or "original")
    changes: dict[str, Any] = {
        "name_template": args.name,
        "sidecar": args.sidecar,
        "strip_metadata": args.strip_metadata,
    }
    if args.format is not None:
        changes["format"] = ExportFormat(_FORMATS[args.format])
        if args.preset is None and changes["format"] == ExportFormat.JPEG:
            changes["quality"] = 90
    if args.quality is not None:
        changes["quality"] = args.quality
    if args.resize is not None:
        changes["resize"] = parse_resize(args.resize)
    if args.lossless:
        changes["lossless"] = True
    if args.background is not None:
        changes["background"] = parse_colour(args.background)
    settings = replace(settings, **changes)
    if settings.lossless and settings.format != ExportFormat.WEBP:
        raise ValueError("--lossless only applies to --format webp.")
    if args.quality is not None and settings.format in (ExportFormat.ORIGINAL, ExportFormat.PNG):
        raise ValueError(f"--quality does not apply to {settings.format.value} exports.")
    settings.validate()
    validate_template(settings.name_template)
    return settings


def _select(args: argparse.Namespace, library: Library) -> tuple[list[DraftRecord], list[str]]:
    """The drafts to export, and a sentence for each requested id that cannot be."""
    if args.ids is None:
        drafts = library.list_drafts(picks_only=args.picks, min_rating=args.min_rating)
        return [d for d in drafts if d.path is not None], []
    found: list[DraftRecord] = []
    problems: list[str] = []
    for draft_id in dict.fromkeys(args.ids):  # once each, in the order given
        try:
            found.append(library.get(draft_id))
        except LibraryError as exc:
            problems.append(str(exc))
    return found, problems


def _entry(result: ExportResult) -> dict[str, Any]:
    return {
        "id": result.draft_id,
        "outcome": result.outcome.value,
        "path": str(result.path) if result.path else None,
        "sidecars": [str(p) for p in result.sidecars],
        "reason": result.reason,
        "width": result.width,
        "height": result.height,
        "quality": result.quality,
        "bytes": result.byte_size,
    }


def run(args: argparse.Namespace, context: CliContext) -> int:
    try:
        settings = settings_from(args)
    except (ValueError, TemplateError) as exc:
        raise CliError(str(exc)) from None
    target = resolve_out_dir(args.to)
    with context.library() as library:
        drafts, problems = _select(args, library)
    if not drafts and not problems:
        raise CliError("No drafts match; nothing was exported.", EXIT_INCOMPLETE)

    cancel = threading.Event()

    def progress(done: int, total: int, result: ExportResult) -> None:
        if not args.json:
            sys.stderr.write(f"[{done}/{total}] {result.message}\n")

    interrupted = False
    try:
        report = export(drafts, settings, target, cancel=cancel, progress=progress)
    except KeyboardInterrupt:
        # export() let the files in flight finish before re-raising: nothing partial is left.
        interrupted = True
        report = ExportReport((), cancelled=True, elapsed_s=0.0)
    _print(report, problems, target, args.json, requested=len(drafts) + len(problems))
    if interrupted:
        return EXIT_INTERRUPTED
    return EXIT_OK if report.complete and not problems else EXIT_INCOMPLETE


def _print(
    report: ExportReport, problems: list[str], target: Path, as_json: bool, requested: int
) -> None:
    exported = len(report.exported)
    if as_json:
        summary = {
            "requested": requested,
            "exported": exported,
            "failed": len(report.failed) + len(problems),
            "cancelled": len(report.skipped),
            "target": str(target),
            "wall_s": round(report.elapsed_s, 2),
            "results": [_entry(r) for r in report.results],
            "messages": [*problems, *(r.message for r in report.failed)],
        }
        sys.stdout.write(json.dumps(summary) + "\n")
        return
    for problem in problems:
        sys.stderr.write(f"{problem}\n")
    sys.stderr.write(
        f"{exported} of {requested} drafts exported to {target} in {report.elapsed_s:.1f} s.\n"
    )
