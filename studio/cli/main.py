"""Argument parsing and the one place that turns errors into exit codes and one-line messages."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from studio import __version__
from studio.cli.context import CliContext, stderr_logging
from studio.cli.errors import EXIT_INTERRUPTED, EXIT_USAGE, CliError, report_unexpected
from studio.core.secrets import GOOGLE_KEY_PATTERN

Configure = Callable[[argparse.ArgumentParser], None]

# As a command killed by SIGPIPE reports itself to the shell (128 + 13).
EXIT_BROKEN_PIPE = 141

# Written out rather than read from studio.cli.self_test, which `--help` must not import;
# tests/cli/test_self_test.py checks it against the steps.
SELF_TEST_EPILOG = (
    "--self-test checks this install (Qt, image codecs, keyring, a temporary library, one "
    "sandbox image) without a window and without touching your library, settings or key. "
    "Exit 0: all passed; otherwise the first failed step: 10 qt, 11 images, 12 keyring, "
    "13 library, 14 generate. --json prints {ok, steps: [{name, ok, detail}]} on stdout."
)

# Each command's arguments are defined by `configure` in its module, which is imported only
# when that command runs or shows its help: what a command imports (the SDK, the engine,
# Pillow) costs nothing to `--help` or to `library list`.
_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("generate", "generate a batch of drafts", "generate:configure"),
    ("refine", "re-render drafts on a stronger model at a bigger size", "derive_cmd:refine"),
    ("edit", "change a draft by instruction", "derive_cmd:edit"),
    ("vary", "more like this: variations of a draft", "derive_cmd:vary"),
    ("library", "list, flag and rate drafts", "library_cmd:configure"),
    ("jobs", "list, wait for and cancel batch jobs", "jobs_cmd:configure"),
    ("export", "export drafts to a folder", "export_cmd:configure"),
    ("presets", "list, save and delete export presets", "presets_cmd:configure"),
    ("key", "store, test or remove the API key", "key_cmd:configure"),
)


def _configurer(where: str) -> Configure:
    module, function = where.split(":")

    def configure(parser: argparse.ArgumentParser) -> None:
        configure_command: Configure = getattr(
            importlib.import_module(f"studio.cli.{module}"), function
        )
        configure_command(parser)

    return configure


class _Parser(argparse.ArgumentParser):
    """`configure`, when given, adds the arguments the first time this parser is used."""

    def __init__(self, *args: Any, configure: Configure | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._configure = configure

    def _configured(self) -> None:
        configure, self._configure = self._configure, None
        if configure is not None:
            configure(self)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        self._configured()
        return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        self._configured()
        return super().format_usage()

    def format_help(self) -> str:
        self._configured()
        return super().format_help()

    def error(self, message: str) -> NoReturn:
        # Stray arguments are not echoed: someone may have typed their key after `key set`.
        if message.startswith("unrecognized arguments"):
            message = "unexpected extra arguments (not shown); see --help"
        self.exit(EXIT_USAGE, f"draft-studio: {GOOGLE_KEY_PATTERN.sub('[redacted]', message)}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="draft-studio",
        description="Generate, pick and ship AI image drafts.",
        epilog="With no COMMAND it starts the desktop app: draft-studio [--library PATH] "
        "[--sandbox] (--sandbox: the offline sandbox even when a key is set). " + SELF_TEST_EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"draft-studio {__version__}")
    parser.add_argument(
        "--library", metavar="PATH", help="library folder (or DRAFT_STUDIO_LIBRARY)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log to stderr too")
    parser.add_argument(
        "--self-test", action="store_true", help="check that this install works, then exit"
    )
    parser.add_argument(
        "--json",
        action="store_true",
        # Its own dest: a command's --json writes `json` into the same namespace.
        dest="self_test_json",
        help="with --self-test: the result as JSON on stdout",
    )
    # Not required by argparse, so that --self-test can stand alone; _run asks for it instead.
    commands = parser.add_subparsers(
        dest="command", required=False, metavar="COMMAND", parser_class=_Parser
    )
    for name, help_text, where in _COMMANDS:
        commands.add_parser(name, help=help_text, configure=_configurer(where))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        try:
            return _run(argv)
        finally:
            # What is still buffered goes now, while a closed pipe can still be caught.
            if sys.stdout is not None:
                sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped early (`| head`): nothing more to say, and no one to say it to.
        # Later writes, the interpreter's last flush included, go nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_test:
        if args.command is not None:
            parser.error("--self-test takes no COMMAND")
        # Before CliContext: the self-test must not load the user's settings or open their logs.
        from studio.cli.self_test import run as run_self_test

        return run_self_test(args.self_test_json)
    if args.command is None:
        parser.error("the following arguments are required: COMMAND")
    if args.self_test_json:
        parser.error("--json before COMMAND only goes with --self-test; put it after COMMAND")
    try:
        context = CliContext.create(args.library)
        stderr_logging(context.keys, args.verbose)
        code: int = args.handler(args, context)
    except CliError as exc:
        sys.stderr.write(f"draft-studio: {exc}\n")
        return exc.code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        raise
    except Exception:
        return report_unexpected()
    return code
