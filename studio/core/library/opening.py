"""Why a library cannot be opened, as one kind and one sentence naming the file and what to
do; and the one repair offered for a damaged file, moving it aside (never deleting it)."""

from __future__ import annotations

import datetime as dt
import errno
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path

from studio.core.library.database import DB_NAME
from studio.core.library.records import LibraryError
from studio.core.library.schema import SCHEMA_VERSION, SchemaTooNew

# What SQLite keeps beside the file; they belong to it and move with it.
_COMPANIONS = ("-wal", "-shm", "-journal")
_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
_DENIED = (errno.EACCES, errno.EPERM)
# One block: enough for a full disk to refuse it, as it refuses SQLite's next page.
_PROBE = b"\0" * 4096


class OpenProblem(StrEnum):
    DAMAGED = "damaged"
    TOO_NEW = "too-new"
    LOCKED = "locked"
    DISK_FULL = "disk-full"
    READ_ONLY = "read-only"
    NO_PERMISSION = "no-permission"
    UNAVAILABLE = "unavailable"  # anything else the disk said (an I/O error, not a folder)


class LibraryOpenError(LibraryError):
    """The library cannot be opened; `problem` says why, the message says what to do."""

    def __init__(self, problem: OpenProblem, root: Path, message: str) -> None:
        super().__init__(message)
        self.problem = problem
        self.root = root

    @property
    def file(self) -> Path:
        return self.root / DB_NAME


# What SQLite blames on the file or the disk rather than on the statement.
_FILE_CODES = frozenset(
    (
        sqlite3.SQLITE_NOTADB,
        sqlite3.SQLITE_CORRUPT,
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_PERM,
    )
)


def _primary(error: sqlite3.Error) -> int:
    return getattr(error, "sqlite_errorcode", 0) & 0xFF  # the primary code of an extended one


@contextmanager
def classified(root: Path, *, sqlite_only: bool = False) -> Iterator[None]:
    """Turns what SQLite and the disk raise about the library at `root` into a
    LibraryOpenError. `sqlite_only` leaves the disk's own errors alone: past opening, an
    OSError is about something else (an export's folder, a reference image)."""
    try:
        yield
    except sqlite3.Error as exc:
        if _primary(exc) not in _FILE_CODES:
            raise  # a statement's own mistake is a bug, not the library's state
        raise open_error(exc, root) from exc
    except (OSError, SchemaTooNew) as exc:
        if sqlite_only:
            raise
        raise open_error(exc, root) from exc


def open_error(error: sqlite3.Error | OSError | SchemaTooNew, root: Path) -> LibraryOpenError:
    file = root / DB_NAME
    if isinstance(error, SchemaTooNew):
        return LibraryOpenError(
            OpenProblem.TOO_NEW,
            root,
            f"The library {file} was written by a newer Draft Studio (schema {error.found}, "
            f"this one reads up to {SCHEMA_VERSION}); update Draft Studio to open it.",
        )
    if isinstance(error, OSError):
        return _from_errno(error.errno, error.strerror, root)
    code = _primary(error)
    if code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
        return LibraryOpenError(
            OpenProblem.DAMAGED,
            root,
            f"The library file {file} is damaged ({error}); move it aside to start a new "
            "library, or restore it from a backup.",
        )
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return LibraryOpenError(
            OpenProblem.LOCKED,
            root,
            f"The library file {file} is locked by another program; close that program (or "
            "the other Draft Studio using it), then try again.",
        )
    if code == sqlite3.SQLITE_FULL:
        return _from_errno(errno.ENOSPC, None, root)
    # Otherwise SQLite says "unable to open", "read-only" or "disk I/O error" without the
    # reason; writing into the folder ourselves finds it (a full disk refuses the write as it
    # refused SQLite's, a read-only one says so).
    found = _probe(root)
    if found is not None:
        return _from_errno(*found, root)
    if code == sqlite3.SQLITE_READONLY:
        return LibraryOpenError(
            OpenProblem.READ_ONLY,
            root,
            f"The library file {file} is read-only; make it writable, or choose another "
            "library folder.",
        )
    if code == sqlite3.SQLITE_CANTOPEN:
        return _from_errno(errno.EACCES, None, root, file)
    return _from_errno(None, str(error), root)


def _from_errno(
    number: int | None, reason: str | None, root: Path, target: Path | None = None
) -> LibraryOpenError:
    if number in _FULL:
        return LibraryOpenError(
            OpenProblem.DISK_FULL,
            root,
            f"The disk holding the library {root / DB_NAME} is full; free some space, then "
            "try again.",
        )
    if number == errno.EROFS:
        return LibraryOpenError(
            OpenProblem.READ_ONLY,
            root,
            f"The library folder {root} is on a read-only disk; choose a library folder on a "
            "writable disk.",
        )
    if number in _DENIED:
        return LibraryOpenError(
            OpenProblem.NO_PERMISSION,
            root,
            f"Draft Studio is not allowed to write to {target or root}; give yourself read "
            "and write access to it, or choose another library folder.",
        )
    return LibraryOpenError(
        OpenProblem.UNAVAILABLE,
        root,
        f"The library at {root} cannot be opened ({(reason or 'unknown error').rstrip('.')}); "
        "check the disk and the folder, or choose another library folder.",
    )


def _probe(root: Path) -> tuple[int | None, str | None] | None:
    """Writes one block into the folder and removes it: the errno of the first refusal."""
    try:
        handle, name = tempfile.mkstemp(prefix=".write-test-", dir=root)
    except OSError as exc:
        return exc.errno, exc.strerror
    try:
        os.write(handle, _PROBE)
        os.fsync(handle)
    except OSError as exc:
        return exc.errno, exc.strerror
    finally:
        os.close(handle)
        os.unlink(name)
    return None


def move_aside(root: Path, now: dt.datetime | None = None) -> Path:
    """Renames the library file (and SQLite's files beside it, which belong to it) to
    library-damaged-<time>.sqlite3 in the same folder, so a new library can start there.
    Nothing is deleted; the images stay where they are. Returns the new name."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = root / f"library-damaged-{stamp}.sqlite3"
    number = 1
    while any(Path(f"{target}{s}").exists() for s in ("", *_COMPANIONS)):
        number += 1
        target = root / f"library-damaged-{stamp}-{number}.sqlite3"
    with classified(root):
        # The companions first: a file left with its old name would be taken as the new
        # library's WAL.
        for suffix in _COMPANIONS:
            companion = root / f"{DB_NAME}{suffix}"
            if companion.exists():
                os.rename(companion, f"{target}{suffix}")
        os.rename(root / DB_NAME, target)
    return target
