"""Tells a live writer from a dead one: each process holds an OS lock for as long as it runs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True


class SessionLock:
    """Held while this process may own unfinished slots; the OS drops it if the process dies."""

    def __init__(self, folder: Path, session_id: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / f"{session_id}.lock"
        self._handle: IO[bytes] | None = open(self.path, "a+b")  # noqa: SIM115
        if not _try_lock(self._handle):
            raise RuntimeError(f"Session lock {self.path} is already held.")

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
            self.path.unlink(missing_ok=True)


def is_abandoned(folder: Path, session_id: str) -> bool:
    """True when no running process holds the session's lock."""
    path = folder / f"{session_id}.lock"
    if not path.exists():
        return True
    with open(path, "a+b") as handle:
        return _try_lock(handle)
