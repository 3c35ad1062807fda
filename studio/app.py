"""The composition root and the app's lifecycle on one qasync event loop."""

from __future__ import annotations

import asyncio
import logging
import signal
import sqlite3
import sys
from contextlib import suppress
from types import TracebackType

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from studio.core.library import Library, LibraryOpenError, move_aside
from studio.core.library.opening import classified
from studio.core.logs import setup_logging, where_details_are
from studio.core.matrix import wildcards_folder
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

log = logging.getLogger(__name__)

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
    sandbox_only: bool = False,
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
    thumbnails = ThumbnailCache()
    drafts = DraftListModel(library, thumbnails)
    _read_all(drafts, library)
    studio = StudioModel(library, settings.settings)
    keys = KeyModel(key_store, tasks, settings=settings, base_url=None)
    current = settings.settings
    prompt = PromptModel(
        studio.catalog, tasks, current.default_model, current.default_aspect, current.default_size
    )
    prompt.history = list(current.recent_prompts)
    prompt.wildcards = wildcards_folder(paths.config)
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
        sandbox_only=sandbox_only,
    )


def _read_all(drafts: DraftListModel, library: Library) -> None:
    """The first read (of a large library, its newest batches: the rest follow once the
    window is up). Damage deeper in the file than opening reads shows here, and is told as a
    library that cannot be opened."""
    try:
        with classified(library.root, sqlite_only=True):
            drafts.reload(first_screen=True)
    except LibraryOpenError:
        with suppress(sqlite3.Error):  # closing meets the same damage, and closes anyway
            library.close()
        raise


async def _open_services(
    ends: _EndRequests, library_override: str | None, sandbox_only: bool
) -> Services | None:
    """The services, once a library opens. Until then the user is asked what to do: move a
    damaged file aside, choose another folder, try again, or quit (None)."""
    from studio.ui.library_problem import LibraryAction, LibraryAnswer, LibraryProblemDialog

    problem: LibraryOpenError | None = None
    while True:
        if problem is None:
            try:
                return await build_services(library_override, sandbox_only=sandbox_only)
            except LibraryOpenError as exc:
                log.warning("%s", exc, exc_info=exc)
                problem = exc
        answers: list[LibraryAnswer] = []
        if not ends.asked:
            dialog = LibraryProblemDialog(problem)
            dialog.chosen.connect(answers.append)
            await _shown(dialog, ends)
        if not answers or answers[0].action is LibraryAction.QUIT:
            sys.stderr.write(f"draft-studio: {problem}\n")
            return None
        answer, root, problem = answers[0], problem.root, None
        if answer.action is LibraryAction.CHOOSE_FOLDER:
            library_override = str(answer.folder)
        elif answer.action is LibraryAction.MOVE_ASIDE:
            try:
                moved = await asyncio.to_thread(move_aside, root)
            except LibraryOpenError as exc:
                problem = exc
            else:
                log.info("moved the damaged library file aside, to %s", moved)


async def _shown(dialog: QDialog, ends: _EndRequests) -> None:
    """Shows `dialog` and returns once it is closed: no nested event loop (no exec()), and a
    request to end the app closes it."""
    closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def on_finished(_: int) -> None:
        if not closed.done():
            closed.set_result(None)

    dialog.finished.connect(on_finished)
    ends.requested.connect(dialog.reject)
    dialog.show()
    try:
        await closed
    finally:
        ends.requested.disconnect(dialog.reject)
        dialog.deleteLater()


class _UnexpectedErrors:
    """sys.excepthook while the app runs. An exception nothing caught (in a Qt slot, say) goes
    to the log with its traceback; the user gets one sentence naming the log file, on stderr
    and, once the window is up, in its banner."""

    def __init__(self) -> None:
        self.tasks: TaskRunner | None = None
        self._previous = sys.excepthook

    def __enter__(self) -> _UnexpectedErrors:
        self._previous, sys.excepthook = sys.excepthook, self._report
        return self

    def __exit__(self, *exc_info: object) -> None:
        sys.excepthook = self._previous

    def _report(
        self, kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        if not issubclass(kind, Exception):  # KeyboardInterrupt, SystemExit: not errors
            self._previous(kind, error, trace)
            return
        log.error("unexpected error", exc_info=(kind, error, trace))
        sentence = f"Something went wrong; {where_details_are()}."
        sys.stderr.write(f"draft-studio: {sentence}\n")
        if self.tasks is not None:
            self.tasks.failed.emit("", sentence)


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


async def run_app(
    app: StudioApplication, library_override: str | None = None, *, sandbox_only: bool = False
) -> int:
    """Shows the window first, then starts what is slow. Closing the window, a signal or the
    session's end all leave through the same door: the window closes, then everything that
    was started is closed (requests cancelled, the library and the sandbox process closed)."""
    from studio.ui.main_window import MainWindow

    with _EndRequests(app) as ends, _UnexpectedErrors() as unexpected:
        try:
            services = await _open_services(ends, library_override, sandbox_only)
        except Exception:
            log.exception("Draft Studio could not start")
            sentence = f"Draft Studio could not start; {where_details_are()}."
            sys.stderr.write(f"draft-studio: {sentence}\n")
            await _shown(QMessageBox(QMessageBox.Icon.Critical, "Draft Studio", sentence), ends)
            return 1
        if services is None:
            return 1
        unexpected.tasks = services.tasks
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
