"""Batch API jobs in the app: sending a batch as a job, polling the unfinished ones on the
engine's thread (also after a restart), cancelling, and telling when results have arrived.

The answers reach the grid as the engine's own events do; this model keeps the list the
Jobs section shows."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from studio.core.domain import JobState
from studio.core.engine import BatchSpec, EngineEvent, JobEngine
from studio.core.library import JobRecord, Library
from studio.core.logs import where_details_are

if TYPE_CHECKING:
    from studio.core.jobs import JobRunner

log = logging.getLogger(__name__)

# A job is offered beside Generate from this many drafts on: below it, live is quick enough.
JOB_OFFER_SLOTS = 20


class JobsModel(QObject):
    changed = Signal()  # `jobs` holds a new list
    arrived = Signal(int, int)  # job id, images: a job's results are in the library
    refused = Signal(str)  # a job could not be sent, polled or cancelled, in one sentence
    _posted = Signal(object)  # a list of JobRecords, from the engine's thread

    def __init__(
        self,
        library: Library,
        run_in_engine: Callable[[str, Callable[[JobEngine], object]], None],
        post_event: Callable[[EngineEvent], None],
    ) -> None:
        super().__init__()
        self._library = library
        self._run_in_engine = run_in_engine
        self._post_event = post_event
        self.jobs: list[JobRecord] = library.jobs.all()
        self.first_poll_s = 2.0
        self.longest_poll_s = 30.0
        self._told: set[int] = {job.id for job in self.jobs if job.done}
        self._poller: asyncio.Task[None] | None = None  # on the engine's loop
        self._posted.connect(self._on_posted)

    @property
    def unfinished(self) -> list[JobRecord]:
        return [job for job in self.jobs if not job.done]

    def job(self, job_id: int) -> JobRecord | None:
        return next((job for job in self.jobs if job.id == job_id), None)

    # -- actions (GUI thread) ------------------------------------------------------------------

    def submit(self, spec: BatchSpec) -> None:
        def start(engine: JobEngine) -> None:
            self._spawn(self._submit(engine, spec), "Sending the batch job")

        self._run_in_engine("Sending the batch job", start)

    def cancel(self, job_id: int) -> None:
        def start(engine: JobEngine) -> None:
            async def cancel() -> None:
                await self._runner(engine).cancel(self._library.jobs.get(job_id))
                self._publish()

            self._spawn(cancel(), "Cancelling the batch job")

        self._run_in_engine("Cancelling the batch job", start)

    def resume(self) -> None:
        """Polls what earlier sessions left unfinished, on the backend the engine has now;
        called once the engine runs and whenever it changes service."""

        def restart(engine: JobEngine) -> None:
            if self._poller is not None:
                self._poller.cancel()
                self._poller = None
            self._ensure_polling(engine)

        self._run_in_engine("Polling batch jobs", restart)

    # -- on the engine's thread ----------------------------------------------------------------

    def _runner(self, engine: JobEngine) -> JobRunner:
        from studio.core.gemini.batch_client import BatchClient
        from studio.core.gemini.client import GeminiAdapter
        from studio.core.jobs import JobRunner

        backend = engine.backend
        if not isinstance(backend, GeminiAdapter):
            raise ValueError("Batch jobs need the Gemini service or its sandbox.")
        return JobRunner(
            self._library, BatchClient(backend), engine.catalog, listener=self._post_event
        )

    def _spawn(self, work: Coroutine[Any, Any, None], what: str) -> None:
        async def guarded() -> None:
            from studio.core.gemini.batch_client import BatchServiceError
            from studio.core.jobs import JobRefused

            try:
                await work
            except asyncio.CancelledError:
                raise
            except (JobRefused, BatchServiceError, ValueError) as exc:
                self.refused.emit(str(exc))
                self._publish()
            except Exception:
                log.exception("%s failed", what)
                self.refused.emit(f"{what} failed; {where_details_are()}.")

        asyncio.get_running_loop().create_task(guarded(), name=what)

    async def _submit(self, engine: JobEngine, spec: BatchSpec) -> None:
        plan = replace(spec, batch_job=True).plan(engine.catalog)
        await self._runner(engine).submit(plan, billed=engine.billed, guard=engine.budget)
        self._publish()
        self._ensure_polling(engine)

    def _ensure_polling(self, engine: JobEngine) -> None:
        if self._poller is None or self._poller.done():
            self._poller = asyncio.get_running_loop().create_task(
                self._poll(engine), name="Polling batch jobs"
            )

    async def _poll(self, engine: JobEngine) -> None:
        """Until nothing this backend can answer is waiting; a job sent later starts it again."""
        while True:
            waiting = [
                job
                for job in self._library.jobs.all()
                if not job.done and job.billed == engine.billed
            ]
            if not waiting:
                return
            try:
                await self._runner(engine).wait(
                    waiting,
                    first_poll_s=self.first_poll_s,
                    longest_poll_s=self.longest_poll_s,
                    on_poll=lambda _: self._publish(),
                )
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the key, the network: say so, and look again later
                log.info("polling batch jobs failed: %s", exc)
                self.refused.emit(f"Polling batch jobs failed: {str(exc).rstrip('.')}.")
                await asyncio.sleep(self.longest_poll_s)
            self._publish()

    async def stop(self) -> None:
        """On the engine's thread, before the engine closes."""
        poller, self._poller = self._poller, None
        if poller is not None and not poller.done():
            poller.cancel()
            await asyncio.gather(poller, return_exceptions=True)

    def _publish(self) -> None:
        self._posted.emit(self._library.jobs.all())

    # -- GUI thread ----------------------------------------------------------------------------

    def _on_posted(self, jobs: list[JobRecord]) -> None:
        self.jobs = jobs
        self.changed.emit()
        for job in jobs:
            if job.done and job.id not in self._told:
                self._told.add(job.id)
                if job.state == JobState.SUCCEEDED or job.arrived:
                    self.arrived.emit(job.id, job.arrived)
