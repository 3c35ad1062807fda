"""Where batch jobs and files live: a directory shared by sandbox processes, or memory.

Every write goes to a temporary file that is synced and then renamed over its target, so a
reader in another process sees the old content or the new, never a torn file."""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from contextlib import suppress
from pathlib import Path
from typing import Any

# On Windows a rename fails while another process has the target open; readers let go fast.
_REPLACE_ATTEMPTS = 20
_REPLACE_PAUSE_S = 0.01


class Store:
    """Blobs by name ("batches/ID.json"); thread-safe, and safe across processes on disk."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._memory: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def read(self, name: str) -> bytes | None:
        if self.root is None:
            with self._lock:
                return self._memory.get(name)
        try:
            return (self.root / name).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None

    def write(self, name: str, data: bytes) -> None:
        if self.root is None:
            with self._lock:
                self._memory[name] = data
            return
        target = self.root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            with open(temporary, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            _replace(temporary, target)
        finally:
            with suppress(FileNotFoundError):
                temporary.unlink()
        _sync_directory(target.parent)

    def exists(self, name: str) -> bool:
        if self.root is None:
            with self._lock:
                return name in self._memory
        return (self.root / name).is_file()

    def delete(self, name: str) -> None:
        if self.root is None:
            with self._lock:
                self._memory.pop(name, None)
            return
        with suppress(FileNotFoundError):
            (self.root / name).unlink()

    def names(self, folder: str) -> list[str]:
        """The file names directly in `folder`, without the temporary ones."""
        if self.root is None:
            with self._lock:
                keys = list(self._memory)
            start = f"{folder}/"
            return [key[len(start) :] for key in keys if key.startswith(start)]
        try:
            entries = os.listdir(self.root / folder)
        except (FileNotFoundError, NotADirectoryError):
            return []
        return [entry for entry in entries if not entry.startswith(".")]

    def read_json(self, name: str) -> Any:
        data = self.read(name)
        if data is None:
            return None
        try:
            return json.loads(data)
        except ValueError:
            return None  # left by a crash in an older sandbox; treated as missing

    def write_json(self, name: str, value: Any) -> None:
        self.write(name, json.dumps(value, separators=(",", ":")).encode())


def _replace(source: Path, target: Path) -> None:
    for attempt in range(_REPLACE_ATTEMPTS):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if attempt == _REPLACE_ATTEMPTS - 1:
                raise
            time.sleep(_REPLACE_PAUSE_S)


def _sync_directory(directory: Path) -> None:
    """Makes the rename itself durable; not possible (nor needed) on Windows."""
    if os.name != "posix":
        return
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
