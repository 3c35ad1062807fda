"""How fast this machine saves answers, and whether they pile up. Answers that wait to be
decoded, thumbnailed and fsynced only grow that queue if more are sent: when this machine is
the slowest link (a fast service, a busy disk), sending waits for it, and images reach the
screen instead of a backlog."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

# Answers being saved at once before more requests wait (a few per core is plenty).
_SAVE_BACKLOG = 4
# Saving runs on worker threads beside the GUI, the engine and the SDK: on a small machine
# about one core's worth of it. The first guess holds until saves have been timed.
_SAVING_CORES = max(1, (os.cpu_count() or 2) - 1)
_FIRST_SAVE_S = 0.03
_SAVE_TIME_WEIGHT = 0.2

P = ParamSpec("P")
T = TypeVar("T")


class SaveGauge:
    def __init__(self) -> None:
        self._saving = 0
        self._save_s = _FIRST_SAVE_S
        self.room = asyncio.Event()  # set while more requests may be sent
        self.room.set()

    @property
    def rate(self) -> float:
        """Images per second this machine saves."""
        return _SAVING_CORES / self._save_s

    def began(self) -> None:
        self._saving += 1
        if self._saving >= _SAVE_BACKLOG:
            self.room.clear()

    def ended(self) -> None:
        self._saving -= 1
        if self._saving < _SAVE_BACKLOG:
            self.room.set()

    def timed(self, save: Callable[P, T], images: int, *args: P.args, **kwargs: P.kwargs) -> T:
        """On a worker thread: the save, and how long one image takes on this machine (a
        float written whole; a lost update of the average costs nothing)."""
        started = time.perf_counter()
        saved = save(*args, **kwargs)
        took = (time.perf_counter() - started) / max(1, images)
        self._save_s += _SAVE_TIME_WEIGHT * (took - self._save_s)
        return saved
