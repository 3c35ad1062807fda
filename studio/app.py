"""The composition root and the app's lifecycle on one qasync event loop."""

from __future__ import annotations

import asyncio
import logging
import sys

from PySide6.QtWidgets import QApplication

from studio.core.gemini.adapter import warm_up
from studio.core.library import Library
from studio.core.logs import setup_logging
from studio.core.paths import AppPaths
from studio.core.secrets import KeyringUnavailable, KeyStore
from studio.models.backends import BackendFactory
from studio.models.culling import CullingModel
from studio.models.derive import DeriveModel
from studio.models.draft_list import DraftListModel
from studio.models.family import FamilyModel
from studio.models.key_model import KeyModel
from studio.models.prompt import PromptModel
from studio.models.services import Services
from studio.models.settings_model import SettingsModel
from studio.models.studio import StudioModel
from studio.models.tasks import TaskRunner
from studio.models.thumbnails import ThumbnailCache

log = logging.getLogger(__name__)


async def build_services(
    library_override: str | None = None,
    key_store: KeyStore | None = None,
    *,
    sandbox_in_process: bool = False,
) -> Services:
    paths = AppPaths.resolve(library_override)
    tasks = TaskRunner()
    settings = SettingsModel(paths, tasks)
    key_store = key_store or KeyStore()
    setup_logging(paths.logs, key_store.known_secrets)
    try:
        # Keyring look-ups can block on D-Bus: never on the GUI thread.
        api_key = await asyncio.to_thread(key_store.resolve)
    except KeyringUnavailable as exc:
        log.warning("%s", exc)
        api_key = None
    warming = asyncio.ensure_future(asyncio.to_thread(warm_up))
    backends = BackendFactory(settings.settings, in_process=sandbox_in_process)
    backend = backends.gemini(api_key.value) if api_key else await backends.sandbox()
    library = await asyncio.to_thread(Library.open, paths.library)
    studio = StudioModel(library, backend, settings.settings, sandbox=api_key is None)
    keys = KeyModel(key_store, tasks, settings=settings, base_url=None)
    keys.refresh()
    current = settings.settings
    prompt = PromptModel(
        studio.catalog, tasks, current.default_model, current.default_aspect, current.default_size
    )
    prompt.history = list(current.recent_prompts)
    thumbnails = ThumbnailCache()
    drafts = DraftListModel(library, thumbnails)
    drafts.reload()
    studio.engine_event.connect(drafts.apply)
    culling = CullingModel(library)
    family = FamilyModel(library)
    studio.engine_event.connect(family.apply)
    await warming
    return Services(
        paths=paths,
        tasks=tasks,
        settings=settings,
        keys=keys,
        key_store=key_store,
        backends=backends,
        library=library,
        studio=studio,
        prompt=prompt,
        culling=culling,
        derive=DeriveModel(library, studio),
        family=family,
        thumbnails=thumbnails,
        drafts=drafts,
        had_key_at_start=api_key is not None,
    )


def make_application() -> QApplication:
    """The QApplication as Draft Studio runs it (the benches build the same one)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    from studio.ui.theme import follow_system_theme

    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Draft Studio")
    app.setOrganizationName("draft-studio")
    app.setDesktopFileName("draft-studio")
    # The loop must outlive the window: cleanup runs after the last window closes.
    app.setQuitOnLastWindowClosed(False)
    follow_system_theme(app)
    return app


async def run_app(app: QApplication, library_override: str | None = None) -> int:
    from studio.ui.main_window import MainWindow

    services = await build_services(library_override)
    window = MainWindow(services)
    closed = asyncio.Event()
    window.closed.connect(closed.set)
    window.show()
    try:
        await closed.wait()
    finally:
        # In-flight requests are cancelled and the client closed before the loop ends.
        await services.aclose()
    return 0
