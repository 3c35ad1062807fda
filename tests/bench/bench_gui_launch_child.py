"""The app as `draft-studio` starts it, plus a stopwatch: bench_gui_launch.py spawns this.

Runs the app's own `make_application` and `run_app` on qasync, and watches, through an
event filter on the QApplication and the grid's paint probe, when the main window is shown,
when it is mapped (its first expose), when it first paints, when the grid first paints and
when every tile inside the viewport has been painted with its thumbnail. Once the awaited
moment has come (`--until painted` or `--until first-screen`) it closes the window, so the
app shuts down the way it does when a person closes it, and prints one line

    LAUNCH {"mapped": <time.monotonic()>, ...}

time.monotonic() is CLOCK_MONOTONIC, one clock for every process on the machine, so the
parent can subtract its own reading taken just before spawning.

Not a bench on its own; run bench_gui_launch.py.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QWindow
from PySide6.QtWidgets import QMainWindow, QWidget

# The tests package is on the path (run with -m from the repository root).
from studio.app import make_application
from tests.bench.gui_support import PaintProbe, run_qasync, screen_complete

TIMEOUT_S = 60.0
MARK = "LAUNCH "
SDK = "google.genai"


def vm_hwm_kb() -> int | None:
    """Peak resident set size so far, from /proc (Linux only)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class Stopwatch:
    def __init__(self) -> None:
        self.marks: dict[str, float] = {}
        self.reload_s: list[float] = []
        self.tiles = 0
        self.sdk_at_show: bool | None = None
        self.sdk_thread: str | None = None
        self.grid: dict[str, Any] = {}

    def mark(self, name: str) -> None:
        self.marks.setdefault(name, time.monotonic())


def time_reloads(watch: Stopwatch) -> None:
    from studio.models.draft_list import DraftListModel

    original = DraftListModel.reload

    def reload(model: DraftListModel, **options: bool) -> None:
        started = time.perf_counter()
        original(model, **options)
        watch.reload_s.append(time.perf_counter() - started)

    setattr(DraftListModel, "reload", reload)  # noqa: B010 - mypy: no method assignment


def watch_sdk_import(watch: Stopwatch) -> None:
    """Notes the thread that first imports google-genai (whoever does, on any path)."""
    import builtins

    original = builtins.__import__

    def spying(name: str, *args: Any, **kwargs: Any) -> Any:
        if watch.sdk_thread is None and name.startswith(SDK.split(".")[0]):
            module = original(name, *args, **kwargs)
            if SDK in sys.modules:
                watch.sdk_thread = threading.current_thread().name
                watch.mark("sdk_imported")
                builtins.__import__ = original
            return module
        return original(name, *args, **kwargs)

    builtins.__import__ = spying


class WindowWatch(QObject):
    """Marks the main window's show, first expose and first paint; closes it when done."""

    def __init__(self, watch: Stopwatch, probe: PaintProbe, until: str) -> None:
        super().__init__()
        self.watch = watch
        self.until = until
        self.window: QMainWindow | None = None
        self.probe = probe
        probe.grid_listeners.append(self._grid_painted)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Show and isinstance(watched, QMainWindow) and not self.window:
            self.window = watched
            self.watch.mark("shown")
            self.watch.sdk_at_show = SDK in sys.modules
            # A closed window ends the app; a stuck start ends the bench.
            QTimer.singleShot(int(TIMEOUT_S * 1000), watched.close)
        elif self.window is None:
            return False
        elif kind == QEvent.Type.Expose and isinstance(watched, QWindow) and watched.isExposed():
            if self.window.windowHandle() is watched:
                self.watch.mark("mapped")
        elif kind == QEvent.Type.Paint and self._first_paint(watched):
            self.watch.mark("painted")
            if self.until == "painted":
                self._close_soon()
        return False

    def _first_paint(self, watched: QObject) -> bool:
        marks = self.watch.marks
        if "mapped" not in marks or "painted" in marks or not isinstance(watched, QWidget):
            return False
        return watched.window() is self.window

    def _grid_painted(self, view: Any, now: float) -> None:
        self.watch.mark("first_grid_paint")
        viewport = view.viewport()
        self.watch.grid = {
            "rows": view.model().rowCount(),
            "viewport": f"{viewport.width()}x{viewport.height()}",
        }
        if "first_screen" in self.watch.marks:
            return
        complete, tiles = screen_complete(view, self.probe)
        if complete:
            self.watch.mark("first_screen")
            self.watch.tiles = tiles
            if self.until == "first-screen":
                self._close_soon()

    def _close_soon(self) -> None:
        # From the loop, not inside a paint event: the rest of this paint pass still runs.
        window = self.window
        if window is not None:
            asyncio.get_running_loop().call_soon(window.close)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--until", choices=("painted", "first-screen"), default="first-screen")
    until = parser.parse_args().until
    watch = Stopwatch()
    watch.mark("child_started")
    watch_sdk_import(watch)
    probe = PaintProbe()
    probe.install()
    time_reloads(watch)
    app = make_application()
    watch.mark("qapplication")
    window_watch = WindowWatch(watch, probe, until)
    app.installEventFilter(window_watch)

    from studio.app import run_app

    watch.mark("run_app")
    code = run_qasync(run_app(app))
    watch.mark("closed")
    app.removeEventFilter(window_watch)
    del app
    report = {
        **watch.marks,
        "rows": watch.grid.get("rows", 0),
        "viewport": watch.grid.get("viewport", "?"),
        "tiles_on_screen": watch.tiles,
        "reload_s": watch.reload_s,
        "vm_hwm_kb": vm_hwm_kb(),
        "sdk_at_show": watch.sdk_at_show,
        "sdk_thread": watch.sdk_thread,
        "app_exit": code,
    }
    print(MARK + json.dumps(report), flush=True)
    awaited = "painted" if until == "painted" else "first_screen"
    return 0 if awaited in watch.marks and code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
