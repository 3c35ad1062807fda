"""The job engine's own asyncio loop, in a thread of its own.

The SDK's Python work per request (building, sending, parsing a megabyte of JSON) and the
library's bookkeeping would otherwise run on the GUI thread between paints. The engine is
Qt-free and single-threaded, so it runs unchanged on this loop; the GUI talks to it only
through `call` and `run`, and hears from it through queued Qt signals."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

_T = TypeVar("_T")


class EngineThread:
    def __init__(self) -> None:
        # The platform's plain loop, named explicitly: a policy that hands out Qt loops (as
        # qasync.run installs on Python 3.11) must never serve a loop outside the main thread.
        self.loop = asyncio.DefaultEventLoopPolicy().new_event_loop()
        self._thread = threading.Thread(target=self._serve, name="engine", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def call(self, function: Callable[..., object], *args: object) -> None:
        """Runs `function(*args)` on the engine's loop, soon; the caller reports failures."""
        self.loop.call_soon_threadsafe(function, *args)

    async def run(self, coroutine: Coroutine[Any, Any, _T]) -> _T:
        """Awaits, from the GUI's loop, a coroutine that runs on the engine's loop."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self.loop))

    def run_blocking(self, coroutine: Coroutine[Any, Any, object], timeout_s: float) -> None:
        """Runs a coroutine on the engine's loop and waits here for at most `timeout_s`."""
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            future.result(timeout_s)
        except concurrent.futures.TimeoutError:
            future.cancel()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        if not self._thread.is_alive():
            self.loop.close()
