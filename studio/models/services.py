"""Everything the window binds to, built by the app's composition root (studio/app.py) and
handed to the window: a layer below both, so neither imports the other."""

from __future__ import annotations

from dataclasses import dataclass

from studio.core.library import Library
from studio.core.paths import AppPaths
from studio.core.secrets import KeyStore
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


@dataclass
class Services:
    """Everything the window binds to; built once, closed once."""

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
    had_key_at_start: bool

    async def aclose(self) -> None:
        await self.studio.aclose()
        await self.tasks.cancel_all()
        self.thumbnails.clear()
        self.library.close()
        self.backends.close()
