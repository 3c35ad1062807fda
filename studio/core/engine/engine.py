"""The job engine: one task per slot, a pacer in front of the service, retries,
pauses, budget caps, and the library as the single source of truth."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable

from studio.core.catalog import Catalog
from studio.core.domain import (
    BlockedOutcome,
    ErrorKind,
    FailedOutcome,
    GenerationRequest,
    ImagesOutcome,
    Outcome,
    SlotStatus,
)
from studio.core.engine.batch import BatchPlan, BatchSpec
from studio.core.engine.broadcast import Broadcast, Listener
from studio.core.engine.budget import BudgetGuard
from studio.core.engine.events import (
    BatchQueued,
    QueuePaused,
    QueueResumed,
    SlotBlocked,
    SlotCancelled,
    SlotFailed,
    SlotQueued,
    SlotRetrying,
    SlotStarted,
    SlotSucceeded,
)
from studio.core.engine.pacer import Pacer, Ticket
from studio.core.engine.retry import RetryPolicy
from studio.core.engine.saving import SaveGauge
from studio.core.engine.slots import EngineStats, Slot
from studio.core.gemini.adapter import ImageBackend
from studio.core.library import DraftRecord, Library, LibraryError, StoredImage
from studio.core.logs import where_details_are

log = logging.getLogger(__name__)


class JobEngine:
    def __init__(
        self,
        backend: ImageBackend,
        library: Library,
        *,
        catalog: Catalog | None = None,
        max_concurrency: int = 64,
        session_budget_usd: float | None = None,
        daily_budget_usd: float | None = None,
        retry: RetryPolicy | None = None,
        rng: random.Random | None = None,
        billed: bool = True,
    ) -> None:
        """`billed`: False on the offline sandbox, whose answers cost nothing but carry
        what they would cost (budgets count that, so they can be tried out)."""
        self.backend = backend
        self.library = library
        self.catalog = catalog or Catalog()
        self.pacer = Pacer(max_concurrency)
        self.budget = BudgetGuard(
            session_budget_usd, daily_budget_usd, library.spending.since, billed=billed
        )
        self.retry_policy = retry or RetryPolicy()
        self._rng = rng or random.Random()
        self._slots: dict[int, Slot] = {}
        self._broadcast = Broadcast()
        self._saves = SaveGauge()
        self.pacer.set_local_rate(self._saves.rate)
        self.pause_reason: QueuePaused | None = None
        self.stats = EngineStats()

    @property
    def billed(self) -> bool:
        """Whether what the backend answers is billed (False on the sandbox)."""
        return self.budget.billed

    @billed.setter
    def billed(self, billed: bool) -> None:
        self.budget.billed = billed

    # -- listeners -----------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        return self._broadcast.subscribe(listener)

    # -- actions -------------------------------------------------------------------------------

    def submit(self, spec: BatchSpec) -> list[DraftRecord]:
        """Records every slot as queued, then starts them. Raises ValueError for bad input."""
        return self.submit_plan(spec.plan(self.catalog))

    def submit_plan(self, plan: BatchPlan) -> list[DraftRecord]:
        """Queues a planned batch (generated or derived work alike)."""
        drafts = self.library.create_batch(plan.record, billed=self.billed)
        self._broadcast.emit(BatchQueued(drafts[0].batch_id, tuple(drafts)))
        for draft, request in zip(drafts, plan.requests, strict=True):
            self._start(draft, request, plan.unit_price)
        return drafts

    def retry(
        self, draft_id: int, request_for: Callable[[DraftRecord], GenerationRequest]
    ) -> DraftRecord:
        """Queues a failed, blocked, cancelled or interrupted slot again; `request_for`
        rebuilds what it sends from the library."""
        if draft_id in self._slots:
            raise LibraryError(f"Draft {draft_id} is already in the queue.")
        draft = self.library.get(draft_id)
        request = request_for(draft)
        model = self.catalog.validate(request.model, request.aspect, request.size)
        self.library.requeue(draft_id)
        self._broadcast.emit(SlotQueued(draft_id))
        self._start(draft, request, model.price(request.size))
        return draft

    def _start(self, draft: DraftRecord, request: GenerationRequest, price: float) -> None:
        slot = Slot(draft.id, draft.batch_id, request, price)
        self._slots[draft.id] = slot
        self.stats.pending += 1
        slot.task = asyncio.get_running_loop().create_task(
            self._run(slot), name=f"draft-{draft.id}"
        )
        slot.task.add_done_callback(lambda _: self._cancelled_before_start(slot))

    def cancel_slot(self, draft_id: int) -> bool:
        slot = self._slots.get(draft_id)
        if slot is None or slot.task is None or slot.task.done():
            return False
        slot.task.cancel()
        return True

    def cancel_batch(self, batch_id: int) -> int:
        return sum(
            self.cancel_slot(s.draft_id)
            for s in list(self._slots.values())
            if s.batch_id == batch_id
        )

    def cancel_all(self) -> int:
        return sum(self.cancel_slot(draft_id) for draft_id in list(self._slots))

    def abandon_waiting(self, kind: ErrorKind, message: str) -> int:
        """Ends every slot that is not on the wire as failed for `kind` (the CLI does this
        when the queue is paused and nobody is there to resume it). After a budget stop,
        slots never sent leave no row (and no event), only a count on their batch: a
        thousand "failed: budget" drafts would bury the few that arrived."""
        waiting = {
            slot.draft_id: (slot, slot.task)
            for slot in self._slots.values()
            if not slot.in_flight and slot.task is not None and not slot.task.done()
        }
        dropped: set[int] = set()
        if kind == ErrorKind.BUDGET:
            never_sent = [draft_id for draft_id, (slot, _) in waiting.items() if not slot.attempt]
            dropped = self.library.spending.drop_not_sent(never_sent)
        for draft_id, (slot, task) in waiting.items():
            slot.abandoned = (kind, message)
            slot.dropped = draft_id in dropped
            task.cancel()
        return len(waiting)

    def resume(self) -> None:
        if self.pause_reason is None:
            return
        self.pause_reason = None
        self.pacer.resume()
        self._broadcast.emit(QueueResumed())

    def set_budgets(self, session_usd: float | None, daily_usd: float | None) -> None:
        self.budget.set_caps(session_usd, daily_usd)
        if self.pause_reason is not None and self.pause_reason.kind == ErrorKind.BUDGET:
            self.resume()

    def set_max_concurrency(self, maximum: int) -> None:
        self.pacer.set_maximum(maximum)

    @property
    def busy(self) -> bool:
        return bool(self._slots)

    @property
    def stalled(self) -> bool:
        """Paused with nothing on the wire: only the user can move the queue now."""
        return self.pause_reason is not None and all(
            slot.waiting_turn for slot in self._slots.values()
        )

    async def wait_idle(self, until_stalled: bool = False) -> None:
        """Returns when every slot has finished, or (with `until_stalled`) when the queue is
        paused with nothing on the wire."""
        while self._slots and not (until_stalled and self.stalled):
            await self._broadcast.next_change()

    async def aclose(self) -> None:
        self.cancel_all()
        tasks = [s.task for s in self._slots.values() if s.task is not None]
        await asyncio.gather(*tasks, return_exceptions=True)
        self.pacer.close()

    # -- one slot ------------------------------------------------------------------------------

    def _pause(self, kind: ErrorKind, message: str, *, news: bool = False) -> None:
        """`news`: say it even when paused for the same reason already (the overshoot of a
        budget is more than "the budget is reached")."""
        self.pacer.pause()
        if news or self.pause_reason is None or self.pause_reason.kind != kind:
            self.pause_reason = QueuePaused(kind, message)
            self._broadcast.emit(self.pause_reason)

    def _cancelled_before_start(self, slot: Slot) -> None:
        # A task cancelled before its first step never runs its own cleanup.
        if not slot.ran:
            self._finish_cancelled(slot)
            self._forget(slot)

    def _forget(self, slot: Slot) -> None:
        self._slots.pop(slot.draft_id, None)
        self._count("pending", -1)
        self._broadcast.changed()

    async def _run(self, slot: Slot) -> None:
        slot.ran = True
        try:
            await self._attempts(slot)
        except asyncio.CancelledError:
            self._finish_cancelled(slot)
            raise
        except Exception as exc:
            log.exception("draft %d failed unexpectedly", slot.draft_id)
            self._finish_failed(slot, ErrorKind.INTERNAL, _internal_message(exc))
        finally:
            self._forget(slot)

    async def _attempts(self, slot: Slot) -> None:
        first = False
        while True:
            outcome = await self._send(slot, first)
            if outcome is None:
                first = True
                continue  # the queue paused (budget) before sending; wait for resume
            if isinstance(outcome, ImagesOutcome):
                await self._finish_images(slot, outcome)
                return
            if isinstance(outcome, BlockedOutcome):
                self._finish_blocked(slot, outcome)
                return
            if not await self._handle_failure(slot, outcome):
                return
            first = True

    async def _send(self, slot: Slot, first: bool) -> Outcome | None:
        """One request for the slot; None when the budget paused the queue before it left."""
        await self._saves.room.wait()
        slot.waiting_turn = True
        if self.pause_reason is not None:
            self._broadcast.changed()
        try:
            ticket = await self.pacer.acquire(first)
        finally:
            slot.waiting_turn = False
        outcome: Outcome | None = None
        try:
            reservation = self.budget.reserve(slot.price)
            if reservation is None:
                self.pacer.not_sent(ticket)
                self._pause(ErrorKind.BUDGET, self.budget.refusal(slot.price) or "Budget reached.")
                return None
            slot.in_flight = True
            slot.attempt += 1
            self.library.mark_running(slot.draft_id, slot.attempt, billed=self.billed)
            self._broadcast.emit(SlotStarted(slot.draft_id, slot.attempt))
            if self.stats.first_dispatch is None:
                self.stats.first_dispatch = time.monotonic()
            self.stats.in_flight += 1
            self.stats.peak_in_flight = max(self.stats.peak_in_flight, self.stats.in_flight)
            try:
                outcome = await self.backend.generate(slot.request)
            finally:
                self.stats.in_flight -= 1
                slot.in_flight = False
                # A cancelled request may still be billed by the service; we cannot know.
                actual = outcome.meta.cost_usd if outcome is not None else 0.0
                self.budget.settle(reservation, actual)
                self.stats.session_spent_usd = self.budget.session_spent
            # Before the turn is released, so no waiter slips out ahead of a throttle's hold.
            self._feedback(outcome, ticket)
            return outcome
        finally:
            # Only the model's own answers say how long it takes; refusals come back at once.
            latency = (
                outcome.meta.latency_s
                if isinstance(outcome, ImagesOutcome | BlockedOutcome)
                else None
            )
            self.pacer.release(ticket, latency)
            self.stats.concurrency = self.pacer.limit

    def _feedback(self, outcome: Outcome, ticket: Ticket) -> None:
        overshoot = self.budget.overshoot()
        if overshoot is not None:
            # One answer held more images than the one that was reserved for; nothing more
            # leaves until the user raises the cap.
            self._pause(ErrorKind.BUDGET, overshoot, news=True)
        if not isinstance(outcome, FailedOutcome):
            return
        if outcome.kind == ErrorKind.RATE_LIMITED:
            self.pacer.on_throttle(ticket, outcome.retry_after_s)
        elif outcome.kind == ErrorKind.DAILY_QUOTA:
            self.pacer.not_sent(ticket)  # refused: it did not count against the window
        # An overloaded service (503) is no news about the quota: only that slot backs off.
        if outcome.kind.stops_queue:
            self._pause(outcome.kind, _pause_message(outcome.kind, outcome.message))

    async def _handle_failure(self, slot: Slot, outcome: FailedOutcome) -> bool:
        """True when the slot should try again."""
        kind = outcome.kind
        if kind.stops_queue:
            self.library.mark_queued(slot.draft_id, kind, outcome.message, outcome.meta.cost_usd)
            self._broadcast.emit(SlotQueued(slot.draft_id))
            return True
        policy = self.retry_policy
        if kind == ErrorKind.RATE_LIMITED:
            slot.throttles += 1
            exhausted = slot.throttles > policy.max_throttles
            delay = policy.delay(slot.failures, outcome.retry_after_s, self._rng)
        elif kind == ErrorKind.OVERLOADED:
            slot.overloads += 1
            exhausted = slot.overloads >= policy.max_overloads
            delay = policy.overload_delay(slot.overloads, self._rng)
        else:
            slot.failures += 1
            exhausted = slot.failures >= policy.max_failures
            delay = policy.delay(slot.failures, outcome.retry_after_s, self._rng)
        if not kind.retryable or exhausted:
            self._finish_failed(slot, kind, outcome.message, outcome.meta.cost_usd)
            return False
        self.library.mark_retrying(slot.draft_id, kind, outcome.message, outcome.meta.cost_usd)
        self._broadcast.emit(
            SlotRetrying(slot.draft_id, slot.attempt, kind, outcome.message, delay)
        )
        await asyncio.sleep(delay)
        return True

    # -- endings -------------------------------------------------------------------------------

    def _count(self, name: str, delta: int = 1) -> None:
        setattr(self.stats, name, getattr(self.stats, name) + delta)

    def _save(self, slot: Slot, outcome: ImagesOutcome) -> list[StoredImage]:
        """On a worker thread."""
        return self.library.save_images(
            slot.draft_id, outcome.images, outcome.meta, outcome.text, outcome.model_turn
        )

    async def _finish_images(self, slot: Slot, outcome: ImagesOutcome) -> None:
        self._saves.began()
        timed = self._saves.timed
        images = len(outcome.images)
        save = asyncio.ensure_future(asyncio.to_thread(timed, self._save, images, slot, outcome))
        try:
            stored = await asyncio.shield(save)
        except asyncio.CancelledError:
            # The service has answered and billed: a late cancel must not lose the image.
            stored = await save
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()
        finally:
            self._saves.ended()
            self.pacer.set_local_rate(self._saves.rate)
        self._count("succeeded", len(stored))
        self.stats.last_success = time.monotonic()
        self._broadcast.emit(SlotSucceeded(slot.draft_id, tuple(stored), outcome.meta))

    def _finish_blocked(self, slot: Slot, outcome: BlockedOutcome) -> None:
        self.library.mark_blocked(slot.draft_id, outcome)
        self._count("blocked")
        self._broadcast.emit(SlotBlocked(slot.draft_id, outcome.reason, outcome.message))

    def _finish_failed(
        self, slot: Slot, kind: ErrorKind, message: str, cost_usd: float = 0.0
    ) -> None:
        self.library.mark_finished(
            slot.draft_id, SlotStatus.FAILED, kind=kind, message=message, extra_cost_usd=cost_usd
        )
        self._count("failed")
        self._broadcast.emit(SlotFailed(slot.draft_id, kind, message))

    def _finish_cancelled(self, slot: Slot) -> None:
        if slot.dropped:
            self._count("not_sent")
            return
        if slot.abandoned is not None:
            self._finish_failed(slot, *slot.abandoned)
            return
        self.library.mark_finished(slot.draft_id, SlotStatus.CANCELLED, message="Cancelled.")
        self._count("cancelled")
        self._broadcast.emit(SlotCancelled(slot.draft_id))


def _pause_message(kind: ErrorKind, message: str) -> str:
    if kind == ErrorKind.INVALID_KEY:
        return "The API key was rejected as not valid."
    if kind == ErrorKind.PERMISSION:
        return "The API key is not allowed to use this model."
    return message


def _internal_message(exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"The image could not be saved: {exc.strerror}."
    return f"Draft Studio hit an unexpected error; {where_details_are()}."
