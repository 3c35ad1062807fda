"""The API key as the UI sees it: whether there is one, where it lives, whether it works.

The key value itself is never kept here: it passes through one coroutine's locals on its way
to the keyring or to a single test request. Every keyring call blocks (D-Bus, unlock
prompts), so each runs in a worker thread, inside a task started through the TaskRunner.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QObject, Signal

from studio.core.catalog import Catalog
from studio.core.domain import ErrorKind, FailedOutcome
from studio.core.logs import where_details_are
from studio.core.secrets import (
    BackendInfo,
    KeyringUnavailable,
    KeySource,
    KeyStore,
    normalise_key,
)
from studio.core.settings import Settings
from studio.models.settings_model import SettingsModel
from studio.models.tasks import TaskRunner

HIDDEN = "[hidden]"
NO_KEY = "No key is set yet."
CHECKING = "Checking the system keyring…"
# Until the first refresh nothing is known; "secure" avoids flashing the no-keyring warning.
UNKNOWN_BACKEND = BackendInfo("the system keyring", True, "")

_UNREACHABLE = "Unreachable: could not reach the service (network down?)."


class KeyModel(QObject):
    """Observable key state (`changed`) and the actions the key UI offers.

    `key_changed` fires after a save, a removal or a session key changed which key is in
    use, so the app can switch between the sandbox and the real service.
    """

    changed = Signal()
    key_changed = Signal()

    def __init__(
        self,
        store: KeyStore,
        runner: TaskRunner,
        *,
        settings: SettingsModel | None = None,
        base_url: str | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._runner = runner
        self._settings = settings
        self._base_url = base_url
        self._has_key = False
        self._source = ""
        self._backend = UNKNOWN_BACKEND
        self._status = CHECKING
        self._save_failed = False
        self._pending = 0
        # One action at a time: a Remove clicked during a slow Save must see the saved key.
        self._lock = asyncio.Lock()

    @property
    def has_key(self) -> bool:
        return self._has_key

    @property
    def source(self) -> str:
        """Where the key in use comes from, as a KeySource value; empty when there is none."""
        return self._source

    @property
    def backend(self) -> BackendInfo:
        return self._backend

    @property
    def status(self) -> str:
        """One or two sentences for the user about the key; never contains the key."""
        return self._status

    @property
    def busy(self) -> bool:
        return self._pending > 0

    @property
    def offer_session(self) -> bool:
        """Saving is impossible right now, so the UI should offer "use for this session only"."""
        return not self._backend.secure or self._save_failed

    def refresh(self) -> asyncio.Task[None]:
        return self._start(self._refresh, "Checking the API key")

    def save(self, key: str) -> asyncio.Task[None]:
        async def save() -> None:
            try:
                await asyncio.to_thread(self._store.store, key)
            except ValueError as exc:
                self._update(status=str(exc))
                return
            except KeyringUnavailable as exc:
                self._save_failed = True
                await self._read_state()
                self._update(status=str(exc))
                return
            self._save_failed = False
            await self._read_state()
            self._update(status=f"Saved. {self._backend.explanation}")
            self.key_changed.emit()

        return self._start(save, "Saving the API key")

    def use_for_session(self, key: str) -> None:
        """Use `key` until the app closes, without the keyring; no I/O, so it applies at once."""
        try:
            self._store.use_for_session(key)
        except ValueError as exc:
            self._update(status=str(exc))
            return
        self._save_failed = False
        self._update(
            has_key=True,
            source=KeySource.SESSION.value,
            status=(
                "Using your key for this session only; Draft Studio forgets it when it closes."
            ),
        )
        self.key_changed.emit()

    def remove(self) -> asyncio.Task[None]:
        async def remove() -> None:
            try:
                deleted = await asyncio.to_thread(self._store.delete)
            except KeyringUnavailable as exc:
                self._update(status=str(exc))
                return
            after = await self._read_state() or self._describe_source()
            if deleted:
                self._update(status=f"Key removed. {after}")
                self.key_changed.emit()
            else:
                self._update(status=f"There was no saved key to remove. {after}")

        return self._start(remove, "Removing the API key")

    def test(self, base_url: str | None = None, *, key: str | None = None) -> asyncio.Task[None]:
        """Check with one cheap request whether a key can use the default model.

        Tests `key` when given (a key typed but not saved yet), otherwise the key in use.
        `base_url` overrides the service address given to the constructor.
        """

        async def test() -> None:
            if key is None:
                try:
                    resolved = await asyncio.to_thread(self._store.resolve)
                except KeyringUnavailable as exc:
                    self._update(status=str(exc))
                    return
                if resolved is None:
                    self._update(status="There is no key to test. Paste your key first.")
                    return
                value = resolved.value
            else:
                try:
                    value = normalise_key(key)
                except ValueError as exc:
                    self._update(status=str(exc))
                    return
            self._update(status="Testing the key with one request…")
            from studio.core.gemini import GeminiAdapter

            settings = self._current_settings()
            model = settings.default_model
            adapter = GeminiAdapter(
                value,
                catalog=self._catalog(),
                base_url=base_url or self._base_url,
                timeout_s=settings.request_timeout_s,
                api_version=settings.api_version,
            )
            try:
                failure = await adapter.check_key(model)
            finally:
                await adapter.aclose()
            self._update(status=self._verdict(failure, model))

        return self._start(test, "Testing the API key")

    # Internals.

    def _start(
        self, action: Callable[[], Coroutine[Any, Any, None]], what: str
    ) -> asyncio.Task[None]:
        async def serialised() -> None:
            async with self._lock:
                await action()

        # Counted before the task starts, so widgets disable their buttons on this very click.
        self._pending += 1
        self.changed.emit()
        task: asyncio.Task[None] = self._runner.run(serialised(), what)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._pending -= 1
        if not task.cancelled() and task.exception() is not None:
            # The TaskRunner logs and reports the details; the user gets a calm sentence.
            self._status = f"Something went wrong with the key; {where_details_are()}."
        self.changed.emit()

    async def _refresh(self) -> None:
        problem = await self._read_state()
        self._update(status=problem or self._describe_source())

    async def _read_state(self) -> str | None:
        """Reads the backend and the key's source; says why if the keyring cannot be read."""
        backend = await asyncio.to_thread(self._store.backend)
        self._update(backend=backend)
        try:
            resolved = await asyncio.to_thread(self._store.resolve)
        except KeyringUnavailable as exc:
            self._update(has_key=False, source="")
            return str(exc)
        self._update(
            has_key=resolved is not None,
            source="" if resolved is None else resolved.source.value,
        )
        return None

    def _describe_source(self) -> str:
        if not self._has_key:
            return NO_KEY
        source = KeySource(self._source)
        if source is KeySource.KEYRING:
            return "Using the key saved in the system keyring."
        if source is KeySource.SESSION:
            return "Using a key for this session only; Draft Studio forgets it when it closes."
        return (
            f"Using the key from the {source.value} environment variable; "
            "remove it there to stop using it."
        )

    def _verdict(self, failure: FailedOutcome | None, model: str) -> str:
        name = self._model_name(model)
        if failure is None:
            return f"Valid: this key can use {name}."
        kind = failure.kind
        if kind is ErrorKind.INVALID_KEY:
            return "Invalid: the service rejected this key."
        if kind is ErrorKind.PERMISSION:
            return f"No permission: this key is not allowed to use {name}."
        if kind is ErrorKind.MODEL_NOT_FOUND:
            return f"Valid, but {name} is not available to this key."
        if kind is ErrorKind.DAILY_QUOTA:
            return f"Valid, but today's quota for {name} is used up."
        if kind is ErrorKind.RATE_LIMITED:
            return "Valid, but the service is asking this key to slow down right now."
        if kind in (ErrorKind.NETWORK, ErrorKind.TIMEOUT):
            return _UNREACHABLE
        return f"Not checked: the service had a problem ({failure.message.rstrip('.')})."

    def _current_settings(self) -> Settings:
        return self._settings.settings if self._settings is not None else Settings()

    def _catalog(self) -> Catalog:
        return self._settings.catalog if self._settings is not None else Settings().catalog()

    def _model_name(self, model: str) -> str:
        try:
            return str(self._catalog().get(model).label)
        except ValueError:
            return model

    def _update(self, **state: Any) -> None:
        if "status" in state:
            state["status"] = self._scrub(state["status"])
        for name, value in state.items():
            setattr(self, f"_{name}", value)
        self.changed.emit()

    def _scrub(self, text: str) -> str:
        # Defence in depth: no message we build quotes the key, but one from a library might.
        for secret in sorted(self._store.known_secrets(), key=len, reverse=True):
            text = text.replace(secret, HIDDEN)
        return text
