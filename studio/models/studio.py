"""The bridge between the job engine and the UI: actions in, Qt signals out."""

from __future__ import annotations

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
from studio.core.settings import Settings
from studio.models.engine_thread import EngineThread

log = logging.getLogger(__name__)

_NOTICE_ACTIONS = {
    ErrorKind.INVALID_KEY: "Open Settings",
    ErrorKind.PERMISSION: "Open Settings",
    ErrorKind.BUDGET: "Raise budget",
    ErrorKind.DAILY_QUOTA: "Resume",
}
_FINISHED_EVENTS = (SlotSucceeded, SlotBlocked, SlotFailed, SlotCancelled)


class StudioModel(QObject):
    engine_event = Signal(object)  # every EngineEvent, for the grid model
    # Emitted on the engine's thread; Qt queues it to this object's (the GUI) thread.
    _posted = Signal(object)
    _engine_refused = Signal(str)
    stats_changed = Signal()
    # Errors that need the user: (kind, sentence, action label); shown once, in one banner.
    notice = Signal(str, str, str)
    notice_cleared = Signal()
    backend_changed = Signal(bool)  # True while the offline sandbox is in use
    batch_progress = Signal(int, int)  # finished, total of the batches still running

    def __init__(
        self,
        library: Library,
        backend: ImageBackend,
        settings: Settings,
        *,
        sandbox: bool,
    ) -> None:
        super().__init__()
        self.library = library
        self.catalog: Catalog = settings.catalog()
        self.sandbox = sandbox
        self.engine = JobEngine(
            backend,
            library,
            catalog=self.catalog,
            max_concurrency=settings.max_concurrency,
            session_budget_usd=settings.session_budget_usd,
            daily_budget_usd=settings.daily_budget_usd,
        )
        self._thread = EngineThread()
        self._posted.connect(self._on_event)
        self._engine_refused.connect(lambda text: self.notice.emit("engine", text, ""))
        self.engine.subscribe(self._posted.emit)
        self._batch_total = 0
        self._batch_finished = 0
        # Stats change many times a second while images stream; the status bar needs 4 Hz.
        self._stats_timer = QTimer(self)
        self._stats_timer.setInterval(250)
        self._stats_timer.timeout.connect(self._tick)

    @property
    def stats(self) -> EngineStats:
        return self.engine.stats

    @property
    def busy(self) -> bool:
        return self.engine.busy

    def remaining_budget(self) -> float | None:
        budget = self.engine.budget
        if budget.session_cap_usd is None:
            return None
        return max(0.0, budget.session_cap_usd - budget.session_spent - budget.reserved)

    # -- actions -------------------------------------------------------------------------------

    def _in_engine(self, what: str, function: Callable[..., object], *args: object) -> None:
        """Runs an engine action on its thread; a failure becomes one sentence in the banner."""

        def guarded() -> None:
            try:
                function(*args)
            except (LibraryError, ValueError, CatalogError) as exc:
                self._engine_refused.emit(str(exc))
            except Exception:
                log.exception("%s failed", what)
                self._engine_refused.emit(f"{what} failed; details are in the log.")

        self._thread.call(guarded)

    def generate(self, spec: BatchSpec) -> None:
        """Queues a batch; raises ValueError with one sentence when the request is invalid.

        The tiles appear when the engine's BatchQueued event arrives, a moment later."""
        try:
            spec.validate(self.catalog)
        except CatalogError as exc:
            raise ValueError(str(exc)) from None
        self._in_engine("Queuing the batch", self.engine.submit, spec)
        self._batch_total += spec.count
        self._tick()

    def derive(self, order: DeriveOrder, images: int) -> None:
        """Refine, edit or vary: the parents' images are read on the engine's thread, and a
        refusal (a file gone, a shape the model lacks) comes back as a sentence."""

        def plan_and_queue() -> None:
            self.engine.submit_plan(plan_derivation(order, self.library, self.engine.catalog))

        verb = {Derivation.REFINE: "Refining", Derivation.EDIT: "Editing"}.get(
            order.kind, "Varying"
        )
        self._in_engine(verb, plan_and_queue)
        self._batch_total += images
        self._tick()

    def stop(self) -> None:
        self._in_engine("Stopping", self.engine.cancel_all)

    def cancel_batch(self, batch_id: int) -> None:
        self._in_engine("Stopping the batch", self.engine.cancel_batch, batch_id)

    def retry(self, draft_id: int) -> None:
        def rebuild(draft: DraftRecord) -> GenerationRequest:
            # Derived work sends its stored turns again; reference images of a fresh
            # generation are not kept, so those retry with the prompt alone.
            return rebuild_request(self.library, draft)

        self._in_engine("Retrying", self.engine.retry, draft_id, rebuild)
        self._batch_total += 1
        self._tick()

    def resume(self) -> None:
        self._in_engine("Resuming", self.engine.resume)

    def apply_settings(self, settings: Settings) -> None:
        self.catalog = settings.catalog()

        def apply(catalog: Catalog) -> None:
            self.engine.catalog = catalog
            self.engine.set_max_concurrency(settings.max_concurrency)
            self.engine.set_budgets(settings.session_budget_usd, settings.daily_budget_usd)

        self._in_engine("Applying the settings", apply, self.catalog)
        self._tick()

    def switch_backend(self, backend: ImageBackend, *, sandbox: bool) -> None:
        """New requests go to `backend`; requests already on the wire finish on the old one."""

        def switch() -> None:
            old = self.engine.backend
            self.engine.backend = backend
            pause = self.engine.pause_reason
            if pause is not None and pause.kind in (ErrorKind.INVALID_KEY, ErrorKind.PERMISSION):
                self.engine.resume()
            self._thread.loop.create_task(old.aclose())

        self._in_engine("Switching the service", switch)
        self.sandbox = sandbox
        self.backend_changed.emit(sandbox)

    async def aclose(self) -> None:
        self._stats_timer.stop()
        await self._thread.run(self.engine.aclose())
        await self._thread.run(self.engine.backend.aclose())
        self._thread.stop()

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
        if not self.engine.busy:
            self._stats_timer.stop()
            self._batch_total = self._batch_finished = 0
        self.batch_progress.emit(self._batch_finished, self._batch_total)
        self.stats_changed.emit()
