"""Shared pieces of the GUI benches (`bench_gui_*.py`): an isolated environment, the app's own
QApplication set-up on a qasync loop, a heartbeat timer, a paint probe on the draft grid,
percentiles and the summary that `bench_gui.py` collects.

Nothing here changes product code. The paint probe wraps `TileDelegate.paint` and
`GridView.paintEvent` on their classes, and the optional GUI-thread timer wraps a few more
methods (asyncio's Handle._run among them), in the bench's own process only.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Coroutine, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import QStyleOptionViewItem

from studio.core.domain import SlotStatus
from studio.models.draft_list import Role, RowKind
from studio.ui.grid.grid_view import GridView
from studio.ui.grid.tile_delegate import TileDelegate

PLATFORMS = ("offscreen", "xcb", "auto")
# A real key must never reach a bench; the app's own variables are set by each bench.
SCRUBBED_PREFIXES = ("GEMINI_", "GOOGLE_", "DRAFT_STUDIO_")
LOOPBACK = "127.0.0.1,localhost"
_T = TypeVar("_T")

# -- environment -------------------------------------------------------------------------------


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--platform",
        choices=PLATFORMS,
        default="offscreen",
        help="Qt platform plugin; xcb needs DISPLAY (auto: xcb when DISPLAY is set)",
    )
    parser.add_argument(
        "--summary-json",
        type=Path,
        default=None,
        help="also write the results here (bench_gui.py collects them)",
    )


def choose_platform(requested: str) -> str:
    has_display = bool(os.environ.get("DISPLAY"))
    if requested == "auto":
        return "xcb" if has_display else "offscreen"
    if requested == "xcb" and not has_display:
        print("DISPLAY is not set: using the offscreen platform instead of xcb")
        return "offscreen"
    return requested


def bench_environment(
    home: Path,
    platform: str,
    extra: Mapping[str, str] | None = None,
    base: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The app's environment for a bench: no real key, loopback without a proxy, its own
    library, config and logs under `home`, and the chosen Qt platform."""
    env = {
        name: value
        for name, value in (os.environ if base is None else base).items()
        if not name.startswith(SCRUBBED_PREFIXES)
    }
    env.update(
        {
            "NO_PROXY": LOOPBACK,
            "no_proxy": LOOPBACK,
            "DRAFT_STUDIO_LIBRARY": str(home / "library"),
            "DRAFT_STUDIO_CONFIG": str(home / "config"),
            "DRAFT_STUDIO_LOGS": str(home / "logs"),
            "QT_QPA_PLATFORM": platform,
            # A key in the developer's own keyring must not turn the sandbox into billed calls.
            "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        }
    )
    env.update(extra or {})
    return env


def isolate(home: Path, platform: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Applies `bench_environment` to this process (before QApplication exists)."""
    env = bench_environment(home, platform, extra)
    os.environ.clear()
    os.environ.update(env)
    return env


def run_qasync(main: Coroutine[Any, Any, _T]) -> _T:
    from studio.event_loop import run

    result: _T = run(main)
    return result


async def wait_for(flag: asyncio.Event, timeout_s: float) -> bool:
    """True when `flag` was set in time; never raises on a timeout (benches report it)."""
    try:
        await asyncio.wait_for(flag.wait(), timeout_s)
    except TimeoutError:
        return False
    return True


# -- heartbeat ---------------------------------------------------------------------------------


class Heartbeat:
    """A precise QTimer on the GUI thread; each beat is stamped with `time.perf_counter()`.

    A beat that comes late by more than its interval is the event loop stalling."""

    def __init__(self, interval_ms: int = 5) -> None:
        self.interval_ms = interval_ms
        self.stamps: list[float] = []
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._beat)

    def _beat(self) -> None:
        self.stamps.append(time.perf_counter())

    def start(self) -> None:
        self.stamps = [time.perf_counter()]
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        # The last stretch counts too: a stall right before the end has no beat after it.
        self.stamps.append(time.perf_counter())

    def intervals_ms(self) -> list[float]:
        return [(b - a) * 1000 for a, b in itertools.pairwise(self.stamps)]

    def stalls_ms(self) -> list[float]:
        return [max(0.0, gap - self.interval_ms) for gap in self.intervals_ms()]

    def worst(self, count: int) -> list[tuple[float, float]]:
        """The `count` longest stalls as (seconds after start, stall ms), in time order."""
        start = self.stamps[0] if self.stamps else 0.0
        stalls = [
            (a - start, max(0.0, (b - a) * 1000 - self.interval_ms))
            for a, b in itertools.pairwise(self.stamps)
        ]
        return sorted(sorted(stalls, key=lambda s: s[1], reverse=True)[:count])


# -- paint probe -------------------------------------------------------------------------------

_Index = QModelIndex | QPersistentModelIndex
TilePainted = Callable[[int, bool, float], None]
GridPainted = Callable[[GridView, float], None]


def _has_thumbnail(index: _Index) -> bool:
    """Whether the delegate found a thumbnail for this tile. Asked right after it painted,
    with no event processed in between, so the cache gives the answer the paint got."""
    model = index.model()
    if model is None or model.data(index, Role.StatusRole) != SlotStatus.SUCCEEDED:
        return False
    pixmap = model.data(index, Role.ThumbnailRole)
    return isinstance(pixmap, QPixmap) and not pixmap.isNull()


@dataclass
class PaintProbe:
    """Sees every tile the grid paints (draft id, with a thumbnail or not, when) and every
    finished paint of the grid's viewport. Install before the window is built."""

    tile_listeners: list[TilePainted] = field(default_factory=list)
    grid_listeners: list[GridPainted] = field(default_factory=list)
    # draft id -> whether its latest paint showed the thumbnail
    latest: dict[int, bool] = field(default_factory=dict)
    _originals: tuple[Any, Any] | None = None

    def install(self) -> None:
        if self._originals is not None:
            return
        paint = TileDelegate.paint
        paint_event = GridView.paintEvent
        probe = self

        def probed_paint(
            delegate: TileDelegate,
            painter: QPainter,
            option: QStyleOptionViewItem,
            index: _Index,
        ) -> None:
            paint(delegate, painter, option, index)
            model = index.model()
            if model is None or model.data(index, Role.KindRole) != RowKind.TILE:
                return
            draft_id = model.data(index, Role.DraftIdRole)
            if not isinstance(draft_id, int):
                return
            shown = _has_thumbnail(index)
            probe.latest[draft_id] = shown
            now = time.perf_counter()
            for listener in probe.tile_listeners:
                listener(draft_id, shown, now)

        def probed_paint_event(view: GridView, event: QPaintEvent) -> None:
            paint_event(view, event)
            now = time.perf_counter()
            for listener in probe.grid_listeners:
                listener(view, now)

        self._originals = (paint, paint_event)
        setattr(TileDelegate, "paint", probed_paint)  # noqa: B010 - mypy: no method assignment
        setattr(GridView, "paintEvent", probed_paint_event)  # noqa: B010

    def uninstall(self) -> None:
        if self._originals is None:
            return
        setattr(TileDelegate, "paint", self._originals[0])  # noqa: B010
        setattr(GridView, "paintEvent", self._originals[1])  # noqa: B010
        self._originals = None


def visible_tiles(view: GridView) -> list[int] | None:
    """Draft ids of the tiles inside the viewport, top to bottom; None while the view has not
    laid out a row that should be on screen. Assumes the view is scrolled to the top, where
    the rows on screen are the first ones."""
    model = view.model()
    if model is None:
        return None
    area = view.viewport().rect()
    tiles: list[int] = []
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        rect = view.visualRect(index)
        if not rect.isValid():
            return None  # not laid out yet
        if rect.top() >= area.bottom():
            break
        if not rect.intersects(area):
            continue
        if model.data(index, Role.KindRole) == RowKind.TILE:
            draft_id = model.data(index, Role.DraftIdRole)
            if isinstance(draft_id, int):
                tiles.append(draft_id)
    return tiles


def screen_complete(view: GridView, probe: PaintProbe) -> tuple[bool, int]:
    """(whether every tile on screen was last painted with its thumbnail, how many tiles)."""
    tiles = visible_tiles(view)
    if not tiles:
        return False, 0
    return all(probe.latest.get(draft_id, False) for draft_id in tiles), len(tiles)


# -- where the GUI thread's time goes ---------------------------------------------------------


def _where(coro: object) -> str:
    """The innermost Python frame of a suspended coroutine chain, as file:line function."""
    frame = None
    while coro is not None and hasattr(coro, "cr_frame"):
        frame = getattr(coro, "cr_frame", None) or frame
        coro = getattr(coro, "cr_await", None)
    if frame is None:
        return "done"
    name = frame.f_code.co_filename
    for anchor in ("/site-packages/", "/studio/", "/tests/", "/python3.11/"):
        if anchor in name:
            kept = "" if anchor in ("/site-packages/", "/python3.11/") else anchor.lstrip("/")
            name = kept + name.split(anchor, 1)[1]
            break
    return f"{name}:{frame.f_lineno} {frame.f_code.co_qualname}"


def _task_label(task: asyncio.Task[Any]) -> str:
    label = task.get_name()
    head, _, tail = label.rpartition("-")
    return f"{head}-*" if head and tail.isdigit() else label


@dataclass(frozen=True)
class Work:
    start: float  # time.perf_counter()
    ms: float
    what: str


@dataclass
class GuiThreadTimer:
    """Times, on the GUI thread, every asyncio callback (a task step is named by where it
    resumed and where it suspended next), every paint of the grid, every thumbnail handed to
    the cache and every tile size the view asks for. Keeps the pieces over `threshold_ms`."""

    threshold_ms: float = 8.0
    slow: list[Work] = field(default_factory=list)
    totals: dict[str, list[float]] = field(default_factory=dict)  # what -> [count, ms]
    _restore: list[tuple[type, str, Any]] = field(default_factory=list)

    def _note(self, start: float, what: str) -> None:
        ms = (time.perf_counter() - start) * 1000
        total = self.totals.setdefault(what, [0.0, 0.0])
        total[0] += 1
        total[1] += ms
        if ms >= self.threshold_ms:
            self.slow.append(Work(start, ms, what))

    def _patch(self, owner: type, name: str, make: Callable[[Any], Any]) -> None:
        original = owner.__dict__[name]
        self._restore.append((owner, name, original))
        setattr(owner, name, make(original))

    def install(self) -> None:
        from studio.core.library import Library
        from studio.models.draft_list import DraftListModel
        from studio.models.thumbnails import ThumbnailCache

        timer = self

        def handle_run(original: Callable[[asyncio.Handle], None]) -> Callable[..., None]:
            def run(handle: asyncio.Handle) -> None:
                callback = getattr(handle, "_callback", None)
                task = getattr(callback, "__self__", None)
                start = time.perf_counter()
                if isinstance(task, asyncio.Task):
                    resumed = _where(task.get_coro())
                    original(handle)
                    suspended = "done" if task.done() else _where(task.get_coro())
                    timer._note(start, f"task {_task_label(task)}: {resumed} -> {suspended}")
                else:
                    original(handle)
                    name = getattr(callback, "__qualname__", type(callback).__name__)
                    timer._note(start, f"callback {name}")

            return run

        def timed(label: str, only: threading.Thread | None = None) -> Callable[[Any], Any]:
            def make(original: Callable[..., Any]) -> Callable[..., Any]:
                def wrapper(*args: Any, **kwargs: Any) -> Any:
                    if only is not None and threading.current_thread() is not only:
                        return original(*args, **kwargs)
                    start = time.perf_counter()
                    try:
                        return original(*args, **kwargs)
                    finally:
                        timer._note(start, label)

                return wrapper

            return make

        self._patch(asyncio.events.Handle, "_run", handle_run)
        self._patch(GridView, "paintEvent", timed("Qt: GridView.paintEvent"))
        self._patch(TileDelegate, "sizeHint", timed("Qt: TileDelegate.sizeHint"))
        self._patch(ThumbnailCache, "_on_loaded", timed("Qt: ThumbnailCache._on_loaded"))
        self._patch(DraftListModel, "apply", timed("  in a step: DraftListModel.apply"))
        main = threading.main_thread()
        for name in ("create_batch", "mark_running", "mark_finished", "mark_retrying"):
            self._patch(Library, name, timed(f"  in a step: Library.{name}", main))

    def uninstall(self) -> None:
        while self._restore:
            owner, name, original = self._restore.pop()
            setattr(owner, name, original)

    def report(self, since: float, stalls: Sequence[tuple[float, float]], top: int = 12) -> None:
        print(f"\nGUI-thread work over {self.threshold_ms:g} ms, grouped (count, total, max):")
        groups: dict[str, list[float]] = {}
        for work in self.slow:
            if work.start < since:
                continue
            group = groups.setdefault(work.what, [0, 0.0, 0.0])
            group[0] += 1
            group[1] += work.ms
            group[2] = max(group[2], work.ms)
        ranked = sorted(groups.items(), key=lambda item: item[1][1], reverse=True)
        for what, (count, total, worst) in ranked[:top]:
            print(f"  {int(count):4d} x  {total:7.0f} ms  max {worst:5.0f} ms  {what}")
        print("All GUI-thread work timed (count, total ms), the largest:")
        every = sorted(self.totals.items(), key=lambda item: item[1][1], reverse=True)
        for what, (count, total) in every[:top]:
            print(f"  {int(count):6d} x  {total:7.0f} ms  {what}")
        print("The worst stalls and the timed work inside them:")
        for at, ms in stalls:
            begin = since + at
            inside = [
                w
                for w in self.slow
                if w.start < begin + (ms + 5) / 1000 and w.start + w.ms / 1000 > begin
            ]
            parts = "; ".join(f"{w.ms:.0f} ms {w.what}" for w in inside) or "nothing timed"
            print(f"  {ms:5.0f} ms @ {at:6.2f} s: {parts}")


# -- numbers -----------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default); nan when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Iterable[float]) -> float:
    return percentile(list(values), 50)


@dataclass(frozen=True)
class Metric:
    """One measured number; `target` and `op` ("<" or ">=") when the brief sets a target,
    and `before` when the bench knows the figure from an earlier commit."""

    name: str
    value: float
    unit: str
    target: float | None = None
    op: str | None = None
    before: float | None = None

    @property
    def verdict(self) -> str:
        if self.target is None or self.op is None:
            return ""
        if math.isnan(self.value):
            return "n/a"
        met = self.value < self.target if self.op == "<" else self.value >= self.target
        return "met" if met else "MISSED"

    @property
    def target_text(self) -> str:
        if self.target is None or self.op is None:
            return ""
        return f"{self.op} {self.target:g} {self.unit}".strip()


def format_value(value: float, unit: str) -> str:
    if math.isnan(value):
        return "n/a"
    if unit in ("ms", "MB", "s") or abs(value) < 100:
        return f"{value:.1f}" if unit != "s" else f"{value:.2f}"
    return f"{value:.0f}"


def print_metrics(title: str, metrics: Sequence[Metric], before: str | None = None) -> None:
    """`before` labels the column of `Metric.before` figures (which commit they came from)."""
    print(f"\n{title}")
    head = f"{'before ' + before:>18} " if before else ""
    print(f"  {'metric':<34} {head}{'measured':>10} {'unit':<6} {'target':<12} {'':<6}")
    for metric in metrics:
        was = ""
        if before:
            text = "" if metric.before is None else format_value(metric.before, metric.unit)
            was = f"{text:>18} "
        print(
            f"  {metric.name:<34} {was}{format_value(metric.value, metric.unit):>10} "
            f"{metric.unit:<6} {metric.target_text:<12} {metric.verdict:<6}"
        )


def write_summary(
    path: Path | None,
    bench: str,
    metrics: Sequence[Metric],
    notes: Sequence[str] = (),
) -> None:
    if path is None:
        return
    payload = {"bench": bench, "metrics": [asdict(m) for m in metrics], "notes": list(notes)}
    path.write_text(json.dumps(payload, indent=2), encoding="utf-8")


def read_summary(path: Path) -> tuple[str, list[Metric], list[str]]:
    payload = json.loads(path.read_text(encoding="utf-8"))
    metrics = [Metric(**m) for m in payload["metrics"]]
    return str(payload["bench"]), metrics, [str(n) for n in payload.get("notes", [])]


def describe_window(view: GridView) -> str:
    window = view.window()
    viewport = view.viewport()
    return (
        f"window {window.width()}x{window.height()}, grid viewport "
        f"{viewport.width()}x{viewport.height()}, tile size {view.tile_size} px, "
        f"platform {QGuiApplication.platformName()}"
    )


@contextmanager
def secret_service(home: Path) -> Iterator[dict[str, str]]:
    """A throwaway Secret Service (a private D-Bus session with gnome-keyring, as the tests
    use), so launches read the keyring as a user's app does; the environment to reach it.
    Empty when the machine has none (the launches then use no keyring, and say so)."""
    if shutil.which("dbus-daemon") is None or shutil.which("gnome-keyring-daemon") is None:
        print("no dbus-daemon / gnome-keyring-daemon: launching without a keyring")
        yield {}
        return
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert daemon.stdout is not None
    env = {
        "DBUS_SESSION_BUS_ADDRESS": daemon.stdout.readline().strip(),
        "XDG_DATA_HOME": str(home / "keyring"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring",
    }
    unlocked = subprocess.run(
        ["gnome-keyring-daemon", "--unlock", "--components=secrets"],
        input="draft-studio-bench",
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )
    if unlocked.returncode != 0:
        print(f"gnome-keyring did not start ({unlocked.stderr.strip()}): no keyring")
        env = {}
    try:
        yield env
    finally:
        # gnome-keyring leaves with the session bus it was started on.
        daemon.terminate()
        daemon.wait(timeout=10)
