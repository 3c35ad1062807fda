"""The API key never lands in a file Draft Studio writes, nor in anything the CLI prints."""

from __future__ import annotations

# mypy: disable-error-code="no-untyped-call"
import os
import secrets
import sqlite3
import string
from collections.abc import Iterable
from pathlib import Path

import pytest

from studio.core.logs import LOG_FILE
from studio.sandbox import SandboxServer
from tests.cli.helpers import Result, cli_env, run_cli, run_many

_ALPHABET = string.ascii_letters + string.digits


def _random(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def _folders() -> list[Path]:
    return [Path(os.environ[f"DRAFT_STUDIO_{name}"]) for name in ("LIBRARY", "CONFIG", "LOGS")]


def _needles(key: str) -> list[bytes]:
    # The whole key, and its random tail alone, so a partly masked key is caught too.
    return [key.encode(), key[-16:].encode()]


def find_in_files(folders: Iterable[Path], needles: list[bytes]) -> list[str]:
    """Every file under the folders (SQLite database, WAL and all) that holds a needle."""
    hits: list[str] = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                data = path.read_bytes()
                hits.extend(f"{path}: {n!r}" for n in needles if n in data)
    return hits


def find_in_output(results: Iterable[Result], needles: list[bytes]) -> list[str]:
    hits: list[str] = []
    for result in results:
        text = (result.stdout + result.stderr).encode()
        hits.extend(f"{' '.join(result.args)}: {n!r}" for n in needles if n in text)
    return hits


def test_the_search_finds_a_key_where_there_is_one(tmp_path: Path) -> None:
    key = f"AIzaLEAKCHECK{_random(26)}"
    needles = _needles(key)
    (tmp_path / "plain.log").write_text(f"header\nkey={key}\n", encoding="utf-8")
    nested = tmp_path / "deep" / "er"
    nested.mkdir(parents=True)
    db = sqlite3.connect(nested / "store.sqlite3")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE t (v TEXT)")
    db.execute("INSERT INTO t VALUES (?)", (f"masked ****{key[-16:]}",))
    db.commit()

    hits = find_in_files([tmp_path], needles)

    db.close()
    assert any("plain.log" in hit for hit in hits)
    assert any("store.sqlite3" in hit for hit in hits)  # the row, in the WAL or the database
    assert find_in_files([tmp_path / "deep"], [b"no such text anywhere"]) == []
    found = find_in_output([Result(("x",), 0, "", f"oops {key}\n")], needles)
    assert len(found) == 2


def test_the_search_sees_into_the_real_library() -> None:
    # A marker the CLI does store (in the prompt column) is found by the same search.
    marker = f"marker{_random(24)}"

    made = run_cli("generate", f"a lantern {marker}", "--sandbox")

    assert made.code == 0, str(made)
    hits = find_in_files(_folders(), [marker.encode()])
    assert any("library.sqlite3" in hit for hit in hits), hits


def _run_everything(sandbox: SandboxServer, env: dict[str, str]) -> list[Result]:
    """The CLI's ways of touching a key: checks, good and failing batches, verbose logging."""
    results = run_many(
        ("key", "where"),
        ("key", "test"),
        ("-v", "generate", "a lantern", "-n", "2", "--json"),
        env=env,
    )
    # Failing prompts retry five times each; a fast back-off keeps that under a second.
    results += run_many(
        ("-v", "generate", "a lantern [sandbox:503]"),
        ("-v", "generate", "a lantern [sandbox:malformed]"),
        env=env,
        fast_retry=True,
    )
    results += run_many(("library", "list"), ("library", "list", "--json"), env=env)
    codes = [r.code for r in results]
    assert codes == [0, 0, 0, 1, 1, 0, 0], "\n\n".join(map(str, results))
    assert len(sandbox.requests) >= 1 + 2 + 2 * 5  # key test, two images, two failed slots
    return results


def _check_no_leak(keys: list[str], results: list[Result]) -> None:
    needles = [n for key in keys for n in _needles(key)]
    log = Path(os.environ["DRAFT_STUDIO_LOGS"]) / LOG_FILE
    text = log.read_text(encoding="utf-8")
    # The log really recorded the run, so finding no key in it means something.
    assert "HTTP Request" in text
    assert "failed: overloaded" in text
    assert "failed: bad_response" in text
    assert any(p.name.endswith(".png") for p in _folders()[0].rglob("*"))
    assert find_in_files(_folders(), needles) == []
    assert find_in_output(results, needles) == []


@pytest.mark.usefixtures("app_keyring")
def test_a_key_from_the_keyring_never_leaks(sandbox: SandboxServer) -> None:
    key = f"AIzaLEAKCHECK{_random(26)}"
    # Only this key works, so a successful batch proves the CLI really sent it.
    sandbox.config.valid_keys = frozenset({key})
    env = cli_env(GOOGLE_GEMINI_BASE_URL=sandbox.base_url)

    stored = run_cli("key", "set", env=env, stdin=f"{key}\n")
    assert stored.code == 0, str(stored)
    results = [stored, *_run_everything(sandbox, env)]
    results.append(run_cli("key", "delete", env=env))
    assert results[-1].code == 0, str(results[-1])

    _check_no_leak([key], results)


def test_a_key_from_the_environment_never_leaks(sandbox: SandboxServer) -> None:
    key = _random(40)  # not shaped like a Google key: only the known-secret filter can hide it
    sandbox.config.valid_keys = frozenset({key})
    env = cli_env(GEMINI_API_KEY=key, GOOGLE_GEMINI_BASE_URL=sandbox.base_url)

    results = _run_everything(sandbox, env)

    _check_no_leak([key], results)


def test_a_rejected_key_never_leaks(sandbox: SandboxServer) -> None:
    good, bad = _random(40), f"AIzaLEAKCHECK{_random(26)}"
    sandbox.config.valid_keys = frozenset({good})
    env = cli_env(GOOGLE_API_KEY=bad, GOOGLE_GEMINI_BASE_URL=sandbox.base_url)

    results = run_many(
        ("-v", "key", "test"),
        ("-v", "generate", "a lantern", "-n", "3"),
        ("-v", "generate", "a lantern", "--json"),
        env=env,
    )

    assert [r.code for r in results] == [3, 3, 3], "\n\n".join(map(str, results))
    log = Path(os.environ["DRAFT_STUDIO_LOGS"]) / LOG_FILE
    assert "invalid_key" in log.read_text(encoding="utf-8")
    needles = _needles(bad)
    assert find_in_files(_folders(), needles) == []
    assert find_in_output(results, needles) == []


def test_a_key_typed_as_an_argument_is_not_echoed() -> None:
    key = f"AIzaLEAKCHECK{_random(26)}"

    result = run_cli("key", "set", key)

    assert result.code == 2, str(result)
    assert find_in_output([result], _needles(key)) == []
