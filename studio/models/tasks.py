"""The one way the UI starts async work: every task is kept alive and every failure reported."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import QObject, Signal

from studio.core.logs import where_details_are

log = logging.getLogger(__name__)


class TaskRunner(QObject):
    """Holds strong references (qasync 0.28's asyncSlot keeps none) and turns an exception
    into `failed(what, message)` instead of a traceback on stderr."""

    failed = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks: set[asyncio.Task[Any]] = set()

    def run(self, coroutine: Coroutine[Any, Any, Any], what: str) -> asyncio.Task[Any]:
        task = asyncio.get_event_loop().create_task(coroutine, name=what)
        self._tasks.add(task)
        task.add_done_callback(lambda done: self._finished(done, what))
        return task

    def _finished(self, task: asyncio.Task[Any], what: str) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            log.error("%s failed", what, exc_info=error)
            reason = str(error).rstrip(".") or type(error).__name__
            self.failed.emit(what, f"{what} failed ({reason}); {where_details_are()}.")

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def cancel_all(self, timeout_s: float = 5.0) -> None:
        """Bounded: a task that ignores its cancellation (or whose wake-up a Qt loop lost)
        is logged by name and left behind, so that closing the app never hangs on it."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if not tasks:
            return
        _, stuck = await asyncio.wait(tasks, timeout=timeout_s)
        if stuck:
            names = ", ".join(sorted(task.get_name() for task in stuck))
            log.error("Left %d task(s) still running at shutdown: %s", len(stuck), names)
