"""`python -m studio` and the `draft-studio` command: the desktop app with no arguments,
the command line with a subcommand."""

from __future__ import annotations

import os
import sys

_GUI_OPTIONS = {"--library"}


def _wants_gui(argv: list[str]) -> bool:
    rest = list(argv)
    while rest and rest[0] in _GUI_OPTIONS:
        rest = rest[2:]
    return not rest


def main() -> int:
    argv = sys.argv[1:]
    if _wants_gui(argv):
        return run_gui(argv[1] if argv else None)
    from studio.cli.main import main as cli_main

    return cli_main(argv)


def run_gui(library: str | None) -> int:
    # qasync 0.28 probes PyQt5 first unless told; the app is PySide6 only.
    os.environ.setdefault("QT_API", "pyside6")
    import qasync

    from studio.app import make_application, run_app

    app = make_application()
    return int(qasync.run(run_app(app, library)))


if __name__ == "__main__":
    sys.exit(main())
