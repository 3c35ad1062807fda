"""`draft-studio library list|flag|rate`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from studio.cli import arguments
from studio.cli.context import CliContext
from studio.cli.errors import EXIT_OK, CliError
from studio.core.domain import Flag
from studio.core.library import DraftRecord, LibraryError


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("library", help="list, flag and rate drafts")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    listing = actions.add_parser("list", help="list drafts, newest batch first")
    listing.add_argument("--json", action="store_true", help="print one JSON array")
    listing.add_argument("--picks", action="store_true", help="only drafts flagged as picks")
    listing.add_argument(
        "--min-rating", type=arguments.rating, metavar="N", help="only rating >= N"
    )
    listing.set_defaults(handler=run_list)

    flag = actions.add_parser("flag", help="flag a draft as pick, reject or none")
    flag.add_argument("id", type=int)
    flag.add_argument("flag", choices=[f.value for f in Flag])
    flag.set_defaults(handler=run_flag)

    rate = actions.add_parser("rate", help="rate a draft from 0 to 5")
    rate.add_argument("id", type=int)
    rate.add_argument("rating", type=arguments.rating)
    rate.set_defaults(handler=run_rate)


def _entry(draft: DraftRecord) -> dict[str, Any]:
    data = draft.to_json()
    data["created_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(draft.created_at))
    return data


def run_list(args: argparse.Namespace, context: CliContext) -> int:
    with context.library() as library:
        drafts = library.list_drafts(picks_only=args.picks, min_rating=args.min_rating)
    if args.json:
        sys.stdout.write(json.dumps([_entry(d) for d in drafts]) + "\n")
        return EXIT_OK
    for draft in drafts:
        marks = {Flag.PICK: "P", Flag.REJECT: "X", Flag.NONE: "-"}[draft.flag]
        stars = "★" * draft.rating
        where = str(draft.path) if draft.path else (draft.error_message or "")
        sys.stdout.write(
            f"{draft.id:>6}  {draft.status.value:<11} {marks} {stars:<5} "
            f"{draft.model} {draft.aspect} seed {draft.seed}  {draft.prompt[:40]!r}  {where}\n"
        )
    return EXIT_OK


def run_flag(args: argparse.Namespace, context: CliContext) -> int:
    with context.library() as library:
        try:
            library.set_flag(args.id, Flag(args.flag))
        except LibraryError as exc:
            raise CliError(str(exc), 1) from None
    return EXIT_OK


def run_rate(args: argparse.Namespace, context: CliContext) -> int:
    with context.library() as library:
        try:
            library.set_rating(args.id, args.rating)
        except LibraryError as exc:
            raise CliError(str(exc), 1) from None
    return EXIT_OK
