"""Argument parsing and the one place that turns errors into exit codes and one-line messages."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import NoReturn

from studio import __version__
from studio.cli import derive_cmd, export_cmd, generate, key_cmd, library_cmd, presets_cmd
from studio.cli.context import CliContext, stderr_logging
from studio.cli.errors import EXIT_INTERRUPTED, EXIT_USAGE, CliError
from studio.core.secrets import GOOGLE_KEY_PATTERN


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # Stray arguments are not echoed: someone may have typed their key after `key set`.
        if message.startswith("unrecognized arguments"):
            message = "unexpected extra arguments (not shown); see --help"
        self.exit(EXIT_USAGE, f"draft-studio: {GOOGLE_KEY_PATTERN.sub('[redacted]', message)}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="draft-studio",
        description="Generate, pick and ship AI image drafts.",
    )
    parser.add_argument("--version", action="version", version=f"draft-studio {__version__}")
    parser.add_argument(
        "--library", metavar="PATH", help="library folder (or DRAFT_STUDIO_LIBRARY)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log to stderr too")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )
    generate.add_parser(commands)
    derive_cmd.add_parsers(commands)
    library_cmd.add_parser(commands)
    export_cmd.add_parser(commands)
    presets_cmd.add_parser(commands)
    key_cmd.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        context = CliContext.create(args.library)
        stderr_logging(context.keys, args.verbose)
        code: int = args.handler(args, context)
    except CliError as exc:
        sys.stderr.write(f"draft-studio: {exc}\n")
        return exc.code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception:
        logging.getLogger("studio").exception("unexpected error")
        sys.stderr.write("draft-studio: unexpected error; details are in the log.\n")
        return 1
    return code
