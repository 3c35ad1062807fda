"""Nothing the app starts outlives it, on a real X server with no D-Bus session to find: Qt
asks for the session bus there (its accessibility bridge, its global-menu probe), which
libdbus would answer by starting `dbus-launch --autolaunch` and a `dbus-daemon`, both
reparented to init and left running after the app ends. Every process the app started
carries a mark in its environment, which is how the survivors are found."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.app_process import READY_ON_SANDBOX, desktop_env, end_by_signal, wait_until_logged

MARK = "DRAFT_STUDIO_TEST_PROCESS_MARK"

pytestmark = [
    pytest.mark.skipif(shutil.which("Xvfb") is None, reason="needs Xvfb (bash tests/run.sh)"),
    pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc"),
]


@pytest.fixture
def display() -> Iterator[str]:
    """A private X server; the display number is the one it picked and told."""
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert server.stdout is not None
    number = server.stdout.readline().strip()
    assert number.isdigit(), "Xvfb did not say which display it took"
    yield f":{number}"
    server.terminate()
    server.wait(timeout=10)


def _marked(mark: str) -> list[tuple[int, str]]:
    """Every process whose environment carries `mark`: (pid, command line)."""
    found = []
    needle = f"{MARK}={mark}".encode()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if needle in (proc / "environ").read_bytes().split(b"\0"):
                command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                found.append((int(proc.name), command.strip()))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def test_no_process_the_app_started_outlives_it(tmp_path: Path, display: str) -> None:
    mark = uuid.uuid4().hex
    env = desktop_env(tmp_path / "home", DISPLAY=display, QT_QPA_PLATFORM="xcb")
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    env[MARK] = mark
    app = subprocess.Popen(
        [sys.executable, "-m", "studio"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_logged(app, env, READY_ON_SANDBOX)
        assert [pid for pid, _ in _marked(mark)] != [], "the mark does not reach the app"

        end_by_signal(app)

        survivors = _marked(mark)
        assert survivors == [], f"still running after the app ended: {survivors}"
    finally:
        if app.poll() is None:
            app.kill()
            app.communicate()
        for pid, _ in _marked(mark):
            os.kill(pid, 9)
