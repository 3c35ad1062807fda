"""`draft-studio key set|where|test|delete` against the real Secret Service.

Run inside a private D-Bus session with an unlocked gnome-keyring (see tests/cli/conftest.py).
"""

from __future__ import annotations

# mypy: disable-error-code="no-untyped-call"
import secrets
from functools import partial

import keyring
import pytest

from studio.core.paths import APP_NAME
from studio.core.secrets import USERNAME
from studio.sandbox import SandboxServer
from tests.cli.helpers import cli_env, parallel, run_cli

pytestmark = pytest.mark.usefixtures("app_keyring")


def _fake_key() -> str:
    return f"AIzaKEYCLI{secrets.token_hex(14)}"


def test_set_reads_stdin_and_where_says_keyring(sandbox: SandboxServer) -> None:
    key = _fake_key()

    stored = run_cli("key", "set", stdin=f"  {key}\n")

    assert stored.code == 0, str(stored)
    assert key not in stored.stdout + stored.stderr
    assert keyring.get_password(APP_NAME, USERNAME) == key  # trimmed, as given on stdin
    where = run_cli("key", "where")
    assert where.code == 0, str(where)
    assert "comes from: keyring" in where.stdout
    assert key not in where.stdout + where.stderr
    # The stored key is the one generate uses: the sandbox accepts only that key.
    sandbox.config.valid_keys = frozenset({key})
    made = run_cli(
        "generate", "a kite", "--json", env=cli_env(GOOGLE_GEMINI_BASE_URL=sandbox.base_url)
    )
    assert made.code == 0, str(made)


def test_set_refuses_a_key_on_the_command_line() -> None:
    # The key is read from stdin or a hidden prompt only, never from argv.
    result = run_cli("key", "set", _fake_key(), stdin="")

    assert result.code == 2, str(result)
    assert keyring.get_password(APP_NAME, USERNAME) is None


def test_set_rejects_what_is_not_a_key() -> None:
    texts = ("", "   \n", "two words\n", "AIza\u201cquoted\u201d\n")
    results = parallel(*(partial(run_cli, "key", "set", stdin=text) for text in texts))

    for text, result in zip(texts, results, strict=True):
        assert result.code == 2, str(result)
        assert len(result.stderr_lines) == 1, str(result)
        assert "doesn't look like an API key" in result.stderr
        if text.strip():
            assert text.strip() not in result.stderr
    assert keyring.get_password(APP_NAME, USERNAME) is None


def test_key_test_says_valid_against_the_sandbox(sandbox: SandboxServer) -> None:
    key = _fake_key()
    assert run_cli("key", "set", stdin=key).code == 0
    sandbox.config.valid_keys = frozenset({key})

    result = run_cli("key", "test", env=cli_env(GOOGLE_GEMINI_BASE_URL=sandbox.base_url))

    assert result.code == 0, str(result)
    assert "valid" in result.stdout
    assert "not valid" not in result.stdout
    assert key not in result.stdout + result.stderr
    assert [r.method for r in sandbox.requests] == ["GET"]


def test_key_test_with_an_invalid_key_exits_3(sandbox: SandboxServer) -> None:
    assert run_cli("key", "set", stdin="invalid-cli-key").code == 0

    result = run_cli("key", "test", env=cli_env(GOOGLE_GEMINI_BASE_URL=sandbox.base_url))

    assert result.code == 3, str(result)
    assert "not valid" in result.stdout
    assert "Traceback" not in result.stderr
    assert len(sandbox.requests) == 1


def test_key_test_when_the_service_is_unreachable_exits_1() -> None:
    assert run_cli("key", "set", stdin=_fake_key()).code == 0

    result = run_cli("key", "test")  # cli_env points at a closed port

    assert result.code == 1, str(result)
    assert "could not be reached" in result.stdout
    assert "Traceback" not in result.stderr


def test_delete_then_where_says_no_key() -> None:
    assert run_cli("key", "set", stdin=_fake_key()).code == 0

    deleted = run_cli("key", "delete")

    assert deleted.code == 0, str(deleted)
    assert "removed" in deleted.stderr
    assert keyring.get_password(APP_NAME, USERNAME) is None
    where = run_cli("key", "where")
    assert where.code == 0, str(where)
    assert "No key is set." in where.stdout
    assert "comes from" not in where.stdout
    again = run_cli("key", "delete")
    assert again.code == 0, str(again)
    assert "No key was stored" in again.stderr


def test_where_shows_the_environment_fallback() -> None:
    env_key = _fake_key()

    gemini, google = parallel(
        partial(run_cli, "key", "where", env=cli_env(GEMINI_API_KEY=env_key)),
        partial(run_cli, "key", "where", env=cli_env(GOOGLE_API_KEY=env_key)),
    )

    assert gemini.code == 0, str(gemini)
    assert "comes from: GEMINI_API_KEY" in gemini.stdout
    assert "comes from: GOOGLE_API_KEY" in google.stdout
    assert env_key not in gemini.stdout + gemini.stderr + google.stdout + google.stderr
    # A stored key wins over the environment.
    assert run_cli("key", "set", stdin=_fake_key()).code == 0
    stored = run_cli("key", "where", env=cli_env(GEMINI_API_KEY=env_key))
    assert "comes from: keyring" in stored.stdout
