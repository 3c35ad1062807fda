"""Everything the window binds to, built by the app's composition root (studio/app.py) and
handed to the window: a layer below both, so neither imports the other."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from studio.core.gemini import ImageBackend
from studio.core.library import Library
from studio.core.paths import AppPaths
from studio.core.secrets import ApiKey, KeyringUnavailable, KeyStore
from studio.models.backends import BackendFactory
from studio.models.culling import CullingModel
from studio.models.derive import DeriveModel
from studio.models.draft_list import DraftListModel
from studio.models.family import FamilyModel
from studio.models.key_model import KeyModel
from studio.models.prompt import PromptModel
from studio.models.settings_model import SettingsModel
from studio.models.studio import StudioModel
from studio.models.tasks import TaskRunner
from studio.models.thumbnails import ThumbnailCache

log = logging.getLogger(__name__)

# What `close_now` may wait for the engine to cancel its requests.
_CLOSE_NOW_S = 1.0


@dataclass
class Services:
    """Everything the window binds to; built once, started once the window is up, closed
    once."""

    paths: AppPaths
    tasks: TaskRunner
    settings: SettingsModel
    keys: KeyModel
    key_store: KeyStore
    backends: BackendFactory
    library: Library
    studio: StudioModel
    prompt: PromptModel
    culling: CullingModel
    derive: DeriveModel
    family: FamilyModel
    thumbnails: ThumbnailCache
    drafts: DraftListModel
    sandbox_only: bool = False  # `draft-studio --sandbox`: the sandbox even with a key
    _closed: bool = field(default=False, init=False)

    def start(self) -> asyncio.Task[None]:
        """What may be slow, after the window is shown: the keyring, read in worker threads,
        then the SDK or the sandbox and the engine, on the engine's thread. The task ends
        when the engine runs."""
        self.keys.refresh()
        self.tasks.run(self.drafts.load_older(), "Reading the library")
        return self.tasks.run(self._connect(), "Starting the engine")

    def engine_key(self) -> ApiKey | None:
        """The key the engine sends with, None for the sandbox. Reads the keyring: call it
        through asyncio.to_thread."""
        return None if self.sandbox_only else self.key_store.resolve()

    async def _connect(self) -> None:
        try:
            key = await asyncio.to_thread(self.engine_key)
        except KeyringUnavailable as exc:
            log.warning("%s", exc)
            key = None
        backends = self.backends

        def connect() -> tuple[ImageBackend, bool]:
            from studio.core.gemini.client import warm_up

            backend = backends.gemini(key.value) if key else backends.start_sandbox()
            warm_up()
            return backend, key is None

        await self.studio.start(connect)

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self.studio.aclose()
        await self.tasks.cancel_all()
        self.thumbnails.clear()
        self.library.close()
        self.backends.close()

    def close_now(self) -> None:
        """The same, for when the event loop is ending before `aclose` could run."""
        if self._closed:
            return
        self._closed = True
        self.studio.close_now(_CLOSE_NOW_S)
        self.thumbnails.clear()
        self.library.close()
        self.backends.close()
