"""Running the real `draft-studio` command in a subprocess, and reading what it left behind."""

from __future__ import annotations

import json
import os
import queue
import re
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, Any

from PIL import Image

from studio.core.library import Library

_SCRIPT = Path(sys.executable).with_name("draft-studio")
# The console script when the venv has one, so the packaged entry point is what runs.
CLI: tuple[str, ...] = (str(_SCRIPT),) if _SCRIPT.exists() else (sys.executable, "-m", "studio")

# The CLI gives no way to shorten the engine's back-off (about 11 s for five failures), so
# tests about persistent faults run the same main() with a faster default RetryPolicy.
_FAST_RETRY = """\
import functools, sys
import studio.core.engine.engine as engine
engine.RetryPolicy = functools.partial(engine.RetryPolicy, base_delay_s=0.02, max_delay_s=0.1)
from studio.cli.main import main
sys.exit(main(sys.argv[1:]))
"""
FAST_RETRY_CLI: tuple[str, ...] = (sys.executable, "-c", _FAST_RETRY)

# Nothing a test starts may ever reach the real service, even if a real key is around:
# port 9 (discard) on the loopback refuses the connection.
NOWHERE = "http://127.0.0.1:9"

FAST_SANDBOX = {
    "DRAFT_STUDIO_SANDBOX_LATENCY": "0",
    "DRAFT_STUDIO_SANDBOX_JITTER": "0",
    "DRAFT_STUDIO_SANDBOX_PIXEL_SCALE": "0.05",
}


@dataclass(frozen=True)
class Result:
    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str

    @property
    def stderr_lines(self) -> list[str]:
        return self.stderr.strip().splitlines()

    def json(self) -> Any:
        lines = self.stdout.strip().splitlines()
        assert len(lines) == 1, f"expected one line of JSON on stdout, got:\n{self.stdout}"
        return json.loads(lines[0])

    def __str__(self) -> str:
        return (
            f"draft-studio {' '.join(self.args)} -> exit {self.code}\n"
            f"--- stdout ---\n{self.stdout}\n--- stderr ---\n{self.stderr}"
        )


def cli_env(**extra: str) -> dict[str, str]:
    env = os.environ.copy()
    env.update(FAST_SANDBOX)
    env.setdefault("GOOGLE_GEMINI_BASE_URL", NOWHERE)
    env.update(extra)
    return env


def run_cli(
    *args: str,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
    fast_retry: bool = False,
    timeout: float = 60,
) -> Result:
    command = (*(FAST_RETRY_CLI if fast_retry else CLI), *args)
    completed = subprocess.run(
        command,
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        env=env if env is not None else cli_env(),
        timeout=timeout,
        check=False,
    )
    return Result(tuple(args), completed.returncode, completed.stdout, completed.stderr)


def parallel(*calls: Callable[[], Result]) -> list[Result]:
    """Independent commands at once (two cores halve the wait); results in the given order."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda call: call(), calls))


def run_many(
    *commands: tuple[str, ...], env: dict[str, str] | None = None, fast_retry: bool = False
) -> list[Result]:
    """Like run_cli for each command, all at once."""
    return parallel(*(partial(run_cli, *a, env=env, fast_retry=fast_retry) for a in commands))


def library_dir() -> Path:
    return Path(os.environ["DRAFT_STUDIO_LIBRARY"])


def list_drafts(env: dict[str, str] | None = None, *flags: str) -> list[dict[str, Any]]:
    result = run_cli("library", "list", "--json", *flags, env=env)
    assert result.code == 0, str(result)
    drafts = result.json()
    assert isinstance(drafts, list), str(result)
    return drafts


ARRIVED = re.compile(r"^draft (\d+): arrived \(")


@dataclass(frozen=True)
class Interrupted:
    arrived: set[int]  # drafts the CLI reported as arrived before the signal
    stderr_lines: list[str]  # every line, including those written after the signal
    stdout: str
    code: int


def _pump(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line.rstrip("\n"))
    lines.put(None)


def signal_after_arrivals(
    args: list[str],
    env: dict[str, str],
    arrivals: int,
    signum: int,
    timeout: float = 30,
    arrived: re.Pattern[str] = ARRIVED,
) -> Interrupted:
    """Runs the CLI with stderr piped (so one line per event) and sends `signum` once it has
    reported `arrivals` images (lines matching `arrived`, whose group 1 is the draft id);
    returns what it said and how it ended."""
    process = subprocess.Popen(
        [*CLI, *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    lines: queue.Queue[str | None] = queue.Queue()
    pump = threading.Thread(target=_pump, args=(process.stderr, lines), daemon=True)
    pump.start()
    seen_ids: set[int] = set()
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    try:
        while len(seen_ids) < arrivals and time.monotonic() < deadline:
            try:
                line = lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break  # the process ended on its own: the caller's assertions say so
            seen.append(line)
            if match := arrived.match(line):
                seen_ids.add(int(match.group(1)))
        if process.poll() is None:
            os.kill(process.pid, signum)
    finally:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    pump.join(timeout=10)
    while (line := lines.get_nowait() if not lines.empty() else None) is not None:
        seen.append(line)
    return Interrupted(seen_ids, seen, process.stdout.read(), process.returncode)


def stored_drafts(batch_id: int | None = None) -> list[dict[str, Any]]:
    """The drafts as `library list --json` shows them, read in this process (no CLI start-up)."""
    with Library.open(library_dir()) as library:
        drafts = [d.to_json() for d in library.list_drafts(include_deleted=True)]
    return [d for d in drafts if batch_id is None or d["batch_id"] == batch_id]


def decodes(path: Path) -> bool:
    """Whether the file is a whole image: load() reads every pixel, so truncation fails."""
    try:
        with Image.open(path) as image:
            image.load()
    except (OSError, SyntaxError, ValueError):
        return False
    return True


def db_rows(root: Path, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
    """Reads the library's SQLite file directly, for what the CLI does not show."""
    db = sqlite3.connect(root / "library.sqlite3")
    try:
        db.row_factory = sqlite3.Row
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


_NO_PACKAGE_MANAGER = """\
#!/bin/sh
echo "test: $(basename "$0") must not run here" >&2
exit 1
"""


def path_without_package_manager(folder: Path) -> str:
    """A PATH on which apt-get and sudo fail loudly: set-up under test never installs."""
    folder.mkdir()
    for name in ("apt-get", "sudo"):
        (folder / name).write_text(_NO_PACKAGE_MANAGER)
        (folder / name).chmod(0o755)
    return f"{folder}{os.pathsep}{os.environ['PATH']}"
