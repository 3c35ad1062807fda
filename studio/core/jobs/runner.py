"""Sending a planned batch as a Batch API job, polling it, and importing its answers exactly
as live images are stored (written, fsynced, committed, then announced).

The library is the job's memory: the job and its waiting slots are recorded before anything
is sent, the service's name for it as soon as it answers, and each answer is claimed before
it is stored, so a restarted or second process resumes the same job without importing
anything twice."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from studio.core.catalog import Catalog
from studio.core.derive import rebuild_request
from studio.core.domain import (
    BlockedOutcome,
    ErrorKind,
    FailedOutcome,
    GenerationRequest,
    ImagesOutcome,
    JobState,
    Outcome,
    SlotStatus,
)
from studio.core.engine import BatchPlan, BudgetGuard
from studio.core.engine.events import (
    BatchQueued,
    EngineEvent,
    SlotBlocked,
    SlotCancelled,
    SlotFailed,
    SlotSucceeded,
)
from studio.core.library import DraftRecord, JobRecord, Library

if TYPE_CHECKING:
    from studio.core.gemini.batch_client import BatchClient, RemoteJob

log = logging.getLogger(__name__)

_ENDINGS = {
    JobState.FAILED: (SlotStatus.FAILED, "The batch job failed"),
    JobState.CANCELLED: (SlotStatus.CANCELLED, "The batch job was cancelled."),
    JobState.EXPIRED: (
        SlotStatus.FAILED,
        "The batch job expired: the service did not run it within 24 hours.",
    ),
}
NO_ANSWER = "The batch job ended without an answer for this draft."
_STORES_AT_ONCE = 4


class JobRefused(ValueError):
    """The job cannot be sent (a budget); the message says why."""


def draft_key(draft_id: int) -> str:
    return f"draft-{draft_id}"


class JobRunner:
    def __init__(
        self,
        library: Library,
        client: BatchClient,
        catalog: Catalog,
        *,
        listener: Callable[[EngineEvent], None] | None = None,
    ) -> None:
        self.library = library
        self.catalog = catalog
        self._client = client
        self._listener = listener or (lambda event: None)

    # -- sending -------------------------------------------------------------------------------

    def refusal(self, plan: BatchPlan, guard: BudgetGuard | None) -> str | None:
        """Why the job may not be sent: its whole cost, and what earlier jobs still have on
        the way, must fit the budgets (a job cannot be stopped half-way to save money)."""
        if guard is None:
            return None
        return guard.refusal(plan.total_price + self.outstanding_usd(guard.billed))

    def outstanding_usd(self, billed: bool) -> float:
        """What the slots still waiting in unfinished jobs will cost at the batch price."""
        total = 0.0
        for job in self.library.jobs.all():
            if job.billed == billed and job.waiting and not job.state.finished:
                total += self.catalog.get(job.model).price(job.size, batch=True) * job.waiting
        return total

    async def submit(
        self, plan: BatchPlan, *, billed: bool, guard: BudgetGuard | None = None
    ) -> JobRecord:
        """Records the job, then sends it; returns once the service has accepted it."""
        reason = self.refusal(plan, guard)
        if reason is not None:
            raise JobRefused(reason)
        provisional = [(draft_key(10**9 + i), r) for i, r in enumerate(plan.requests)]
        source, _ = self._client.prepare(provisional)
        job = self.library.jobs.create(plan.record, source=source, billed=billed)
        drafts = self.library.drafts_of_batch(job.batch_id)
        self._listener(BatchQueued(job.batch_id, tuple(drafts)))
        keyed = [(draft_key(d.id), plan.requests[d.slot]) for d in drafts]
        await self._send(job, keyed, resuming=False)
        return self.library.jobs.get(job.id)

    async def _send(
        self, job: JobRecord, keyed: list[tuple[str, GenerationRequest]], *, resuming: bool
    ) -> None:
        name = await self._client.find(job.display_name) if resuming else None
        input_file = None
        if name is None:
            _, lines = self._client.prepare(keyed)
            name, input_file = await self._client.create(
                job.model, job.display_name, keyed, job.source, lines
            )
        self.library.jobs.accepted(job.id, name, input_file)
        log.info("batch job %d is %s (%d requests, %s)", job.id, name, len(keyed), job.source)

    # -- polling -------------------------------------------------------------------------------

    async def poll(self, job: JobRecord) -> JobRecord:
        """One look at the job: its state, and its answers once it has succeeded."""
        if job.name is None:
            # Recorded, but the process that sent it died before the service's answer.
            drafts = self.library.jobs.waiting_drafts(job.id)
            keyed = [(draft_key(d.id), rebuild_request(self.library, d)) for d in drafts]
            await self._send(job, keyed, resuming=True)
            return self.library.jobs.get(job.id)
        remote = await self._client.get(job.name)
        if remote.state != job.state or remote.message != job.message:
            self.library.jobs.set_state(job.id, remote.state, remote.message)
        if remote.state == JobState.SUCCEEDED:
            await self._import(job, remote)
        elif remote.state in _ENDINGS:
            self._end_waiting(job, remote.state, remote.message)
        return self.library.jobs.get(job.id)

    async def wait(
        self,
        jobs: Iterable[JobRecord],
        *,
        timeout_s: float | None = None,
        first_poll_s: float = 2.0,
        longest_poll_s: float = 30.0,
        on_poll: Callable[[list[JobRecord]], None] | None = None,
    ) -> list[JobRecord]:
        """Polls until every job is done (or the timeout), more slowly the longer it takes:
        real jobs take minutes to hours, and polling costs requests."""
        current = {job.id: job for job in jobs}
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        interval = first_poll_s
        while True:
            for job_id, job in list(current.items()):
                if not job.done:
                    current[job_id] = await self._poll_through_trouble(job)
            if on_poll is not None:
                on_poll(list(current.values()))
            if all(job.done for job in current.values()):
                break
            if deadline is not None and time.monotonic() + interval > deadline:
                break
            await asyncio.sleep(interval)
            interval = min(interval * 1.5, longest_poll_s)
        return list(current.values())

    async def _poll_through_trouble(self, job: JobRecord) -> JobRecord:
        """A poll that fails for a passing reason (network, overload) is tried again at the
        next interval; one no later poll can fix (the key) ends the wait."""
        from studio.core.gemini.batch_client import BatchServiceError

        try:
            return await self.poll(job)
        except BatchServiceError as exc:
            if exc.failure.kind.stops_queue or exc.failure.kind == ErrorKind.MODEL_NOT_FOUND:
                raise
            log.info("batch job %d: poll failed (%s); trying again", job.id, exc)
            return job

    async def cancel(self, job: JobRecord) -> JobRecord:
        if job.state.finished:
            return job
        if job.name is not None:
            await self._client.cancel(job.name)
            return await self.poll(job)
        self.library.jobs.set_state(job.id, JobState.CANCELLED)
        self._end_waiting(job, JobState.CANCELLED, None)
        return self.library.jobs.get(job.id)

    # -- importing -----------------------------------------------------------------------------

    async def _import(self, job: JobRecord, remote: RemoteJob) -> None:
        waiting = {draft_key(d.id): d for d in self.library.jobs.waiting_drafts(job.id)}
        if not waiting:
            return
        spec = self.catalog.get(job.model)
        answers = await self._client.answers(remote, spec, job.size)
        known = {draft_key(d.id) for d in self.library.drafts_of_batch(job.batch_id)}
        unmatched = 0
        # A few stores at once keep both cores busy decoding and thumbnailing; more would
        # only hold more decoded images in memory.
        saving: set[asyncio.Task[None]] = set()
        try:
            for key, outcome in answers:
                draft = waiting.pop(key, None)
                if draft is None:
                    unmatched += key not in known  # a known key was imported already
                    continue
                if not self.library.jobs.claim(draft.id):
                    continue
                if len(saving) >= _STORES_AT_ONCE:
                    done, saving = await asyncio.wait(saving, return_when=asyncio.FIRST_COMPLETED)
                    for stored in done:
                        stored.result()  # a failed store stops the import, as it would alone
                saving.add(asyncio.ensure_future(self._store(draft, outcome)))
        finally:
            # A file-based job's answers are read from a temporary file, removed on close.
            close = getattr(answers, "close", None)
            if close is not None:
                close()
            if saving:
                await asyncio.gather(*saving)
        for draft in waiting.values():
            if self.library.jobs.claim(draft.id):
                self.library.mark_finished(
                    draft.id, SlotStatus.FAILED, kind=ErrorKind.BAD_RESPONSE, message=NO_ANSWER
                )
                self._listener(SlotFailed(draft.id, ErrorKind.BAD_RESPONSE, NO_ANSWER))
        if unmatched:
            said = "1 answer" if unmatched == 1 else f"{unmatched} answers"
            verb = "was" if unmatched == 1 else "were"
            message = f"{said} of this job matched no draft and {verb} left out."
            log.warning("batch job %d: %s", job.id, message)
            self.library.jobs.set_state(job.id, JobState.SUCCEEDED, message)
        self.library.jobs.imported(job.id)

    async def _store(self, draft: DraftRecord, outcome: Outcome) -> None:
        if isinstance(outcome, ImagesOutcome):
            save = asyncio.ensure_future(
                asyncio.to_thread(
                    self.library.save_images,
                    draft.id,
                    outcome.images,
                    outcome.meta,
                    outcome.text,
                    outcome.model_turn,
                )
            )
            try:
                stored = await asyncio.shield(save)
            except asyncio.CancelledError:
                # Claimed and being written: finish it, or the answer waits for a retry.
                await save
                raise
            self._listener(SlotSucceeded(draft.id, tuple(stored), outcome.meta))
        elif isinstance(outcome, BlockedOutcome):
            self.library.mark_blocked(draft.id, outcome)
            self._listener(SlotBlocked(draft.id, outcome.reason, outcome.message))
        else:
            self._fail(draft.id, outcome)

    def _fail(self, draft_id: int, failure: FailedOutcome) -> None:
        self.library.mark_finished(
            draft_id, SlotStatus.FAILED, kind=failure.kind, message=failure.message
        )
        self._listener(SlotFailed(draft_id, failure.kind, failure.message))

    def _end_waiting(self, job: JobRecord, state: JobState, detail: str | None) -> None:
        status, message = _ENDINGS[state]
        if state == JobState.FAILED:
            message = f"{message}: {detail.rstrip('.')}." if detail else f"{message}."
        waiting = self.library.jobs.waiting_drafts(job.id)
        kind = ErrorKind.INTERRUPTED if status == SlotStatus.CANCELLED else ErrorKind.SERVER_ERROR
        self.library.jobs.end_waiting(job.id, status, kind, message)
        for draft in waiting:
            if status == SlotStatus.CANCELLED:
                self._listener(SlotCancelled(draft.id))
            else:
                self._listener(SlotFailed(draft.id, kind, message))
