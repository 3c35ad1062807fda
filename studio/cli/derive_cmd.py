"""`draft-studio refine|edit|vary`: take drafts further, with the same summary as generate."""

from __future__ import annotations

import argparse

from studio.cli.batch_run import add_run_options, check_run_options, run_plan
from studio.cli.context import CliContext
from studio.cli.errors import CliError
from studio.core.derive import DerivationError, DeriveOrder, Strength, plan_derivation
from studio.core.derive.order import MAX_RESULTS, REFINE_MODEL, REFINE_SIZE
from studio.core.domain import Derivation


def refine(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        f"Re-render drafts on a stronger model (default {REFINE_MODEL} at {REFINE_SIZE}), "
        "keeping their composition: each draft's image goes along with its prompt."
    )
    parser.add_argument("ids", type=int, nargs="+", metavar="ID", help="drafts to refine")
    _model_options(parser)
    parser.add_argument(
        "--instruction",
        metavar="TEXT",
        help="what to keep or improve instead of the default; start with + to add to it",
    )
    parser.add_argument(
        "--rerender",
        action="store_true",
        help="same prompt and seed on the stronger model, without the image",
    )
    add_run_options(parser)
    parser.set_defaults(handler=_run, kind=Derivation.REFINE)


def edit(parser: argparse.ArgumentParser) -> None:
    parser.description = "Apply one instruction to a draft; an edit of an edit continues from it."
    parser.add_argument("ids", type=int, nargs=1, metavar="ID", help="the draft to edit")
    parser.add_argument("--instruction", required=True, metavar="TEXT", help="what to change")
    _count_option(parser, 1)
    _model_options(parser, "the draft's own model")
    add_run_options(parser)
    parser.set_defaults(handler=_run, kind=Derivation.EDIT)


def vary(parser: argparse.ArgumentParser) -> None:
    parser.description = "Variations of a draft."
    parser.add_argument("ids", type=int, nargs=1, metavar="ID", help="the draft to vary")
    _count_option(parser, 4)
    parser.add_argument(
        "--strength",
        choices=[s.value for s in Strength],
        default=Strength.SUBTLE.value,
        help="how far the variations may move (default subtle)",
    )
    add_run_options(parser)
    parser.set_defaults(handler=_run, kind=Derivation.VARY)


def _model_options(parser: argparse.ArgumentParser, default: str = REFINE_MODEL) -> None:
    parser.add_argument("--model", metavar="ID", help=f"model id (default {default})")
    parser.add_argument("--size", metavar="SIZE", help="512, 1K, 2K or 4K, as the model offers")


def _count_option(parser: argparse.ArgumentParser, default: int) -> None:
    parser.add_argument(
        "-n",
        "--count",
        type=int,
        default=default,
        help=f"how many results (default {default}, at most {MAX_RESULTS})",
    )


def _order(args: argparse.Namespace) -> DeriveOrder:
    return DeriveOrder(
        kind=args.kind,
        parent_ids=tuple(args.ids),
        model=getattr(args, "model", None),
        size=getattr(args, "size", None),
        count=getattr(args, "count", 1),
        instruction=getattr(args, "instruction", None),
        rerender=getattr(args, "rerender", False),
        strength=Strength(getattr(args, "strength", Strength.SUBTLE)),
    )


def _run(args: argparse.Namespace, context: CliContext) -> int:
    order = _order(args)
    out = check_run_options(args, context)
    with context.library() as library:
        try:
            plan = plan_derivation(order, library, context.catalog)
        except DerivationError as exc:
            raise CliError(str(exc)) from None
        return run_plan(plan, args, context, library, out)
