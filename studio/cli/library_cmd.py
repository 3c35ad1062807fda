"""`draft-studio library list|family|flag|rate`."""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from typing import Any

from studio.cli import arguments, columns
from studio.cli.context import CliContext
from studio.cli.errors import EXIT_OK, CliError
from studio.core.domain import Derivation, Flag
from studio.core.library import DraftRecord, LibraryError

# `library list`: a flag as one letter, the prompt cut to 40 cells.
_MARKS = {Flag.PICK: "P", Flag.REJECT: "X", Flag.NONE: "-"}
_PROMPT_CELLS = 40
_RIGHT_ALIGNED = frozenset({0, 7})  # the id and the seed


def configure(parser: argparse.ArgumentParser) -> None:
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

    family = actions.add_parser("family", help="a draft's ancestors and descendants, as a tree")
    family.add_argument("id", type=int)
    family.add_argument("--json", action="store_true", help="print the tree as JSON")
    family.set_defaults(handler=run_family)

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
    rows = [_row(draft) for draft in drafts]
    for line in columns.table(rows, right=_RIGHT_ALIGNED):
        sys.stdout.write(line + "\n")
    return EXIT_OK


def _row(draft: DraftRecord) -> list[str]:
    """id, status, flag, rating, model, aspect, seed, prompt, origin, file or error."""
    origin = f"{draft.derivation.value} of {draft.parent_id}" if draft.derivation else ""
    where = str(draft.path) if draft.path else columns.one_line(draft.error_message or "")
    return [
        str(draft.id),
        draft.status.value,
        _MARKS[draft.flag],
        "★" * draft.rating,
        draft.model,
        draft.aspect,
        "seed",
        str(draft.seed),
        columns.clip(draft.prompt, _PROMPT_CELLS),
        origin,
        where,
    ]


def _node(draft: DraftRecord, children: dict[int | None, list[DraftRecord]]) -> dict[str, Any]:
    node = _entry(draft)
    node["children"] = [_node(child, children) for child in children.get(draft.id, [])]
    return node


def _describe(draft: DraftRecord) -> str:
    how = draft.derivation.value if draft.derivation else "draft"
    said = f' "{draft.instruction}"' if draft.derivation == Derivation.EDIT else ""
    marks = {Flag.PICK: " · pick", Flag.REJECT: " · reject", Flag.NONE: ""}[draft.flag]
    stars = f" {'★' * draft.rating}" if draft.rating else ""
    trashed = " · in trash" if draft.deleted else ""
    state = "" if draft.path else f" · {draft.status.value}"
    return f"{draft.id}  {how}{said} · {draft.model} {draft.size}{marks}{stars}{state}{trashed}"


def _lines(
    draft: DraftRecord, children: dict[int | None, list[DraftRecord]], focus: int, lead: str
) -> list[str]:
    lines = []
    kids = children.get(draft.id, [])
    for index, child in enumerate(kids):
        last = index == len(kids) - 1
        here = "   ← this draft" if child.id == focus else ""
        lines.append(f"{lead}{'└─' if last else '├─'} {_describe(child)}{here}")
        lines.extend(_lines(child, children, focus, lead + ("   " if last else "│  ")))
    return lines


def run_family(args: argparse.Namespace, context: CliContext) -> int:
    with context.library() as library:
        try:
            draft = library.get(args.id)
        except LibraryError as exc:
            raise CliError(str(exc)) from None
        ancestors = library.family.ancestors(draft.id)
        descendants = library.family.descendants(draft.id)
    # Above the draft only the line it descends from; below it, everything that came of it.
    line = [*ancestors, draft]
    children: dict[int | None, list[DraftRecord]] = {}
    for parent, child in itertools.pairwise(line):
        children[parent.id] = [child]
    for child in descendants:
        children.setdefault(child.parent_id, []).append(child)
    root = line[0]
    if args.json:
        tree = {"draft_id": draft.id, "ancestors": [a.id for a in ancestors]}
        tree["tree"] = _node(root, children)
        sys.stdout.write(json.dumps(tree) + "\n")
        return EXIT_OK
    here = "   ← this draft" if root.id == draft.id else ""
    prompt = " ".join(root.prompt.split())[:60]
    sys.stdout.write(f"{_describe(root)}  {prompt!r}{here}\n")
    for text in _lines(root, children, draft.id, ""):
        sys.stdout.write(text + "\n")
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
