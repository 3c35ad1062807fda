"""The app's loop keeps every wake-up when a callback processes Qt events itself.

Each round: one task waits on a worker thread (its wake-up arrives as a new zero-delay
timer) while the step that started it runs Qt's event queue, as `QTest` input or a widget
grab does. On stock qasync the wake-up runs inside that step, fails with "Cannot enter into
task", and the waiting task never finishes.
"""

from __future__ import annotations

import asyncio
import time
from importlib.metadata import version
from typing import Any

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from studio.event_loop import QtEventLoop


def _run_rounds(loop_class: Any, rounds: int) -> tuple[int, list[str]]:
    """Returns how many waiting tasks were lost, and what the loop reported as errors."""
    app = QApplication.instance() or QApplication([])
    loop = loop_class(app)
    assert isinstance(loop, asyncio.AbstractEventLoop)
    errors: list[str] = []
    loop.set_exception_handler(lambda _loop, context: errors.append(str(context["message"])))

    async def run() -> int:
        lost = 0
        for _ in range(rounds):
            waiting = asyncio.ensure_future(asyncio.to_thread(time.sleep, 0.002))
            await asyncio.sleep(0)
            deadline = time.monotonic() + 0.05
            while time.monotonic() < deadline:
                app.processEvents()
            done, _ = await asyncio.wait([waiting], timeout=0.3)
            if not done:
                lost += 1
                waiting.cancel()
        return lost

    try:
        return loop.run_until_complete(run()), errors
    finally:
        loop.close()


def test_the_apps_loop_loses_no_wakeup() -> None:
    assert _run_rounds(QtEventLoop, rounds=12) == (0, [])


@pytest.mark.skipif(version("qasync") != "0.28.0", reason="the flaw is qasync 0.28's")
def test_stock_qasync_loses_them() -> None:
    """Proves the rounds above can fail; when qasync fixes its timer, drop studio/event_loop.py."""
    lost, errors = _run_rounds(qasync.QEventLoop, rounds=3)
    assert lost == 3
    assert any("Task.task_wakeup" in error for error in errors)
