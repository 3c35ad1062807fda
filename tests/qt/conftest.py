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


@pytest.fixture
async def window(qtbot, fast_sandbox) -> AsyncIterator[MainWindow]:
    services = await build_services(sandbox_in_process=True)
    main = MainWindow(services)
    qtbot.addWidget(main)
    main.show()
    yield main
    main.close()
    await services.aclose()
