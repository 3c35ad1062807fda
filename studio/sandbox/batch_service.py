"""The Batch API: jobs created from inline requests or a JSONL upload, polled, listed,
cancelled and deleted; each job's results are drawn once and stored.

Drawing starts when a job begins to run, if it runs for a while (in the process that
created it), or when any process reads a job that should be running or done; the first poll
after the job's time is up waits for it, as long as the client's own timeout allows. The
results are stored before the `done` record that makes the job SUCCEEDED, so a reader never
sees a finished job without them."""

from __future__ import annotations

import json
import logging
import re
import secrets
import threading
import time
from collections import OrderedDict
from typing import Any

from studio.sandbox import batch_input, batch_render, jobs, responses
from studio.sandbox.config import SandboxConfig
from studio.sandbox.files_api import Files
from studio.sandbox.jobs import Job
from studio.sandbox.models_api import MODELS, page_reply
from studio.sandbox.parsing import get_field
from studio.sandbox.responses import Reply
from studio.sandbox.store import Store

logger = logging.getLogger(__name__)

_CHECK_EVERY = 100  # requests drawn between looks at the job's record (cancelled? deleted?)
_CACHED_OUTPUTS = 2
_VALID_ID = re.compile(r"[a-z0-9]{1,64}")


class Batches:
    def __init__(self, store: Store, files: Files, stopped: threading.Event) -> None:
        self._store = store
        self._files = files
        self._stopped = stopped
        self._lock = threading.Lock()
        self._renders: dict[str, threading.Thread] = {}
        self._timers: list[threading.Timer] = []
        self._outputs: OrderedDict[str, bytes] = OrderedDict()

    def close(self) -> None:
        with self._lock:
            timers, self._timers = self._timers, []
        for timer in timers:
            timer.cancel()

    # Routes.

    def create(self, model_id: str, version: str, body: Any, config: SandboxConfig) -> Reply:
        spec = MODELS.get(model_id)
        if spec is None:
            return responses.model_not_found(model_id, version, "batchGenerateContent")
        try:
            batch, source = batch_input.source_of(body)
            input_file = batch_input.file_name_of(source)
            if input_file is None:
                entries = batch_input.inline_entries(source)
            else:
                content = self._files.content(input_file.removeprefix("files/"))
                if content is None or not input_file.startswith("files/"):
                    return responses.file_not_found(input_file.removeprefix("files/"))
                entries = batch_input.file_entries(content, input_file)
        except batch_input.BatchError as exc:
            return responses.invalid_argument(str(exc))
        display_name = get_field(batch, "displayName")
        marker = batch_input.job_ending(entries)
        job = Job(
            id=secrets.token_hex(16),
            model=spec.id,
            display_name=display_name if isinstance(display_name, str) else None,
            input_file=input_file,
            created_at=time.time(),
            pending_s=config.batch_pending_s,
            running_s=config.batch_running_s,
            ending=jobs.SUCCEEDS if marker is None else marker.value,
            shuffle=config.batch_shuffle,
            pixel_scale=config.pixel_scale,
            request_count=len(entries),
        )
        for index, entry in enumerate(entries):
            batch_input.plan(job.id, spec, index, entry, config)
        job.failures = [index for index, entry in enumerate(entries) if "error" in entry]
        self._store.write_json(_requests(job.id), entries)
        self._save(job)  # the job exists from here on
        # A job that runs for a while is drawn meanwhile; one that is done at once is drawn
        # when it is first read, so the drawing never competes with the client's own work.
        if job.ending == jobs.SUCCEEDS and job.running_s > 0:
            self._schedule(job)
        now = time.time()
        return Reply(200, jobs.operation(job, jobs.standing(job, now, None), now, None))

    def get(self, job_id: str, wait_s: float) -> Reply:
        """`wait_s`: how long a poll after the job's end may wait for its results."""
        job = self._job(job_id)
        if job is None:
            return responses.entity_not_found()
        now = time.time()
        finished = self._finished_at(job)
        standing = jobs.standing(job, now, finished)
        if standing.state == jobs.RUNNING and job.ending == jobs.SUCCEEDS:
            render = self._start_render(job.id)
            if now >= job.ends_at and render is not None:
                render.join(wait_s)
                now = time.time()
                finished = self._finished_at(job)
                standing = jobs.standing(job, now, finished)
        output = self._output(job.id) if standing.state == jobs.SUCCEEDED else None
        return Reply(200, jobs.operation(job, standing, now, output))

    def page(self, query: dict[str, list[str]]) -> Reply:
        names = [name[: -len(".json")] for name in self._store.names("batches")]
        found = [self._job(name) for name in names if _VALID_ID.fullmatch(name)]
        listed = sorted((job for job in found if job is not None), key=lambda j: -j.created_at)
        now = time.time()
        # Results are left out: listing many finished jobs would mean sending all their images.
        operations = [
            json.loads(jobs.operation(job, self._standing(job, now), now, None)) for job in listed
        ]
        return page_reply("operations", operations, query)

    def cancel(self, job_id: str) -> Reply:
        job = self._job(job_id)
        if job is None:
            return responses.entity_not_found()
        now = time.time()
        standing = self._standing(job, now)
        if standing.state == jobs.CANCELLED:
            return responses.json_reply({})
        if standing.state in jobs.TERMINAL:
            return responses.failed_precondition(
                f"Batch {job.name} is already in state {standing.state} and cannot be cancelled."
            )
        job.cancelled_at = now
        self._save(job)
        self._discard_results(job)
        return responses.json_reply({})

    def delete(self, job_id: str) -> Reply:
        job = self._job(job_id)
        if job is None:
            return responses.entity_not_found()
        # Like the service, deleting forgets the job without cancelling it; its result
        # file, if any, stays until it is deleted on its own.
        for name in (_record(job_id), _requests(job_id), _output(job_id), _done(job_id)):
            self._store.delete(name)
        with self._lock:
            self._outputs.pop(job_id, None)
        return responses.json_reply({})

    # Drawing the results.

    def _schedule(self, job: Job) -> None:
        timer = threading.Timer(max(0.0, job.runs_at - time.time()), self._start_render, [job.id])
        timer.daemon = True
        with self._lock:
            self._timers = [t for t in self._timers if t.is_alive()] + [timer]
        timer.start()

    def _start_render(self, job_id: str) -> threading.Thread | None:
        with self._lock:
            render = self._renders.get(job_id)
            if render is None or not render.is_alive():
                if self._store.exists(_done(job_id)):
                    return None
                render = threading.Thread(
                    target=self._render, args=(job_id,), name=f"batch-{job_id[:8]}", daemon=True
                )
                self._renders[job_id] = render
                render.start()
            return render

    def _render(self, job_id: str) -> None:
        try:
            self._render_once(job_id)
        except Exception:  # a bug must not end the server; the next poll tries again
            logger.exception("Drawing the results of batch %s failed", job_id)
        finally:
            with self._lock:
                if self._renders.get(job_id) is threading.current_thread():
                    del self._renders[job_id]

    def _render_once(self, job_id: str) -> None:
        job = self._job(job_id)
        entries = self._store.read_json(_requests(job_id))
        if job is None or not isinstance(entries, list) or self._store.exists(_done(job_id)):
            return

        def keep_going(index: int) -> bool:
            if self._stopped.is_set():
                return False
            return index % _CHECK_EVERY != 0 or index == 0 or self._still_wanted(job_id)

        items = batch_render.render(job, MODELS[job.model], entries, keep_going)
        if items is None or not self._still_wanted(job_id):
            return
        if job.input_file is None:
            output = batch_render.inline_output(job, items)
        else:
            lines = [items[index] for index in batch_render.order(job)]
            self._files.add_generated(
                _result_file(job_id), b"\n".join(lines) + b"\n", "application/jsonl"
            )
            output = json.dumps({"responsesFile": f"files/{_result_file(job_id)}"}).encode()
        self._store.write(_output(job_id), output)
        self._store.write_json(_done(job_id), {"finishedAt": time.time()})

    def _still_wanted(self, job_id: str) -> bool:
        job = self._job(job_id)
        return job is not None and job.cancelled_at is None and not self._stopped.is_set()

    def _discard_results(self, job: Job) -> None:
        for name in (_done(job.id), _output(job.id)):
            self._store.delete(name)
        if job.input_file is not None:
            self._files.delete_file(_result_file(job.id))
        with self._lock:
            self._outputs.pop(job.id, None)

    # Records.

    def _job(self, job_id: str) -> Job | None:
        if not _VALID_ID.fullmatch(job_id):
            return None  # no job has such a name, and it must not reach the disk
        return Job.from_json(self._store.read_json(_record(job_id)))

    def _save(self, job: Job) -> None:
        self._store.write_json(_record(job.id), job.to_json())

    def _standing(self, job: Job, now: float) -> jobs.Standing:
        return jobs.standing(job, now, self._finished_at(job))

    def _finished_at(self, job: Job) -> float | None:
        done = self._store.read_json(_done(job.id))
        return float(done["finishedAt"]) if isinstance(done, dict) else None

    def _output(self, job_id: str) -> bytes | None:
        with self._lock:
            output = self._outputs.get(job_id)
        if output is None:
            output = self._store.read(_output(job_id))
            if output is not None:
                with self._lock:
                    self._outputs[job_id] = output
                    while len(self._outputs) > _CACHED_OUTPUTS:
                        self._outputs.popitem(last=False)
        return output


def _result_file(job_id: str) -> str:
    return f"batch-{job_id}"


def _record(job_id: str) -> str:
    return f"batches/{job_id}.json"


def _requests(job_id: str) -> str:
    return f"batches/{job_id}.requests.json"


def _output(job_id: str) -> str:
    return f"batches/{job_id}.output.json"


def _done(job_id: str) -> str:
    return f"batches/{job_id}.done.json"
