"""The app as `draft-studio` starts it, plus a stopwatch: bench_gui_launch.py spawns this.

Does what studio.__main__.run_gui and studio.app.run_app do (QApplication, theme, qasync,
build_services, MainWindow, show), and also watches the grid paint: once every tile inside
the viewport has been painted with its thumbnail, prints one line

    LAUNCH {"first_screen": <time.monotonic()>, ...}

and closes the window, so the app shuts down the way it does when a person closes it.
time.monotonic() is CLOCK_MONOTONIC, one clock for every process on the machine, so the
parent can subtract its own reading taken just before spawning.

Not a bench on its own; run bench_gui_launch.py.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

# The tests package is on the path (run with -m from the repository root).
from studio.app import make_application
from tests.bench.gui_support import PaintProbe, run_qasync, screen_complete

TIMEOUT_S = 60.0
MARK = "LAUNCH "


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

    def mark(self, name: str) -> None:
        self.marks.setdefault(name, time.monotonic())


def time_reloads(watch: Stopwatch) -> None:
    from studio.models.draft_list import DraftListModel

    original = DraftListModel.reload

    def reload(model: DraftListModel) -> None:
        started = time.perf_counter()
        original(model)
        watch.reload_s.append(time.perf_counter() - started)

    setattr(DraftListModel, "reload", reload)  # noqa: B010 - mypy: no method assignment


async def run_app(watch: Stopwatch, probe: PaintProbe) -> dict[str, Any]:
    from studio.app import build_services
    from studio.ui.main_window import MainWindow

    watch.mark("loop_started")
    services = await build_services()
    watch.mark("services_built")
    window = MainWindow(services)
    watch.mark("window_built")
    closed = asyncio.Event()
    window.closed.connect(closed.set)

    def on_grid_painted(view: Any, now: float) -> None:
        watch.mark("first_grid_paint")
        if "first_screen" in watch.marks:
            return
        complete, tiles = screen_complete(view, probe)
        if complete:
            watch.mark("first_screen")
            watch.tiles = tiles
            # Closed from the loop, not inside a paint event.
            asyncio.get_running_loop().call_soon(window.close)

    probe.grid_listeners.append(on_grid_painted)
    window.show()
    watch.mark("shown")
    try:
        await asyncio.wait_for(closed.wait(), TIMEOUT_S)
    except TimeoutError:
        window.close()
    finally:
        rows = services.drafts.rowCount()
        grid = window.grid.viewport()
        await services.aclose()
    watch.mark("closed")
    return {"rows": rows, "viewport": f"{grid.width()}x{grid.height()}"}


def main() -> int:
    watch = Stopwatch()
    watch.mark("child_started")
    probe = PaintProbe()
    probe.install()
    time_reloads(watch)
    app = make_application()
    watch.mark("qapplication")
    facts = run_qasync(run_app(watch, probe))
    del app
    report = {
        **watch.marks,
        **facts,
        "tiles_on_screen": watch.tiles,
        "reload_s": watch.reload_s,
        "vm_hwm_kb": vm_hwm_kb(),
    }
    print(MARK + json.dumps(report), flush=True)
    return 0 if "first_screen" in watch.marks else 1


if __name__ == "__main__":
    sys.exit(main())
