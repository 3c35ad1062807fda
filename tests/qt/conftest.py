"""Shared fixtures for widget tests: the real app on a qasync loop, against the sandbox."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest
from PySide6.QtCore import SignalInstance

from studio.app import build_services
from studio.ui.main_window import MainWindow


async def until(
    predicate: Callable[[], bool], signal: SignalInstance, timeout_s: float = 10
) -> None:
    """Waits on the running qasync loop (no nested Qt loop) until `predicate` holds."""
    if predicate():
        return
    done = asyncio.get_running_loop().create_future()

    def check(*_: object) -> None:
        if predicate() and not done.done():
            done.set_result(None)

    signal.connect(check)
    try:
        await asyncio.wait_for(done, timeout_s)
    finally:
        signal.disconnect(check)


@pytest.fixture
def fast_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRAFT_STUDIO_SANDBOX_LATENCY", "0.05")
    monkeypatch.setenv("DRAFT_STUDIO_SANDBOX_JITTER", "0")
    monkeypatch.setenv("DRAFT_STUDIO_SANDBOX_PIXEL_SCALE", "0.15")


# The loop each `window` fixture runs on, so the teardown hook below can settle the app on it.
_WINDOW_LOOPS: dict[int, asyncio.AbstractEventLoop] = {}


@pytest.fixture
async def window(fast_sandbox) -> AsyncIterator[MainWindow]:
    """The app as a user starts it. Not handed to qtbot: pytest-qt would close and delete it
    before this fixture's async shutdown runs."""
    services = await build_services(sandbox_in_process=True)
    main = MainWindow(services)
    main.show()
    # Tests start from a settled app: the engine runs and the startup key check (a keyring
    # read in a worker thread) has finished. Shutting down during that check is tested on
    # its own in test_app.
    await asyncio.wait_for(services.start(), 30)
    await until(lambda: not services.keys.busy, services.keys.changed, 10)
    _WINDOW_LOOPS[id(main)] = asyncio.get_running_loop()
    yield main
    main.close()
    # Not asyncio.wait_for, which waits for the cancelled shutdown to end: a task that lost
    # its wake-up would hang the whole run where no timeout can reach it.
    closing = asyncio.ensure_future(services.aclose())
    done, _ = await asyncio.wait([closing], timeout=30)
    if not done:
        pytest.fail(f"The app did not shut down within 30 s; still running: {_others()}")
    closing.result()
    main.deleteLater()


def _others() -> list[asyncio.Task[object]]:
    return [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]


async def _settle(main: MainWindow) -> None:
    """Lets async work the test started (a key check, a settings save) finish on its loop."""
    tasks = main.services.tasks
    for _ in range(1000):
        if tasks.pending == 0:
            return
        await asyncio.sleep(0.01)
    pytest.fail(f"The app's own work did not end within 10 s after the test: {_others()}")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> object:
    """Before pytest-qt processes pending Qt events between tests: qasync runs due callbacks
    whenever Qt processes events, so a task stepped there would run outside its asyncio loop
    (no running loop, or another test's). The app's own work is finished on its loop first."""
    main = getattr(item, "funcargs", {}).get("window")
    loop = _WINDOW_LOOPS.pop(id(main), None)
    if isinstance(main, MainWindow) and loop is not None and not loop.is_running():
        loop.run_until_complete(_settle(main))
    return (yield)
