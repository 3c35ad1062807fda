"""`python -m studio` and the `draft-studio` command: the desktop app with no arguments,
the command line with a subcommand."""

from __future__ import annotations

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
    # PySide6 before qasync, so qasync binds to it rather than probing other bindings.
    import qasync
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from studio.app import run_app
    from studio.ui.theme import follow_system_theme

    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Draft Studio")
    app.setOrganizationName("draft-studio")
    app.setDesktopFileName("draft-studio")
    # The loop must outlive the window: cleanup runs after the last window closes.
    app.setQuitOnLastWindowClosed(False)
    follow_system_theme(app)
    return int(qasync.run(run_app(app, library)))


if __name__ == "__main__":
    sys.exit(main())
