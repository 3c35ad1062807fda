"""The folders an export writes into: the target checked once up front, temp files that become
final names without overwriting anything, and the sweep of temp files killed exports left."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import threading
import time
import uuid
from pathlib import Path, PurePosixPath

TEMP_SUFFIX = ".partial"
# What an export writes before a file is complete: '.export-<pid>-<12 hex>.partial'. The older
# '.export-<12 hex>.partial' had no pid; no running version writes it any more.
_TEMP_NAME = re.compile(r"\.export-(?:(?P<pid>\d{1,9})-)?[0-9a-f]{12}\.partial")
# Older than this, a temp file is an orphan even if its pid is running again (pids get reused,
# and Windows cannot be asked); writing one takes seconds, not an hour.
STALE_TEMP_AGE_S = 3600.0

_REASONS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the folder is on a read-only disk",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.ENOENT: "the folder no longer exists",
    errno.ENOTDIR: "a file is in the way of the folder",
    errno.ENAMETOOLONG: "the path is too long for this disk",
    errno.EIO: "the disk reported an input/output error",
}


class TargetError(ValueError):
    """The target folder cannot be created or written into; the message is one sentence that
    names it. Raised before any file is exported."""


class NameTaken(Exception):
    """Another file got this name first; the next numbered name is tried."""


def describe_os_error(exc: OSError) -> str:
    return _REASONS.get(exc.errno or 0) or (exc.strerror or type(exc).__name__).lower()


def failure_reason(exc: OSError, where: Path) -> str:
    return f"{describe_os_error(exc)} (writing in '{where}')"


def _temp_path(folder: Path) -> Path:
    return folder / f".export-{os.getpid()}-{uuid.uuid4().hex[:12]}{TEMP_SUFFIX}"


def prepare_target(target: Path) -> bool:
    """Creates `target` if it is missing and proves it takes files by writing one; returns
    whether it was created. Raises TargetError.

    Writing is the only test that tells the truth: permission bits say nothing to root, nor
    about a read-only mount, an immutable folder or a full quota."""
    created = False
    if not target.is_dir():
        if target.exists():
            raise TargetError(f"The export folder '{target}' is a file, not a folder.")
        try:
            target.mkdir(parents=True)
        except FileExistsError:
            pass  # made by someone else meanwhile; the write below decides
        except OSError as exc:
            raise TargetError(
                f"The export folder '{target}' cannot be created: {describe_os_error(exc)}."
            ) from None
        else:
            created = True
    probe = _temp_path(target)
    try:
        # The temp-file name: an export killed right here leaves nothing the sweep misses.
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    except OSError as exc:
        raise TargetError(
            f"The export folder '{target}' cannot be written to: {describe_os_error(exc)}."
        ) from None
    with contextlib.suppress(OSError):
        probe.unlink()
    return created


def write_temp(folder: Path, data: bytes) -> Path:
    temp = _temp_path(folder)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def publish(temp: Path, final: Path) -> None:
    """Gives the complete temp file its final name, failing if that name exists.

    os.link refuses an existing name atomically, so two exports (or two threads) racing for
    'name.jpg' cannot overwrite each other; os.replace would."""
    try:
        os.link(temp, final)
    except FileExistsError:
        raise NameTaken from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        # No hard links here (FAT, some network shares): check, then rename. Windows' rename
        # refuses an existing target itself; elsewhere the window between the two is tiny.
        if final.exists():
            raise NameTaken from None
        os.rename(temp, final)


def ensure_folder(target: Path, relative: PurePosixPath) -> Path:
    """Creates the template's subfolders, but never the target itself: a target that vanished
    during the export is reported, not silently recreated somewhere the user no longer looks."""
    if not target.is_dir():
        code = errno.ENOTDIR if target.exists() else errno.ENOENT
        raise OSError(code, os.strerror(code), str(target))
    folder = target
    for part in relative.parent.parts:
        folder = folder / part
        folder.mkdir(exist_ok=True)
    return folder


def _process_running(pid: int) -> bool:
    if os.name != "posix":
        return True  # os.kill(pid, 0) would send CTRL_C_EVENT there; the age rule decides
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process, but running
    return True


def _is_stale_temp(entry: os.DirEntry[str], now: float) -> bool:
    match = _TEMP_NAME.fullmatch(entry.name)
    if match is None or not entry.is_file(follow_symlinks=False):
        return False
    if match["pid"] is None:
        return True
    age = now - entry.stat(follow_symlinks=False).st_mtime
    return age > STALE_TEMP_AGE_S or not _process_running(int(match["pid"]))


def _remove_stale_temps(folder: Path) -> None:
    """Deletes the temp files of exports that were killed mid-write; nothing else, and no
    error here stops the export, which does not need the space back to succeed."""
    now = time.time()
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            with contextlib.suppress(OSError):
                if _is_stale_temp(entry, now):
                    os.unlink(entry.path)


class FolderSweep:
    """Removes stale temp files from each folder an export writes into, once per folder."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._swept: set[Path] = set()

    def __call__(self, folder: Path) -> None:
        with self._lock:
            first = folder not in self._swept
            self._swept.add(folder)
        # Outside the lock: threads writing elsewhere need not wait, and a sweep running
        # beside this export's own writes never takes them (their pid is running).
        if first:
            _remove_stale_temps(folder)
