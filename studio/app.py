"""The composition root and the app's lifecycle on one qasync event loop."""

from __future__ import annotations

import asyncio
import signal
import sys
from contextlib import suppress
from types import TracebackType

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QApplication, QWidget

from studio.core.library import Library
from studio.core.logs import setup_logging
from studio.core.paths import AppPaths
from studio.core.secrets import KeyStore
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

# SIGHUP is POSIX only.
_END_SIGNALS = tuple(
    s for s in (signal.SIGTERM, signal.SIGINT, getattr(signal, "SIGHUP", None)) if s is not None
)
# A window that never paints (started minimised) must not keep the engine from starting.
_PAINT_WAIT_S = 1.0


async def build_services(
    library_override: str | None = None,
    key_store: KeyStore | None = None,
    *,
    sandbox_in_process: bool = False,
) -> Services:
    """Everything the window needs to show the library, and nothing slow: the key, the SDK,
    the sandbox and the engine come with `Services.start`, once the window is up."""
    paths = AppPaths.resolve(library_override)
    tasks = TaskRunner()
    settings = SettingsModel(paths, tasks)
    key_store = key_store or KeyStore()
    setup_logging(paths.logs, key_store.known_secrets)
    backends = BackendFactory(settings.settings, in_process=sandbox_in_process)
    library = await asyncio.to_thread(Library.open, paths.library)
    studio = StudioModel(library, settings.settings)
    keys = KeyModel(key_store, tasks, settings=settings, base_url=None)
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
    )


class StudioApplication(QApplication):
    """Qt's Quit event (the desktop session ending, Quit from the Dock) would end the event
    loop at once, before the window's cleanup could run: it becomes a request instead."""

    quit_requested = Signal()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Quit:
            self.quit_requested.emit()
            return True
        return super().event(event)


def make_application() -> StudioApplication:
    """The QApplication as Draft Studio runs it (the benches build the same one)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    from studio.ui.theme import follow_system_theme

    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = StudioApplication(sys.argv[:1])
    app.setApplicationName("Draft Studio")
    app.setOrganizationName("draft-studio")
    app.setDesktopFileName("draft-studio")
    # The loop must outlive the window: cleanup runs after the last window closes.
    app.setQuitOnLastWindowClosed(False)
    follow_system_theme(app)
    return app


class _EndRequests(QObject):
    """Every way of asking the app to end, as one signal: SIGTERM, SIGINT and SIGHUP, the
    desktop session ending (commitDataRequest, Qt's Quit event). qasync runs Python signal
    handlers only when the interpreter gets control; the loop's own signal handlers wake it
    through a socket at once. Leaving restores the default handlers."""

    requested = Signal()

    def __init__(self, app: StudioApplication) -> None:
        super().__init__()
        self.asked = False
        self._app = app

    def __enter__(self) -> _EndRequests:
        loop = asyncio.get_running_loop()
        for signum in _END_SIGNALS:
            # Windows' loop takes no signal handlers; Ctrl+C there stays KeyboardInterrupt.
            with suppress(NotImplementedError):
                loop.add_signal_handler(signum, self._request)
        self._app.commitDataRequest.connect(self._request)
        self._app.quit_requested.connect(self._request)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        loop = asyncio.get_running_loop()
        for signum in _END_SIGNALS:
            with suppress(NotImplementedError):
                loop.remove_signal_handler(signum)
        self._app.commitDataRequest.disconnect(self._request)
        self._app.quit_requested.disconnect(self._request)

    def _request(self, *_: object) -> None:
        self.asked = True
        self.requested.emit()


class _FirstPaint(QObject):
    def __init__(self, painted: asyncio.Future[None]) -> None:
        super().__init__()
        self._painted = painted

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._painted.done():
            # Resolved now, seen after this paint pass: the window is on screen by then.
            self._painted.set_result(None)
        return False


async def _painted(window: QWidget, closed: asyncio.Event) -> None:
    """Returns once the window has painted, or closed, or after _PAINT_WAIT_S."""
    painted = asyncio.get_running_loop().create_future()
    watch = _FirstPaint(painted)
    window.installEventFilter(watch)
    closing = asyncio.ensure_future(closed.wait())
    try:
        await asyncio.wait(
            [painted, closing], timeout=_PAINT_WAIT_S, return_when=asyncio.FIRST_COMPLETED
        )
    finally:
        window.removeEventFilter(watch)
        closing.cancel()


async def run_app(app: StudioApplication, library_override: str | None = None) -> int:
    """Shows the window first, then starts what is slow. Closing the window, a signal or the
    session's end all leave through the same door: the window closes, then everything that
    was started is closed (requests cancelled, the library and the sandbox process closed)."""
    from studio.ui.main_window import MainWindow

    with _EndRequests(app) as ends:
        services = await build_services(library_override)
        # A loop ending under us (QCoreApplication.exit from elsewhere) still closes all.
        app.aboutToQuit.connect(services.close_now)
        try:
            window = MainWindow(services)
            closed = asyncio.Event()
            window.closed.connect(closed.set)
            ends.requested.connect(window.close)
            if not ends.asked:
                window.show()
                await _painted(window, closed)
                if not closed.is_set():
                    services.start()
                await closed.wait()
        finally:
            app.aboutToQuit.disconnect(services.close_now)
            # In-flight requests are cancelled and the client closed before the loop ends.
            await services.aclose()
    return 0
