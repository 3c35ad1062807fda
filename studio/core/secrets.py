"""The Gemini API key: kept in the OS keyring, never in settings, logs or messages.

Every keyring call may block on D-Bus or an unlock prompt, so async callers run these
methods through `asyncio.to_thread`.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum

import keyring
import keyring.backend
import keyring.core
import keyring.errors
from keyring.backends.chainer import ChainerBackend

from studio.core.paths import APP_NAME

USERNAME = "api-key"
ENV_VARS = ("GEMINI_API_KEY", "GOOGLE_API_KEY")
GOOGLE_KEY_PATTERN = re.compile(r"AIza[0-9A-Za-z_\-]{35}")

NO_SECURE_KEYRING = (
    "No secure keyring is available on this computer, so Draft Studio cannot save your key. "
    "You can paste it for this session only, or set GEMINI_API_KEY."
)
STORED_IN_KEYRING = "Your key is stored in the system keyring."
KEYRING_LOCKED = (
    "The system keyring is locked, so Draft Studio cannot reach your key. "
    "Unlock it (logging out and in again usually does) or paste the key for this session only."
)
KEYRING_FAILED = (
    "The system keyring did not answer, so Draft Studio cannot reach your key. "
    "Try again, or paste the key for this session only."
)

_SECURE_BACKENDS = {
    "keyring.backends.SecretService.Keyring": "Secret Service (GNOME Keyring / KWallet)",
    "keyring.backends.libsecret.Keyring": "Secret Service (libsecret)",
    "keyring.backends.kwallet.DBusKeyring": "KWallet",
    "keyring.backends.kwallet.DBusKeyringKWallet4": "KWallet",
    "keyring.backends.macOS.Keyring": "macOS Keychain",
    "keyring.backends.Windows.WinVaultKeyring": "Windows Credential Manager",
}
_INSECURE_NAMES = {
    "keyring.backends.fail.Keyring": "No keyring",
    "keyring.backends.null.Keyring": "Keyring turned off",
}


class KeySource(StrEnum):
    KEYRING = "keyring"
    GEMINI_API_KEY = "GEMINI_API_KEY"
    GOOGLE_API_KEY = "GOOGLE_API_KEY"
    SESSION = "this session only"


@dataclass(frozen=True, slots=True)
class ApiKey:
    value: str = field(repr=False)
    source: KeySource

    def __str__(self) -> str:
        return f"API key from {self.source}"


@dataclass(frozen=True, slots=True)
class BackendInfo:
    name: str
    secure: bool
    explanation: str


class KeyringUnavailable(Exception):
    """The keyring cannot be used right now; the message tells the user what to do instead."""


class KeyStore:
    """One service's API key in the OS keyring, plus the fallbacks when there is none.

    `resolve` prefers, in order: a key given for this session, the keyring, GEMINI_API_KEY,
    GOOGLE_API_KEY. A session key wins over the keyring because it is the user's latest
    explicit choice and it vanishes on exit; `store` and `delete` clear it so the choice they
    express takes effect at once.
    """

    def __init__(self, service: str = APP_NAME) -> None:
        self._service = service
        self._session: str | None = None
        # Every value seen in this process, so the log filter can redact keys we replaced or
        # deleted without a keyring round trip per log record.
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def backend(self) -> BackendInfo:
        return describe_backend(keyring.get_keyring())

    def resolve(self) -> ApiKey | None:
        if self._session is not None:
            return ApiKey(self._session, KeySource.SESSION)
        failure: KeyringUnavailable | None = None
        if self.backend().secure:
            try:
                with _plain_errors():
                    stored = keyring.get_password(self._service, USERNAME)
            except KeyringUnavailable as exc:
                failure = exc
            else:
                if stored:
                    self._remember(stored)
                    return ApiKey(stored, KeySource.KEYRING)
        for name in ENV_VARS:
            value = os.environ.get(name, "").strip()
            if value:
                self._remember(value)
                return ApiKey(value, KeySource(name))
        # A broken keyring only matters when nothing else supplies a key.
        if failure is not None:
            raise failure
        return None

    def store(self, key: str) -> None:
        value = normalise_key(key)
        if not self.backend().secure:
            raise KeyringUnavailable(NO_SECURE_KEYRING)
        self._remember(value)
        with _plain_errors():
            keyring.set_password(self._service, USERNAME, value)
        self._session = None

    def delete(self) -> bool:
        deleted = self._session is not None
        self._session = None
        if not self.backend().secure:
            return deleted
        with _plain_errors():
            stored = keyring.get_password(self._service, USERNAME)
            if stored is None:
                return deleted
            self._remember(stored)
            keyring.delete_password(self._service, USERNAME)
        return True

    def use_for_session(self, key: str) -> None:
        value = normalise_key(key)
        self._remember(value)
        self._session = value

    def known_secrets(self) -> list[str]:
        """Every key value this process has seen or could read from the environment.

        Does no keyring I/O, so a logging filter may call it for every record.
        """
        env_values = {os.environ.get(name, "").strip() for name in ENV_VARS}
        with self._lock:
            return sorted((self._seen | env_values) - {""})

    def _remember(self, value: str) -> None:
        with self._lock:
            self._seen.add(value)


def normalise_key(key: str) -> str:
    """The key without surrounding whitespace; a ValueError that never echoes it otherwise."""
    value = key.strip()
    if not value:
        problem = "it is empty."
    elif any(c.isspace() for c in value):
        problem = "it contains spaces or line breaks."
    elif not (value.isascii() and value.isprintable()):
        problem = "it contains characters an API key never has, such as curly quotes."
    else:
        return value
    raise ValueError(f"That doesn't look like an API key: {problem}")


def describe_backend(backend: keyring.backend.KeyringBackend) -> BackendInfo:
    # The chainer writes to its highest-priority child, so that child decides.
    if isinstance(backend, ChainerBackend):
        children = list(backend.backends)
        if not children:
            return _insecure("No keyring")
        backend = children[0]
    cls = type(backend)
    qualified = f"{cls.__module__}.{cls.__name__}"
    # Known backends are named without asking for their priority: SecretService computes
    # it over D-Bus, and it raises once the daemon has gone away.
    if qualified in _SECURE_BACKENDS:
        return BackendInfo(_SECURE_BACKENDS[qualified], True, STORED_IN_KEYRING)
    name = _INSECURE_NAMES.get(qualified, backend.name)
    if qualified in _INSECURE_NAMES or cls.__module__.startswith("keyrings.alt"):
        return _insecure(name)
    # A third-party backend is trusted only if keyring itself recommends it (priority >= 1).
    try:
        recommended = bool(keyring.core.recommended(backend))
    except RuntimeError:
        recommended = False
    return BackendInfo(name, True, STORED_IN_KEYRING) if recommended else _insecure(name)


def _insecure(name: str) -> BackendInfo:
    return BackendInfo(name, False, NO_SECURE_KEYRING)


@contextmanager
def _plain_errors() -> Iterator[None]:
    try:
        yield
    except keyring.errors.KeyringLocked as exc:
        raise KeyringUnavailable(KEYRING_LOCKED) from exc
    except keyring.errors.NoKeyringError as exc:
        raise KeyringUnavailable(NO_SECURE_KEYRING) from exc
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(KEYRING_FAILED) from exc
