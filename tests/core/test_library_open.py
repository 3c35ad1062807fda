"""A library that cannot be opened says why in one LibraryOpenError (a kind and a sentence
naming the file and what to do), tried for real for each kind; and a damaged file can be
moved aside, never deleted, so a new library starts in its place."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import sys
from pathlib import Path

import pytest

import studio.core.library.database as database
from studio.core.library import Library, LibraryOpenError, OpenProblem, move_aside
from studio.core.library.database import DB_NAME
from studio.core.library.opening import classified
from tests.library_problems import (
    FILL_DISK,
    GARBAGE,
    MAKE_READ_ONLY,
    MOUNT_TINY_DISK,
    damage_deep_inside,
    from_a_newer_app,
    in_private_mounts,
    locked_by_another_process,
    new_library,
    truncate,
    unwritable,
    write_garbage,
)

# Opens each library named on the command line; prints [kind, sentence] for each.
_OPEN_EACH = """\
import json, sys
from studio.core.library import Library, LibraryOpenError
said = []
for root in sys.argv[1:]:
    try:
        Library.open(root).close()
        said.append(["opened", ""])
    except LibraryOpenError as exc:
        said.append([exc.problem.value, str(exc)])
print(json.dumps(said))
"""


def refusal(root: Path) -> LibraryOpenError:
    with pytest.raises(LibraryOpenError) as refused:
        Library.open(root)
    return refused.value


def open_in_private_mounts(script: str, folder: Path) -> list[list[str]]:
    folder.mkdir(exist_ok=True)
    ran = in_private_mounts(script, str(folder), sys.executable, _OPEN_EACH)
    assert ran.returncode == 0, ran.stderr
    return list(json.loads(ran.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("damage", [write_garbage, truncate], ids=["garbage", "truncated"])
def test_a_damaged_file_is_named_with_what_to_do(tmp_path: Path, damage):
    file = damage(tmp_path)

    problem = refusal(tmp_path)

    assert problem.problem is OpenProblem.DAMAGED
    assert problem.file == file
    assert str(file) in str(problem)
    assert "is damaged" in str(problem)
    assert "move it aside to start a new library" in str(problem)


def test_a_library_from_a_newer_app_says_to_update(tmp_path: Path):
    file = from_a_newer_app(tmp_path)

    problem = refusal(tmp_path)

    assert problem.problem is OpenProblem.TOO_NEW
    assert str(file) in str(problem)
    assert "update Draft Studio to open it" in str(problem)


def test_a_library_locked_by_another_process_says_so_and_leaves_nothing_held(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    new_library(tmp_path)
    monkeypatch.setattr(database, "_BUSY_S", 0.2)

    with locked_by_another_process(tmp_path):
        problem = refusal(tmp_path)

    assert problem.problem is OpenProblem.LOCKED
    assert str(tmp_path / DB_NAME) in str(problem)
    assert "locked by another program" in str(problem)
    # What the failed open took (its session lock, its connection) is given back.
    assert list((tmp_path / "sessions").iterdir()) == []
    with Library.open(tmp_path) as library:
        assert library.integrity_check() == "ok"


def test_a_library_folder_nobody_may_write_to(tmp_path: Path):
    existing = tmp_path / "existing"
    new_library(existing)
    with unwritable(existing):
        problem = refusal(existing)
    assert problem.problem is OpenProblem.NO_PERMISSION
    assert str(existing) in str(problem)
    assert "choose another library folder" in str(problem)


def test_a_new_library_in_a_folder_nobody_may_write_to(tmp_path: Path):
    parent = tmp_path / "parent"
    parent.mkdir()
    with unwritable(parent):
        problem = refusal(parent / "library")
    assert problem.problem is OpenProblem.NO_PERMISSION
    assert str(parent / "library") in str(problem)


def test_a_read_only_library_file(tmp_path: Path):
    file = new_library(tmp_path)
    with unwritable(file):
        problem = refusal(tmp_path)
    assert problem.problem is OpenProblem.READ_ONLY
    assert f"The library file {file} is read-only" in str(problem)


def test_a_library_on_a_read_only_disk(tmp_path: Path):
    disk = tmp_path / "disk"
    new_library(disk / "library")

    said = open_in_private_mounts(MAKE_READ_ONLY + '"$2" -c "$3" "$1/library" "$1/new"', disk)

    assert [kind for kind, _ in said] == ["read-only", "read-only"]
    assert f"The library folder {disk / 'library'} is on a read-only disk" in said[0][1]
    assert f"The library folder {disk / 'new'} is on a read-only disk" in said[1][1]


def test_a_library_on_a_full_disk(tmp_path: Path):
    # A real tmpfs of 1 MB: the library is made while there is room, then the disk fills.
    disk = tmp_path / "disk"
    script = MOUNT_TINY_DISK + '"$2" -c "$3" "$1/library"\n' + FILL_DISK
    script += '"$2" -c "$3" "$1/library" "$1/new"'

    said = open_in_private_mounts(script, disk)

    assert [kind for kind, _ in said] == ["disk-full", "disk-full"]
    assert f"The disk holding the library {disk / 'library' / DB_NAME} is full" in said[0][1]
    assert "free some space, then try again" in said[0][1]


def test_damage_deeper_than_opening_reads_is_told_as_damage(tmp_path: Path):
    damage_deep_inside(tmp_path)
    library = Library.open(tmp_path)  # the header and the sessions are fine

    with pytest.raises(LibraryOpenError) as refused, classified(tmp_path, sqlite_only=True):
        library.list_drafts(include_deleted=True)
    assert refused.value.problem is OpenProblem.DAMAGED

    # Closing meets the same damage, and still lets go of the file and the session.
    with pytest.raises(sqlite3.DatabaseError):
        library.close()
    assert list((tmp_path / "sessions").iterdir()) == []


def test_only_the_library_state_is_classified_not_a_bug_or_another_folder(tmp_path: Path):
    with pytest.raises(sqlite3.OperationalError), classified(tmp_path, sqlite_only=True):
        sqlite3.connect(":memory:").execute("SELECT nonsense FROM nowhere")
    with pytest.raises(FileNotFoundError), classified(tmp_path, sqlite_only=True):
        (tmp_path / "an export folder" / "x.png").read_bytes()


def test_moving_a_damaged_file_aside_keeps_every_byte_and_starts_anew(tmp_path: Path):
    file = write_garbage(tmp_path)
    wal = tmp_path / f"{DB_NAME}-wal"
    wal.write_bytes(b"the damaged file's own log")
    image = tmp_path / "images" / "2026-01" / "kept.png"
    image.parent.mkdir(parents=True)
    image.write_bytes(b"an image")
    when = dt.datetime(2026, 3, 4, 5, 6, 7)

    moved = move_aside(tmp_path, when)

    assert moved == tmp_path / "library-damaged-20260304-050607.sqlite3"
    assert moved.read_bytes() == GARBAGE
    assert Path(f"{moved}-wal").read_bytes() == b"the damaged file's own log"
    assert not file.exists()
    assert not wal.exists()
    assert image.read_bytes() == b"an image"
    with Library.open(tmp_path) as library:
        assert library.list_drafts(include_deleted=True) == []
        assert library.integrity_check() == "ok"

    # Moved aside again in the same second, the first one keeps its name and bytes.
    file.unlink()
    (tmp_path / f"{DB_NAME}-wal").unlink(missing_ok=True)
    (tmp_path / f"{DB_NAME}-shm").unlink(missing_ok=True)
    file.write_bytes(b"a second damaged file")
    again = move_aside(tmp_path, when)
    assert again == tmp_path / "library-damaged-20260304-050607-2.sqlite3"
    assert again.read_bytes() == b"a second damaged file"
    assert moved.read_bytes() == GARBAGE


def test_moving_aside_where_it_may_not_rename_says_why(tmp_path: Path):
    file = write_garbage(tmp_path)
    with unwritable(tmp_path), pytest.raises(LibraryOpenError) as refused:
        move_aside(tmp_path)
    assert refused.value.problem is OpenProblem.NO_PERMISSION
    assert file.read_bytes() == GARBAGE
