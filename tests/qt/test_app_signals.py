"""The real app as a process of its own (`python -m studio`, offscreen, no key, no keyring:
the offline sandbox in its own process) ends cleanly on SIGTERM, SIGINT and SIGHUP: exit 0,
its library closed (no slot queued or running, its session gone) and the sandbox process
gone with it. Readiness is the log line the app writes once its engine runs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.app_process import end_by_signal
from tests.cli.helpers import db_rows

READY = "engine started on the offline sandbox"
# Bounds on waiting, a hang included; how fast the app starts and ends is the bench's business.
START_TIMEOUT_S = 60
EXIT_TIMEOUT_S = 10
SIGNALS = [
    pytest.param(signal.SIGTERM, id="SIGTERM"),
    pytest.param(signal.SIGINT, id="SIGINT"),
    pytest.param(signal.SIGHUP, id="SIGHUP"),
]


@pytest.fixture
def app() -> Iterator[subprocess.Popen[str]]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "studio"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    yield process
    if process.poll() is None:
        process.kill()
        process.communicate()


def _log() -> Path:
    return Path(os.environ["DRAFT_STUDIO_LOGS"]) / "draft-studio.log"


def _wait_for(what: str, app: subprocess.Popen[str], ready: Callable[[], bool]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while not ready():
        if app.poll() is not None or time.monotonic() > deadline:
            app.kill()
            _, stderr = app.communicate()
            pytest.fail(f"the app never got to {what} (exit {app.returncode}):\n{stderr}")
        time.sleep(0.05)


def _logged(line: str) -> bool:
    return _log().exists() and line in _log().read_text(encoding="utf-8")


def _children(pid: int) -> set[int]:
    """Every child process, whichever of its threads started it (Linux /proc)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text()
        found.update(int(child) for child in text.split())
    return found


def _ends_cleanly(app: subprocess.Popen[str], signum: signal.Signals) -> None:
    end_by_signal(app, signum, EXIT_TIMEOUT_S)
    library = Path(os.environ["DRAFT_STUDIO_LIBRARY"])
    unfinished = "SELECT id FROM drafts WHERE status IN ('queued', 'running', 'retrying')"
    assert db_rows(library, unfinished) == []
    assert db_rows(library, "SELECT id FROM sessions") == []


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads children from /proc")
@pytest.mark.parametrize("signum", SIGNALS)
def test_a_signal_ends_the_running_app_and_its_sandbox(
    app: subprocess.Popen[str], signum: signal.Signals
) -> None:
    _wait_for("its engine", app, lambda: _logged(READY))
    sandboxes = [
        child
        for child in _children(app.pid)
        if b"studio.sandbox" in Path(f"/proc/{child}/cmdline").read_bytes()
    ]
    assert len(sandboxes) == 1

    _ends_cleanly(app, signum)

    assert not Path(f"/proc/{sandboxes[0]}").exists()


def test_a_signal_while_it_starts_ends_it_too(app: subprocess.Popen[str]) -> None:
    # The log file is made while the library opens, before the window exists.
    _wait_for("its log", app, _log().exists)

    _ends_cleanly(app, signal.SIGTERM)
