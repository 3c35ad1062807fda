"""Libraries that cannot be opened, made for real: damaged, from a newer Draft Studio, locked
by another process, on a full or a read-only disk, in a folder nobody may write to.

A full and a read-only disk are a tiny tmpfs and a read-only bind mount in a mount namespace
of the test's own (`unshare`): nobody else sees them, and they vanish with the process."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from studio.core.library import BatchRecord, Library
from studio.core.library.database import DB_NAME
from studio.core.library.schema import SCHEMA_VERSION

GARBAGE = bytes(range(256)) * 64
# Room for a new library and its first session, not for much more.
TINY_DISK = "1m"

_HOLD_LOCK = """\
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA locking_mode=EXCLUSIVE")
db.execute("BEGIN EXCLUSIVE")
db.execute("INSERT INTO sessions VALUES ('another program', 1, 0)")
print("held", flush=True)
time.sleep(120)
"""


def new_library(root: Path, batches: int = 0) -> Path:
    """A real library with `batches` batches of 20 slots; returns its SQLite file."""
    with Library.open(root) as library:
        for number in range(batches):
            library.create_batch(
                BatchRecord(
                    f"batch {number}, " * 20,
                    "gemini-3.1-flash-lite-image",
                    "1:1",
                    "1K",
                    tuple(range(20)),
                )
            )
    return root / DB_NAME


def write_garbage(root: Path) -> Path:
    """A library whose file was overwritten with bytes that are not SQLite."""
    file = new_library(root)
    file.write_bytes(GARBAGE)
    return file


def truncate(root: Path) -> Path:
    """A library whose file lost its end (a copy cut short)."""
    file = new_library(root, batches=5)
    with open(file, "r+b") as handle:
        handle.truncate(file.stat().st_size // 3)
    return file


def damage_deep_inside(root: Path) -> Path:
    """A library whose first pages (the schema, the sessions) are fine and the rest (the
    drafts, their indexes) is not: it opens, and the first full read fails."""
    # The pages an empty library has hold its schema (however many tables a version adds);
    # the drafts written afterwards come after them.
    file = new_library(root)
    db = sqlite3.connect(file)
    intact = db.execute("PRAGMA page_count").fetchone()[0]
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    new_library(root, batches=30)
    size = file.stat().st_size
    with open(file, "r+b") as handle:
        handle.seek(intact * page_size)
        handle.write(b"\xff" * (size - intact * page_size))
    return file


def from_a_newer_app(root: Path) -> Path:
    file = new_library(root)
    db = sqlite3.connect(file)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    return file


@contextlib.contextmanager
def locked_by_another_process(root: Path) -> Iterator[None]:
    """Another process holds the library's file in an exclusive transaction, as a database
    browser or a backup tool might."""
    file = root / DB_NAME
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(file)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.kill()
        holder.wait()


@contextlib.contextmanager
def unwritable(path: Path) -> Iterator[None]:
    """`path` (a file or a folder) refuses writes, even to root: chmod for others, the
    immutable attribute for root (for whom chmod changes nothing)."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(path)], check=False).returncode:
        pytest.skip("root needs chattr +i (not on this filesystem) to make a file unwritable")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(path)], check=True)


def _unshare() -> list[str]:
    return ["unshare", "--mount", "--map-root-user"]


@cache
def _namespaces_allowed() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run([*_unshare(), "true"], capture_output=True, check=False)
    return probe.returncode == 0


def in_private_mounts(
    script: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Runs `sh -c script` with `args` as $1… in a mount namespace of its own, where it may
    mount a tmpfs or a read-only bind that nobody else sees. Skips where the system allows
    no namespaces (a container without them): a full disk cannot be made honestly there."""
    if not _namespaces_allowed():
        pytest.skip("a full or read-only disk needs a mount namespace (unshare), not allowed here")
    return subprocess.run(
        [*_unshare(), "sh", "-c", f"set -e\n{script}", "sh", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


# Steps for in_private_mounts scripts. $1 becomes a disk of TINY_DISK; then FILL_DISK fills it.
MOUNT_TINY_DISK = f'mount -t tmpfs -o size={TINY_DISK} draft-studio-test "$1"\n'
FILL_DISK = 'dd if=/dev/zero of="$1/filler" bs=64k 2>/dev/null || true\n'
# $1 (a folder) becomes read-only: a bind mount of itself, remounted read-only.
MAKE_READ_ONLY = 'mount --bind "$1" "$1"\nmount -o remount,ro,bind "$1"\n'
