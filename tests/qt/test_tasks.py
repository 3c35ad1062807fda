from __future__ import annotations

import asyncio
from pathlib import Path

from studio.core.logs import setup_logging
from studio.event_loop import QtEventLoop
from studio.models.tasks import TaskRunner


async def test_runs_on_the_qt_loop_and_reports_failures(qtbot, tmp_path: Path):
    log = setup_logging(tmp_path / "logs", lambda: ())
    assert isinstance(asyncio.get_running_loop(), QtEventLoop)
    runner = TaskRunner()
    failures: list[tuple[str, str]] = []
    runner.failed.connect(lambda what, message: failures.append((what, message)))

    async def boom() -> None:
        raise RuntimeError("disk on fire")

    task = runner.run(boom(), "Saving")
    await asyncio.gather(task, return_exceptions=True)
    await asyncio.sleep(0)
    # The sentence names the log file, where the traceback went.
    assert failures == [("Saving", f"Saving failed (disk on fire); details are in {log}.")]
    assert "RuntimeError: disk on fire" in log.read_text(encoding="utf-8")
    assert runner.pending == 0


async def test_cancel_all(qtbot):
    runner = TaskRunner()
    runner.run(asyncio.sleep(30), "Waiting")
    assert runner.pending == 1
    await runner.cancel_all()
    assert runner.pending == 0


async def test_cancel_all_does_not_wait_forever_for_a_task_that_will_not_end(qtbot, tmp_path: Path):
    log = setup_logging(tmp_path / "logs", lambda: ())
    runner = TaskRunner()
    released = asyncio.Event()

    async def stubborn() -> None:
        while not released.is_set():
            try:
                await released.wait()
            except asyncio.CancelledError:
                continue

    runner.run(stubborn(), "Stubborn")
    runner.run(asyncio.sleep(30), "Waiting")
    await asyncio.sleep(0)
    await runner.cancel_all(timeout_s=0.2)
    assert runner.pending == 1
    assert "Left 1 task(s) still running at shutdown: Stubborn" in log.read_text(encoding="utf-8")
    released.set()
    await asyncio.sleep(0.05)
    assert runner.pending == 0
