from __future__ import annotations

# keyring's backend classes carry no annotations.
# mypy: disable-error-code="no-untyped-call"
from collections.abc import Iterator

import keyring
import pytest

from studio.core.paths import APP_NAME
from studio.core.secrets import USERNAME
from studio.sandbox import SandboxConfig, SandboxServer


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """A sandbox in the test process; the CLI reaches it through GOOGLE_GEMINI_BASE_URL."""
    with SandboxServer(SandboxConfig(pixel_scale=0.05)) as server:
        yield server


@pytest.fixture
def app_keyring(secret_service: None) -> Iterator[None]:
    """The real Secret Service entry the CLI uses (service draft-studio, user api-key).

    Refuses to run if an entry already exists, so a developer's own key is never overwritten,
    and removes whatever the test stored.
    """
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
