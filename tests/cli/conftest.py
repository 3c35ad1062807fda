from __future__ import annotations

# keyring's backend classes carry no annotations.
# mypy: disable-error-code="no-untyped-call"
import os
from collections.abc import Iterator

import keyring
import pytest
from keyring.backends import SecretService

from studio.core.paths import APP_NAME
from studio.core.secrets import USERNAME
from studio.sandbox import SandboxConfig, SandboxServer

# Read at import: the autouse fixture in tests/conftest.py clears every DRAFT_STUDIO_* variable.
_ALLOW_MISSING = os.environ.get("DRAFT_STUDIO_ALLOW_NO_SECRET_SERVICE") == "1"
_HOW_TO_RUN = (
    "These tests need a running Secret Service, but keyring chose {backend}. Run them with:\n"
    "  dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock "
    "--components=secrets >/dev/null; .venv/bin/pytest tests/cli'\n"
    "or set DRAFT_STUDIO_ALLOW_NO_SECRET_SERVICE=1 to skip them."
)


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """A sandbox in the test process; the CLI reaches it through GOOGLE_GEMINI_BASE_URL."""
    with SandboxServer(SandboxConfig(pixel_scale=0.05)) as server:
        yield server


@pytest.fixture
def app_keyring() -> Iterator[None]:
    """The real Secret Service entry the CLI uses (service draft-studio, user api-key).

    Refuses to run if an entry already exists, so a developer's own key is never overwritten,
    and removes whatever the test stored.
    """
    backend = keyring.get_keyring()
    if not isinstance(backend, SecretService.Keyring):
        if _ALLOW_MISSING:
            pytest.skip("no Secret Service and DRAFT_STUDIO_ALLOW_NO_SECRET_SERVICE=1")
        pytest.fail(_HOW_TO_RUN.format(backend=backend), pytrace=False)
    if keyring.get_password(APP_NAME, USERNAME) is not None:
        pytest.fail(
            f"The keyring already holds a '{APP_NAME}' key; refusing to overwrite it.",
            pytrace=False,
        )
    yield
    # The CLI's own `key delete` is tested elsewhere; here the entry goes whatever happened.
    if keyring.get_password(APP_NAME, USERNAME) is not None:
        keyring.delete_password(APP_NAME, USERNAME)
    assert keyring.get_password(APP_NAME, USERNAME) is None
