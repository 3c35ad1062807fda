"""`python -m studio` and the `draft-studio` command: the desktop app with no command
(`[--library PATH] [--sandbox]`), the command line with one."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _gui_options(argv: list[str]) -> tuple[str | None, bool] | None:
    """The app's (library, sandbox) when the arguments start it, None when they name a command
    (or are wrong, which the command line's parser then explains)."""
    library: str | None = None
    sandbox = False
    rest = list(argv)
    while rest:
        if rest[0] == "--sandbox":
            sandbox, rest = True, rest[1:]
        elif rest[0] == "--library" and len(rest) > 1:
            library, rest = rest[1], rest[2:]
        elif rest[0].startswith("--library="):
            library, rest = rest[0].partition("=")[2], rest[1:]
        else:
            return None
    return library, sandbox


def _no_autolaunched_session_bus() -> None:
    """With no session bus to find, libdbus would start one for Qt (its accessibility bridge
    and global-menu probe ask for it) through `dbus-launch --autolaunch`, which outlives the
    app by design; "disabled:" makes it give up instead (as Chromium does). A real session's
    bus, named in the environment or at $XDG_RUNTIME_DIR/bus, is left to be found."""
    if os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and (Path(runtime) / "bus").is_socket():
        return
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = "disabled:"


def main() -> int:
    argv = sys.argv[1:]
    gui = _gui_options(argv)
    if gui is not None:
        return run_gui(*gui)
    from studio.cli.main import main as cli_main

    return cli_main(argv)


def run_gui(library: str | None, sandbox: bool = False) -> int:
    # qasync 0.28 probes PyQt5 first unless told; the app is PySide6 only.
    os.environ.setdefault("QT_API", "pyside6")
    _no_autolaunched_session_bus()
    from studio.app import make_application, run_app
    from studio.event_loop import run

    app = make_application()
    return int(run(run_app(app, library, sandbox_only=sandbox)))


if __name__ == "__main__":
    sys.exit(main())
