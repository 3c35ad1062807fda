"""The app's asyncio loop: qasync's, with a timer that never runs one callback inside another.

qasync 0.28 runs every asyncio callback from a Qt `timerEvent`. When a callback processes Qt
events itself (`QTest` input, `QWidget.grab`, a native dialog on some platforms), two things
go wrong. Other callbacks run nested inside it: a task's wake-up then fails with "Cannot enter
into task while another task is being executed" and that task never runs again. And the
running callback's own zero-delay timer, not yet killed, fires again; its id is freed, Qt hands
it to the next callback scheduled, and the outer `timerEvent` deletes that newcomer on its way
out. Either way whatever awaits the lost task (closing the app) waits forever. This timer
forgets a handle before running it, and holds back what falls due during a callback until
that callback has returned, as asyncio's own loops do.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from typing import Any, TypeVar

# Imported before qasync, which binds to a Qt binding already loaded rather than probing PyQt5.
import PySide6  # noqa: F401
import qasync
from PySide6.QtCore import QObject, QTimerEvent
from PySide6.QtWidgets import QApplication

T = TypeVar("T")


class _ReentrantSafeTimer(QObject):
    """Drop-in for qasync's `_SimpleTimer` (the loop calls these four members)."""

    def __init__(self) -> None:
        super().__init__()
        self._callbacks: dict[int, asyncio.Handle] = {}
        self._held_back: list[asyncio.Handle] = []
        self._running = False
        self._stopped = False

    def add_callback(self, handle: asyncio.Handle, delay: float = 0) -> asyncio.Handle:
        timer_id = self.startTimer(int(max(0.0, delay) * 1000))
        self._callbacks[timer_id] = handle
        return handle

    def timerEvent(self, event: QTimerEvent) -> None:
        timer_id = event.timerId()
        self.killTimer(timer_id)
        handle = self._callbacks.pop(timer_id, None)
        if handle is None or self._stopped or handle.cancelled():
            return
        if self._running:
            self._held_back.append(handle)
            return
        self._running = True
        try:
            handle._run()
        finally:
            self._running = False
            held_back, self._held_back = self._held_back, []
            for due in held_back:
                self.add_callback(due)

    def stop(self) -> None:
        self._stopped = True
        for timer_id in self._callbacks:
            self.killTimer(timer_id)
        self._callbacks.clear()

    def set_debug(self, enabled: bool) -> None:
        """asyncio's own debug mode (slow-callback warnings) is not wired through this timer."""


class QtEventLoop(qasync.QEventLoop):  # type: ignore[misc]
    def __init__(self, app: QApplication | None = None) -> None:
        super().__init__(app)
        self._timer = _ReentrantSafeTimer()


def run(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` on a `QtEventLoop` over the running (or a new) QApplication."""

    def new_loop() -> asyncio.AbstractEventLoop:
        app = QApplication.instance() or QApplication(sys.argv)
        assert isinstance(app, QApplication)
        return QtEventLoop(app)

    with asyncio.Runner(loop_factory=new_loop) as runner:
        return runner.run(main)
