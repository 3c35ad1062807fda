"""KeyStore against the real Secret Service (gnome-keyring on a private D-Bus session).

Run with:
    dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock \
        --components=secrets >/dev/null; .venv/bin/pytest tests/core/test_secrets.py'
"""

# keyring's backend classes carry no annotations.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import SecretService, fail, null
from keyring.backends.chainer import ChainerBackend

from studio.core.secrets import (
    NO_SECURE_KEYRING,
    USERNAME,
    ApiKey,
    KeyringUnavailable,
    KeySource,
    KeyStore,
    describe_backend,
)
from tests.conftest import HOW_TO_RUN_KEYRING_TESTS

KEY = "AIzaSyTESTtestTESTtestTESTtestTESTtes"
OTHER_KEY = "AIzaSyOTHERotherOTHERotherOTHERother1"


@pytest.fixture
def store(service: str) -> KeyStore:
    return KeyStore(service)


@pytest.fixture
def fail_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_store_resolve_delete_round_trip(store: KeyStore, service: str) -> None:
    assert store.resolve() is None

    store.store(f"  {KEY}\n")

    assert store.resolve() == ApiKey(KEY, KeySource.KEYRING)
    fresh_backend = SecretService.Keyring()
    assert fresh_backend.get_password(service, USERNAME) == KEY
    assert store.delete() is True
    assert store.resolve() is None
    assert fresh_backend.get_password(service, USERNAME) is None
    assert store.delete() is False


def test_store_replaces_the_previous_key(store: KeyStore) -> None:
    store.store(KEY)
    store.store(OTHER_KEY)

    assert store.resolve() == ApiKey(OTHER_KEY, KeySource.KEYRING)
    assert set(store.known_secrets()) == {KEY, OTHER_KEY}


def test_env_fallback_prefers_gemini_then_google(
    store: KeyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOOGLE_API_KEY", OTHER_KEY)
    assert store.resolve() == ApiKey(OTHER_KEY, KeySource.GOOGLE_API_KEY)

    monkeypatch.setenv("GEMINI_API_KEY", f" {KEY} ")
    assert store.resolve() == ApiKey(KEY, KeySource.GEMINI_API_KEY)

    store.store("AIzaSyKEYRINGkeyringKEYRINGkeyringKEYRI")
    assert store.resolve().source is KeySource.KEYRING  # type: ignore[union-attr]


def test_empty_env_values_are_ignored(store: KeyStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", "   ")
    assert store.resolve() is None


def test_session_key_wins_until_a_key_is_stored(store: KeyStore) -> None:
    store.store(KEY)
    store.use_for_session(f"{OTHER_KEY}\n")
    assert store.resolve() == ApiKey(OTHER_KEY, KeySource.SESSION)

    store.store(KEY)
    assert store.resolve() == ApiKey(KEY, KeySource.KEYRING)


def test_delete_forgets_the_session_key_too(store: KeyStore, service: str) -> None:
    store.use_for_session(KEY)

    assert store.delete() is True
    assert store.resolve() is None
    assert keyring.get_password(service, USERNAME) is None


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        ("", "it is empty"),
        (" \t\n", "it is empty"),
        (f"{KEY[:10]} {KEY[10:]}", "spaces or line breaks"),
        (f"{KEY}\u200b", "characters an API key never has"),
        (f"“{KEY}”", "characters an API key never has"),
    ],
)
def test_store_rejects_what_is_not_a_key_without_echoing_it(
    store: KeyStore, service: str, bad: str, problem: str
) -> None:
    with pytest.raises(ValueError, match="That doesn't look like an API key") as caught:
        store.store(bad)

    assert problem in str(caught.value)
    assert KEY[:10] not in str(caught.value)
    assert keyring.get_password(service, USERNAME) is None


def test_session_key_is_checked_the_same_way() -> None:
    with pytest.raises(ValueError, match="spaces or line breaks"):
        KeyStore().use_for_session("two words")


def test_known_secrets_lists_every_source(store: KeyStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_API_KEY", "google-env-key")
    monkeypatch.setenv("GEMINI_API_KEY", "gemini-env-key")
    store.store(KEY)
    store.use_for_session(OTHER_KEY)

    assert set(store.known_secrets()) == {KEY, OTHER_KEY, "google-env-key", "gemini-env-key"}


_LOCKED_SCRIPT = f"""
import os, secretstorage
from studio.core.secrets import KeyringUnavailable, KeyStore
store = KeyStore("draft-studio-test-locked")
store.store({KEY!r})
secretstorage.get_default_collection(secretstorage.dbus_init()).lock()
for action in (store.resolve, lambda: store.store({OTHER_KEY!r})):
    try:
        action()
    except KeyringUnavailable as exc:
        print(exc)
os.environ["GEMINI_API_KEY"] = {OTHER_KEY!r}
print(store.resolve().source)
"""


def test_a_locked_keyring_is_explained_and_env_still_works(tmp_path: Path) -> None:
    # Locking is one-way without a display to type the password into, so this runs on a
    # private keyring daemon instead of the one the other tests share.
    if not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")):
        pytest.fail(
            HOW_TO_RUN_KEYRING_TESTS.format(backend="no gnome-keyring-daemon"), pytrace=False
        )
    script = tmp_path / "locked.py"
    script.write_text(_LOCKED_SCRIPT, encoding="utf-8")
    shell = (
        "echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; "
        f"exec '{sys.executable}' '{script}'"
    )
    # Its own keyring folder: the shared one was created with another password.
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).parents[2]),
        "XDG_DATA_HOME": str(tmp_path / "keyrings"),
    }
    result = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", shell],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )

    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stderr
    assert len(lines) == 3, result.stdout
    assert all("keyring is locked" in line for line in lines[:2])
    assert lines[2] == KeySource.GEMINI_API_KEY
    assert KEY not in result.stdout + result.stderr


def test_secret_service_is_reported_secure(store: KeyStore) -> None:
    info = store.backend()

    assert info.secure
    assert info.name == "Secret Service (GNOME Keyring / KWallet)"
    assert info.explanation == "Your key is stored in the system keyring."


@pytest.mark.usefixtures("fail_keyring")
def test_without_a_keyring_store_refuses_and_env_still_works(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = KeyStore(f"draft-studio-test-{uuid.uuid4()}")
    info = store.backend()
    assert not info.secure
    assert info.explanation == NO_SECURE_KEYRING

    with pytest.raises(KeyringUnavailable, match="No secure keyring") as caught:
        store.store(KEY)
    assert KEY not in str(caught.value)

    assert store.resolve() is None
    assert store.delete() is False
    monkeypatch.setenv("GEMINI_API_KEY", KEY)
    assert store.resolve() == ApiKey(KEY, KeySource.GEMINI_API_KEY)


def test_a_chain_is_as_secure_as_the_backend_it_writes_to() -> None:
    class SecureFirst(ChainerBackend):
        backends = (SecretService.Keyring(), null.Keyring())

    class InsecureFirst(ChainerBackend):
        backends = (null.Keyring(), SecretService.Keyring())

    assert describe_backend(SecureFirst()).secure
    assert not describe_backend(InsecureFirst()).secure


def test_insecure_backends_are_recognised() -> None:
    class NoSecureChild(ChainerBackend):
        backends = (null.Keyring(),)

    class PlaintextKeyring(null.Keyring):
        priority = 0.5

    PlaintextKeyring.__module__ = "keyrings.alt.file"

    for backend in (null.Keyring(), NoSecureChild(), PlaintextKeyring()):
        assert not describe_backend(backend).secure, backend


def test_api_key_never_shows_its_value() -> None:
    key = ApiKey(KEY, KeySource.KEYRING)

    for text in (repr(key), str(key), f"{key}", repr([key])):
        assert KEY not in text
    assert "keyring" in str(key)
