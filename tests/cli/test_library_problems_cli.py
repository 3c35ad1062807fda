"""A library that cannot be opened ends every command with one sentence naming the file and
what to do, exit 1, no traceback; an error nothing expected names the log file instead."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from studio.core.library.database import DB_NAME
from studio.core.logs import LOG_FILE
from tests.cli.helpers import Result, cli_env, library_dir, run_cli, run_many
from tests.library_problems import (
    FILL_DISK,
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


def commands(out: Path) -> tuple[tuple[str, ...], ...]:
    """Commands that each open the library first; none may get any further."""
    return (
        ("library", "list"),
        ("library", "flag", "1", "pick"),
        ("generate", "a paper boat", "-n", "1", "--sandbox"),
        ("vary", "1", "--sandbox"),
        ("export", "--picks", "--to", str(out)),
    )


# The CLI with a short wait for a locked file: the real one waits 10 s before giving up.
_IMPATIENT = """\
import sys
import studio.core.library.database as database
database._BUSY_S = 0.2
from studio.cli.main import main
sys.exit(main(sys.argv[1:]))
"""
# The CLI with `library list` broken by a bug: an error nothing expected.
_BROKEN = """\
import sys
import studio.core.library.store as store
def list_drafts(*args, **kwargs):
    raise RuntimeError("a bug with a secret AIzaSyD3m0-k3y_f0r-T3sts-0nly-aBcDeFgHi")
store.Library.list_drafts = list_drafts
from studio.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def one_sentence(result: Result, starts: str) -> str:
    assert result.code == 1, str(result)
    assert "Traceback" not in result.stderr, str(result)
    (line,) = result.stderr_lines
    assert line.startswith(f"draft-studio: {starts}"), str(result)
    assert line.endswith("."), str(result)
    return line


@pytest.mark.parametrize("damage", [write_garbage, truncate], ids=["garbage", "truncated"])
def test_a_damaged_library_is_one_sentence_for_every_command(tmp_path: Path, damage):
    file = damage(library_dir())
    before = file.read_bytes()

    results = run_many(*commands(tmp_path / "out"))

    for result in results:
        line = one_sentence(result, f"The library file {file} is damaged")
        assert "move it aside to start a new library, or restore it from a backup" in line
        assert result.stdout == ""
    assert file.read_bytes() == before  # nothing was changed, let alone deleted
    assert not (tmp_path / "out").exists()


def test_damage_deep_inside_the_file_is_the_same_sentence():
    file = damage_deep_inside(library_dir())
    one_sentence(run_cli("library", "list"), f"The library file {file} is damaged")


def test_a_library_from_a_newer_app():
    file = from_a_newer_app(library_dir())
    line = one_sentence(run_cli("library", "list"), f"The library {file} was written by a newer")
    assert line.endswith("update Draft Studio to open it.")


def test_a_library_locked_by_another_process():
    new_library(library_dir())
    with locked_by_another_process(library_dir()):
        result = run_python(_IMPATIENT, "library", "list")
    one_sentence(result, f"The library file {library_dir() / DB_NAME} is locked by another")


def test_a_library_folder_nobody_may_write_to():
    new_library(library_dir())
    with unwritable(library_dir()):
        result = run_cli("library", "list")
    line = one_sentence(result, f"Draft Studio is not allowed to write to {library_dir()}")
    assert line.endswith("or choose another library folder.")


def test_a_library_on_a_read_only_disk(tmp_path: Path):
    disk = tmp_path / "disk"
    new_library(disk / "library")
    env = cli_env(DRAFT_STUDIO_LIBRARY=str(disk / "library"))

    script = MAKE_READ_ONLY + 'exec "$2" -m studio library list'

    ran = in_private_mounts(script, str(disk), sys.executable, env=env)

    result = Result(("library", "list"), ran.returncode, ran.stdout, ran.stderr)
    one_sentence(result, f"The library folder {disk / 'library'} is on a read-only disk")


def test_a_library_on_a_full_disk(tmp_path: Path):
    # Everything on the tiny disk, the log too, as when a user's whole home fills up.
    disk = tmp_path / "disk"
    disk.mkdir()
    env = cli_env(
        DRAFT_STUDIO_LIBRARY=str(disk / "library"),
        DRAFT_STUDIO_LOGS=str(disk / "logs"),
        DRAFT_STUDIO_CONFIG=str(disk / "config"),
    )
    script = MOUNT_TINY_DISK + '"$2" -m studio library list 2>/dev/null\n' + FILL_DISK
    script += 'exec "$2" -m studio library list'

    ran = in_private_mounts(script, str(disk), sys.executable, env=env)

    result = Result(("library", "list"), ran.returncode, ran.stdout, ran.stderr)
    line = one_sentence(result, f"The disk holding the library {disk / 'library' / DB_NAME}")
    assert line.endswith("is full; free some space, then try again.")


def test_an_unexpected_error_names_the_log_and_keeps_the_traceback_there():
    new_library(library_dir())
    log = Path(os.environ["DRAFT_STUDIO_LOGS"]) / LOG_FILE

    result = run_python(_BROKEN, "library", "list")

    assert one_sentence(result, "unexpected error") == (
        f"draft-studio: unexpected error; details are in {log}."
    )
    logged = log.read_text(encoding="utf-8")
    assert "Traceback" in logged
    assert "RuntimeError: a bug with a secret [redacted]" in logged


def run_python(script: str, *args: str) -> Result:
    """The CLI's main() run by `script`, which first changes what the test needs changed."""
    ran = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=60,
        check=False,
    )
    return Result(args, ran.returncode, ran.stdout, ran.stderr)
