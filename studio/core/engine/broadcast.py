"""Who hears about the engine: listeners get every event, waiters the next change of any kind
(an event, or a slot that finished or stopped waiting without one)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from studio.core.engine.events import EngineEvent

log = logging.getLogger(__name__)

Listener = Callable[[EngineEvent], None]


class Broadcast:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._change_waiters: list[asyncio.Future[None]] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def changed(self) -> None:
        waiters, self._change_waiters = self._change_waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def next_change(self) -> None:
        changed = asyncio.get_running_loop().create_future()
        self._change_waiters.append(changed)
        await changed

    def emit(self, event: EngineEvent) -> None:
        self.changed()
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("engine listener failed on %s", type(event).__name__)
