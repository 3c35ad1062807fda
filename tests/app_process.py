"""The desktop app as a process of its own, for tests that start it as a user would (a
script, `python -m studio`) and end it by SIGTERM. Readiness is the log line the app writes
once its engine runs, in the log folder the test's environment names."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

READY_ON_SANDBOX = "engine started on the offline sandbox"
# Bounds on waiting, a hang included; how fast the app starts and ends is the bench's business.
START_TIMEOUT_S = 60
EXIT_TIMEOUT_S = 15


def desktop_env(home: Path, **extra: str) -> dict[str, str]:
    """The test's environment with a home and XDG folders of the app's own, no keyring (so
    no key: the sandbox) and Qt drawing offscreen unless `extra` says otherwise."""
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_RUNTIME_DIR": str(home / "runtime"),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    (home / "runtime").mkdir(parents=True, exist_ok=True, mode=0o700)
    env.update(extra)
    return env


def _log(env: dict[str, str]) -> Path:
    return Path(env["DRAFT_STUDIO_LOGS"]) / "draft-studio.log"


def wait_until_logged(app: subprocess.Popen[str], env: dict[str, str], line: str) -> None:
    log = _log(env)
    deadline = time.monotonic() + START_TIMEOUT_S
    while not (log.exists() and line in log.read_text(encoding="utf-8")):
        if app.poll() is not None or time.monotonic() > deadline:
            app.kill()
            _, stderr = app.communicate()
            pytest.fail(f"the app never logged {line!r} (exit {app.returncode}):\n{stderr}")
        time.sleep(0.05)


def end_by_signal(
    app: subprocess.Popen[str],
    signum: signal.Signals = signal.SIGTERM,
    timeout_s: float = EXIT_TIMEOUT_S,
) -> str:
    """Sends the signal, expects exit 0 without a traceback; returns what the app said on
    stderr."""
    app.send_signal(signum)
    try:
        _, stderr = app.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        app.kill()
        _, stderr = app.communicate()
        pytest.fail(f"the app did not end within {timeout_s} s of {signum.name}:\n{stderr}")
    assert app.returncode == 0, stderr
    assert "Traceback" not in stderr, stderr
    return str(stderr)
