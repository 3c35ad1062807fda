from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

_QT_TESTS = Path(__file__).parent / "qt"
# Read at import: the autouse fixture below clears every DRAFT_STUDIO_* variable.
_ALLOW_NO_SECRET_SERVICE = os.environ.get("DRAFT_STUDIO_ALLOW_NO_SECRET_SERVICE") == "1"
HOW_TO_RUN_KEYRING_TESTS = (
    "These tests need a running Secret Service, but keyring chose {backend}. Run them with\n"
    "  bash tests/run.sh\n"
    "(packages: gnome-keyring dbus dbus-x11), or set DRAFT_STUDIO_ALLOW_NO_SECRET_SERVICE=1 "
    "to skip them."
)
# A closed qasync loop leaves its pending Qt timers registered (asyncio.timeout, wait_for and
# the SDK all schedule some); if the garbage collector frees the loop before they fire, Qt
# delivers them to a deleted object and the process segfaults. Loops live for the session.
_QT_LOOPS: list[object] = []


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, Callable[[], object]]:
    """Widget tests run on a real qasync loop; the Qt-free core keeps plain asyncio."""
    if _QT_TESTS not in Path(item.path).parents:
        return {"asyncio": asyncio.new_event_loop}
    from PySide6.QtWidgets import QApplication

    from studio.event_loop import QtEventLoop

    def make_loop() -> object:
        app = QApplication.instance() or QApplication([])
        assert isinstance(app, QApplication)
        # As in the app (studio/app.py): closing a window must not quit Qt, which would stop
        # the qasync loop under a test or fixture that is still awaiting its shutdown.
        app.setQuitOnLastWindowClosed(False)
        loop = QtEventLoop(app)
        _QT_LOOPS.append(loop)
        return loop

    return {"qt": make_loop}


# A developer's real key or proxy must never reach a test, and the SDK must never pick Vertex mode.
_SCRUBBED_PREFIXES = (
    "GEMINI_",
    "GOOGLE_API_KEY",
    "GOOGLE_GENAI_",
    "GOOGLE_GEMINI_",
    "DRAFT_STUDIO_",
)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith(_SCRUBBED_PREFIXES):
            monkeypatch.delenv(name)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    home = tmp_path / "home"
    monkeypatch.setenv("DRAFT_STUDIO_CONFIG", str(home / "config"))
    monkeypatch.setenv("DRAFT_STUDIO_LIBRARY", str(home / "library"))
    monkeypatch.setenv("DRAFT_STUDIO_LOGS", str(home / "logs"))
    return home


@pytest.fixture(scope="session")
def secret_service() -> None:
    """The real Secret Service, or a failure that says how to get one; never a silent pass."""
    import keyring
    from keyring.backends import SecretService

    backend = keyring.get_keyring()
    if isinstance(backend, SecretService.Keyring):
        return
    if _ALLOW_NO_SECRET_SERVICE:
        pytest.skip("no Secret Service and DRAFT_STUDIO_ALLOW_NO_SECRET_SERVICE=1")
    pytest.fail(HOW_TO_RUN_KEYRING_TESTS.format(backend=backend), pytrace=False)


@pytest.fixture
def service(secret_service: None) -> Iterator[str]:
    """A keyring service name of the test's own, removed afterwards."""
    import keyring

    from studio.core.secrets import USERNAME

    name = f"draft-studio-test-{uuid.uuid4().hex}"
    yield name
    if keyring.get_password(name, USERNAME) is not None:
        keyring.delete_password(name, USERNAME)
