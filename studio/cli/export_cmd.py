"""`draft-studio export`: copy or convert drafts into a folder, one line per file; a folder
that cannot take files is one sentence before any."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path
from typing import Any

from studio.cli import arguments
from studio.cli.context import CliContext
from studio.cli.errors import EXIT_INCOMPLETE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, CliError
from studio.cli.export_options import add_output_options, presets_of, settings_from
from studio.core.export import (
    ExportInterrupted,
    ExportReport,
    ExportResult,
    Outcome,
    TargetError,
    TemplateError,
    export,
    export_order,
    has_image,
)
from studio.core.library import DraftRecord, Library, LibraryError

_EPILOG = f"""\
{{index}} numbers the drafts oldest first (by batch, then slot), however they were
chosen and in whatever order --ids lists them, as the app's export dialog does.

exit codes:
  {EXIT_OK}    every draft was exported
  {EXIT_INCOMPLETE}    some were not (each is said on stderr), or no draft matches
  {EXIT_USAGE}    bad options, or a target folder that cannot be created or written to
       (said once, before anything is exported)
  {EXIT_INTERRUPTED}  interrupted (Ctrl+C): the files being written were finished first
"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = "Export drafts into a folder. Existing files are never overwritten."
    parser.epilog = _EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--picks", action="store_true", help="drafts flagged as picks")
    which.add_argument(
        "--min-rating", type=arguments.rating, metavar="N", help="drafts rated N or more"
    )
    which.add_argument("--ids", type=int, nargs="+", metavar="ID", help="these drafts")
    parser.add_argument(
        "--to", required=True, metavar="DIR", help="target folder (created if missing)"
    )
    add_output_options(parser, "original (default), youtube, web, print… or a saved preset")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(handler=run)


def _select(args: argparse.Namespace, library: Library) -> tuple[list[DraftRecord], list[str]]:
    """The drafts to export in export order, and a sentence for each requested id that
    cannot be (one without an image is kept: the export says so for it)."""
    if args.ids is None:
        drafts = library.list_drafts(picks_only=args.picks, min_rating=args.min_rating)
        return export_order(d for d in drafts if has_image(d)), []
    found: list[DraftRecord] = []
    problems: list[str] = []
    for draft_id in dict.fromkeys(args.ids):  # a sentence once for each unknown id, in order
        try:
            found.append(library.get(draft_id))
        except LibraryError as exc:
            problems.append(str(exc))
    return export_order(found), problems


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
        settings = settings_from(args, presets_of(context))
    except (ValueError, TemplateError) as exc:
        raise CliError(str(exc)) from None
    with context.library() as library:
        drafts, problems = _select(args, library)
    if not drafts and not problems:
        raise CliError("No drafts match; nothing was exported.", EXIT_INCOMPLETE)
    target = Path(args.to).expanduser()

    said: set[int] = set()

    def progress(done: int, total: int, result: ExportResult) -> None:
        said.add(result.draft_id)
        if not args.json:
            sys.stderr.write(f"[{done}/{total}] {result.message}\n")

    interrupted = False
    try:
        report = export(drafts, settings, target, cancel=threading.Event(), progress=progress)
    except TargetError as exc:
        # Found before any file: one sentence, not one per draft.
        raise CliError(str(exc), EXIT_USAGE) from None
    except ExportInterrupted as exc:
        # Ctrl+C: the files in flight were finished first, so the report is whole and true;
        # those finished after the signal still get their line.
        interrupted = True
        report = exc.report
        for result in report.results:
            if result.outcome != Outcome.CANCELLED and result.draft_id not in said:
                progress(len(said) + 1, len(report.results), result)
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
    if report.skipped:
        sys.stderr.write(f"Stopped early: {len(report.skipped)} not exported.\n")
    sys.stderr.write(
        f"{exported} of {requested} drafts exported to {target} in {report.elapsed_s:.1f} s.\n"
    )
