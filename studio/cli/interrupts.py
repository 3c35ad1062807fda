"""SIGTERM, SIGINT and SIGHUP during a batch: the wait for the batch ends, the engine cancels
what is queued and in flight, the library records it, the summary is printed, and the
command exits with 128 + the signal's number, like a shell reports a process it killed."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable
from typing import Any, TypeVar

_T = TypeVar("_T")
# SIGHUP is POSIX only.
_SIGNALS = tuple(
    s for s in (signal.SIGTERM, signal.SIGINT, getattr(signal, "SIGHUP", None)) if s is not None
)


class Interrupted(Exception):
    """The work given to `Interrupts.run` was cancelled because a signal came."""


class Interrupts:
    """While entered (inside the running loop), the signals are handled on the loop instead of
    killing the process or raising KeyboardInterrupt anywhere. The first one cancels the work
    inside `run`, or the work about to start there; later ones change nothing, so the
    shutdown that follows runs to its end. Leaving restores the default handlers."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self._work: asyncio.Future[Any] | None = None

    @property
    def exit_code(self) -> int | None:
        return None if self.signum is None else 128 + self.signum

    @property
    def name(self) -> str | None:
        return None if self.signum is None else signal.Signals(self.signum).name

    def __enter__(self) -> Interrupts:
        loop = asyncio.get_running_loop()
        for signum in _SIGNALS:
            loop.add_signal_handler(signum, self._received, signum)
        return self

    def __exit__(self, *exc_info: object) -> None:
        loop = asyncio.get_running_loop()
        for signum in _SIGNALS:
            loop.remove_signal_handler(signum)

    def _received(self, signum: int) -> None:
        if self.signum is not None:
            return
        self.signum = signum
        if self._work is not None:
            self._work.cancel()

    async def run(self, work: Awaitable[_T]) -> _T:
        """The result of `work`; raises Interrupted if a signal came before or during it."""
        task = asyncio.ensure_future(work)
        if self.signum is not None:
            task.cancel()
        self._work = task
        try:
            return await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            # Only our own cancellation becomes Interrupted; the caller's stays a cancellation.
            if self.signum is None or (current is not None and current.cancelling()):
                raise
            raise Interrupted from None
        finally:
            self._work = None
