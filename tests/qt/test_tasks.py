from __future__ import annotations

import asyncio
from pathlib import Path

import qasync

from studio.core.logs import setup_logging
from studio.models.tasks import TaskRunner


async def test_runs_on_the_qt_loop_and_reports_failures(qtbot, tmp_path: Path):
    log = setup_logging(tmp_path / "logs", lambda: ())
    assert isinstance(asyncio.get_running_loop(), qasync.QEventLoop)
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
