"""The bridge between the job engine and the UI: actions in, Qt signals out."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from studio.core.catalog import Catalog, CatalogError
from studio.core.derive import DeriveOrder, plan_derivation, rebuild_request
from studio.core.domain import Derivation, ErrorKind, GenerationRequest
from studio.core.engine import (
    BatchQueued,
    BatchSpec,
    EngineEvent,
    EngineStats,
    JobEngine,
    QueuePaused,
    QueueResumed,
    SlotBlocked,
    SlotCancelled,
    SlotFailed,
    SlotQueued,
    SlotSucceeded,
)
from studio.core.gemini import ImageBackend
from studio.core.library import DraftRecord, Library, LibraryError
from studio.core.logs import where_details_are
from studio.core.settings import Settings
from studio.models.engine_thread import EngineThread
from studio.models.jobs import JobsModel

log = logging.getLogger(__name__)

_NOTICE_ACTIONS = {
    ErrorKind.INVALID_KEY: "Open Settings",
    ErrorKind.PERMISSION: "Open Settings",
    ErrorKind.BUDGET: "Raise budget",
    ErrorKind.DAILY_QUOTA: "Resume",
}
_FINISHED_EVENTS = (SlotSucceeded, SlotBlocked, SlotFailed, SlotCancelled)

# Makes the backend, on the engine's thread: the backend, and whether it is the sandbox.
Connect = Callable[[], tuple[ImageBackend, bool]]


class StudioModel(QObject):
    """Runs the engine on a thread of its own. The engine is built there by `start`, once the
    window is up; what is asked for before (a batch, settings) waits and runs right after."""

    engine_event = Signal(object)  # every EngineEvent, for the grid model
    # Emitted on the engine's thread; Qt queues them to this object's (the GUI) thread.
    _posted = Signal(object)
    _engine_refused = Signal(str)
    _engine_built = Signal(object)  # True: the sandbox, False: Gemini, None: it failed
    stats_changed = Signal()
    # Errors that need the user: (kind, sentence, action label); shown once, in one banner.
    notice = Signal(str, str, str)
    notice_cleared = Signal()
    backend_changed = Signal(bool)  # True while the offline sandbox is in use
    batch_progress = Signal(int, int)  # finished, total of the batches still running

    def __init__(self, library: Library, settings: Settings) -> None:
        super().__init__()
        self.library = library
        self.catalog: Catalog = settings.catalog()
        self.sandbox = False
        self._settings = settings
        # None until `start` has built it, and if building it failed.
        self.engine: JobEngine | None = None
        self._thread = EngineThread()
        self._waiting: list[Callable[[], None]] | None = []
        self._started: asyncio.Future[None] | None = None
        self._closed = False
        self._posted.connect(self._on_event)
        self._engine_refused.connect(lambda text: self.notice.emit("engine", text, ""))
        self._engine_built.connect(self._on_built)
        self._batch_total = 0
        self._batch_finished = 0
        # Stats change many times a second while images stream; the status bar needs 4 Hz.
        self._stats_timer = QTimer(self)
        self._stats_timer.setInterval(250)
        self._stats_timer.timeout.connect(self._tick)
        self.jobs = JobsModel(library, self.in_engine, self._posted.emit)
        self.jobs.refused.connect(lambda text: self.notice.emit("jobs", text, ""))

    @property
    def stats(self) -> EngineStats:
        return self.engine.stats if self.engine is not None else EngineStats()

    @property
    def busy(self) -> bool:
        return bool(self._waiting) or (self.engine is not None and self.engine.busy)

    @property
    def session_cap_usd(self) -> float | None:
        if self.engine is None:
            return self._settings.session_budget_usd
        return self.engine.budget.session_cap_usd

    def remaining_budget(self) -> float | None:
        if self.engine is None:
            return self._settings.session_budget_usd
        budget = self.engine.budget
        if budget.session_cap_usd is None:
            return None
        return max(0.0, budget.session_cap_usd - budget.session_spent - budget.reserved)

    def start(self, connect: Connect) -> asyncio.Future[None]:
        """Builds the engine on its thread, on the backend `connect` makes there (which may
        import the SDK or start the sandbox: nothing the GUI thread should wait for), then
        runs what was asked for meanwhile. The future is done when the engine runs, or
        failed to start (then `engine` stays None and the banner says so)."""
        started = asyncio.get_running_loop().create_future()
        waiting, self._waiting = self._waiting, None
        if waiting is None or self._closed:
            started.set_result(None)
            return started
        self._started = started
        settings = self._settings

        def build() -> None:
            try:
                backend, sandbox = connect()
                engine = JobEngine(
                    backend,
                    self.library,
                    catalog=settings.catalog(),
                    max_concurrency=settings.max_concurrency,
                    session_budget_usd=settings.session_budget_usd,
                    daily_budget_usd=settings.daily_budget_usd,
                    billed=not sandbox,
                )
            except Exception:
                log.exception("starting the engine failed")
                self._engine_refused.emit(f"The engine did not start; {where_details_are()}.")
                self._engine_built.emit(None)
                return
            engine.subscribe(self._posted.emit)
            self.engine = engine
            self._engine_built.emit(sandbox)

        self._thread.call(build)
        for action in waiting:
            self._thread.call(action)
        return started

    def _on_built(self, sandbox: bool | None) -> None:
        if sandbox is not None:
            log.info("engine started on %s", "the offline sandbox" if sandbox else "Gemini")
            self.sandbox = sandbox
            self.backend_changed.emit(sandbox)
            self.jobs.resume()
        if self._started is not None and not self._started.done():
            self._started.set_result(None)
        self._tick()

    # -- actions -------------------------------------------------------------------------------

    def in_engine(self, what: str, action: Callable[[JobEngine], object]) -> None:
        """Runs an engine action on its thread; a failure becomes one sentence in the banner."""

        def guarded() -> None:
            if self.engine is None:
                self._engine_refused.emit(f"{what} failed: the engine did not start.")
                return
            try:
                action(self.engine)
            except (LibraryError, ValueError, CatalogError) as exc:
                self._engine_refused.emit(str(exc))
            except Exception:
                log.exception("%s failed", what)
                self._engine_refused.emit(f"{what} failed; {where_details_are()}.")

        if self._waiting is not None:
            self._waiting.append(guarded)
        else:
            self._thread.call(guarded)

    def generate(self, spec: BatchSpec) -> None:
        """Queues a batch; raises ValueError with one sentence when the request is invalid.

        The tiles appear when the engine's BatchQueued event arrives, a moment later."""
        try:
            spec.validate(self.catalog)
        except CatalogError as exc:
            raise ValueError(str(exc)) from None
        self.in_engine("Queuing the batch", lambda engine: engine.submit(spec))
        self._batch_total += len(spec.expansion().slots)
        self._tick()

    def send_as_job(self, spec: BatchSpec) -> None:
        """The batch as a Batch API job: half price, its tiles wait until the job has run."""
        try:
            spec.validate(self.catalog)
        except CatalogError as exc:
            raise ValueError(str(exc)) from None
        self.jobs.submit(spec)

    def derive(self, order: DeriveOrder, images: int) -> None:
        """Refine, edit or vary: the parents' images are read on the engine's thread, and a
        refusal (a file gone, a shape the model lacks) comes back as a sentence."""

        def plan_and_queue(engine: JobEngine) -> None:
            engine.submit_plan(plan_derivation(order, self.library, engine.catalog))

        verb = {Derivation.REFINE: "Refining", Derivation.EDIT: "Editing"}.get(
            order.kind, "Varying"
        )
        self.in_engine(verb, plan_and_queue)
        self._batch_total += images
        self._tick()

    def stop(self) -> None:
        self.in_engine("Stopping", lambda engine: engine.cancel_all())

    def cancel_batch(self, batch_id: int) -> None:
        """A batch sent as a job stops by cancelling its job."""
        job = next((job for job in self.jobs.jobs if job.batch_id == batch_id), None)
        if job is not None and not job.state.finished:
            self.jobs.cancel(job.id)
            return
        self.in_engine("Stopping the batch", lambda engine: engine.cancel_batch(batch_id))

    def retry(self, draft_id: int) -> None:
        def rebuild(draft: DraftRecord) -> GenerationRequest:
            # From the library, not from memory: a retry after a restart sends the same
            # reference images and, for derived work, the same stored turns.
            return rebuild_request(self.library, draft)

        self.in_engine("Retrying", lambda engine: engine.retry(draft_id, rebuild))
        self._batch_total += 1
        self._tick()

    def resume(self) -> None:
        self.in_engine("Resuming", lambda engine: engine.resume())

    def apply_settings(self, settings: Settings) -> None:
        self.catalog = catalog = settings.catalog()
        self._settings = settings

        def apply(engine: JobEngine) -> None:
            engine.catalog = catalog
            engine.set_max_concurrency(settings.max_concurrency)
            engine.set_budgets(settings.session_budget_usd, settings.daily_budget_usd)

        self.in_engine("Applying the settings", apply)
        self._tick()

    def switch_backend(self, backend: ImageBackend, *, sandbox: bool) -> None:
        """New requests go to `backend`; requests already on the wire finish on the old one."""

        def switch(engine: JobEngine) -> None:
            old = engine.backend
            engine.backend = backend
            engine.billed = not sandbox
            pause = engine.pause_reason
            if pause is not None and pause.kind in (ErrorKind.INVALID_KEY, ErrorKind.PERMISSION):
                engine.resume()
            self._thread.loop.create_task(old.aclose())

        self.in_engine("Switching the service", switch)
        self.sandbox = sandbox
        self.backend_changed.emit(sandbox)
        self.jobs.resume()

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._stats_timer.stop()
        if self._waiting is None:  # started: this runs after the build and what it queued
            await self._thread.run(self._close_engine())
        self._thread.stop()

    def close_now(self, timeout_s: float) -> None:
        """`aclose` for when the GUI's event loop is gone: waits on this thread instead."""
        if self._closed:
            return
        self._closed = True
        self._stats_timer.stop()
        if self._waiting is None:
            self._thread.run_blocking(self._close_engine(), timeout_s)
        self._thread.stop()

    async def _close_engine(self) -> None:
        engine = self.engine
        await self.jobs.stop()
        if engine is not None:
            await engine.aclose()
            await engine.backend.aclose()

    # -- engine events -------------------------------------------------------------------------

    def _on_event(self, event: EngineEvent) -> None:
        if isinstance(event, BatchQueued | SlotQueued) and not self._stats_timer.isActive():
            self._stats_timer.start()
        if isinstance(event, _FINISHED_EVENTS):
            self._batch_finished += 1
        self.engine_event.emit(event)
        if isinstance(event, QueuePaused):
            self.notice.emit(event.kind.value, event.message, _NOTICE_ACTIONS.get(event.kind, ""))
        elif isinstance(event, QueueResumed):
            self.notice_cleared.emit()
        elif isinstance(event, SlotFailed) and event.kind == ErrorKind.NETWORK:
            self.notice.emit(event.kind.value, event.message, "")

    def _tick(self) -> None:
        if not self.busy:
            self._stats_timer.stop()
            self._batch_total = self._batch_finished = 0
        self.batch_progress.emit(self._batch_finished, self._batch_total)
        self.stats_changed.emit()
