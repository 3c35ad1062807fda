"""Batch API jobs over the official async client: create (inline or from an uploaded JSONL
file), find again by display name, poll, read the answers by key, cancel.

Imports google-genai: only what sends jobs loads it."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from google.genai import errors, types

from studio.core.catalog import ModelSpec
from studio.core.domain import ErrorKind, FailedOutcome, GenerationRequest, JobState, Outcome
from studio.core.gemini.client import GeminiAdapter
from studio.core.gemini.errors import from_exception
from studio.core.gemini.job_requests import INLINE_LIMIT_BYTES, inline_weight, jsonl_lines
from studio.core.gemini.responses import read_response

log = logging.getLogger(__name__)

_STATES = {
    "JOB_STATE_PENDING": JobState.PENDING,
    "JOB_STATE_QUEUED": JobState.PENDING,
    "JOB_STATE_RUNNING": JobState.RUNNING,
    "JOB_STATE_SUCCEEDED": JobState.SUCCEEDED,
    "JOB_STATE_PARTIALLY_SUCCEEDED": JobState.SUCCEEDED,
    "JOB_STATE_FAILED": JobState.FAILED,
    "JOB_STATE_CANCELLED": JobState.CANCELLED,
    "JOB_STATE_EXPIRED": JobState.EXPIRED,
}
# google.rpc codes a per-request error carries (HTTP codes are accepted too).
_RPC_AS_HTTP = {3: 400, 5: 404, 7: 403, 8: 429, 13: 500, 14: 503, 4: 504, 16: 401}
_TIMEOUT_S = 120.0


class BatchServiceError(Exception):
    """A job call failed; the message is one sentence for the user."""

    def __init__(self, failure: FailedOutcome) -> None:
        super().__init__(failure.message)
        self.failure = failure


@dataclass(frozen=True, slots=True)
class RemoteJob:
    name: str
    state: JobState
    message: str | None
    job: types.BatchJob


class BatchClient:
    def __init__(
        self, adapter: GeminiAdapter, *, inline_limit_bytes: int = INLINE_LIMIT_BYTES
    ) -> None:
        self._adapter = adapter
        self._client = adapter.client.aio
        self._inline_limit = inline_limit_bytes

    async def _call(self, what: str, model: str, call: Any) -> Any:
        try:
            async with asyncio.timeout(_TIMEOUT_S):
                return await call
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            failure = from_exception(exc, model, _TIMEOUT_S)
            log.info("batch %s failed: %s (%s)", what, failure.kind, type(exc).__name__)
            raise BatchServiceError(failure) from exc

    def prepare(self, keyed: Sequence[tuple[str, GenerationRequest]]) -> tuple[str, bytes]:
        """("inline" or "file", the JSONL a file-based job uploads)."""
        lines = jsonl_lines(list(keyed), self._adapter.catalog)
        weight = inline_weight(list(keyed), lines)
        return ("inline" if weight < self._inline_limit else "file"), lines

    async def create(
        self,
        model: str,
        display_name: str,
        keyed: Sequence[tuple[str, GenerationRequest]],
        source: str,
        lines: bytes,
    ) -> tuple[str, str | None]:
        """(the job's name, the uploaded input file's name for a file-based job)."""
        src: list[types.InlinedRequest] | str
        input_file = None
        if source == "inline":
            src = [
                types.InlinedRequest(
                    contents=self._adapter.contents(request),
                    config=self._adapter.config(request),
                    metadata={"key": key},
                )
                for key, request in keyed
            ]
        else:
            uploaded = await self._call(
                "upload",
                model,
                self._client.files.upload(
                    file=io.BytesIO(lines),
                    config=types.UploadFileConfig(
                        mime_type="jsonl", display_name=f"{display_name}.jsonl"
                    ),
                ),
            )
            src = input_file = str(uploaded.name)
        job = await self._call(
            "create",
            model,
            self._client.batches.create(
                model=model, src=src, config=types.CreateBatchJobConfig(display_name=display_name)
            ),
        )
        return str(job.name), input_file

    async def find(self, display_name: str) -> str | None:
        """The name of the job sent under `display_name`, if the service has one: for a process
        that died after sending but before it recorded the answer."""
        pager = await self._call("list", "", self._client.batches.list())
        async for job in pager:
            if job.display_name == display_name:
                return str(job.name)
        return None

    async def get(self, name: str) -> RemoteJob:
        job = await self._call("poll", "", self._client.batches.get(name=name))
        state = _STATES.get(str(getattr(job.state, "value", job.state)), JobState.PENDING)
        message = job.error.message if job.error is not None and job.error.message else None
        return RemoteJob(str(job.name), state, message, job)

    async def cancel(self, name: str) -> None:
        await self._call("cancel", "", self._client.batches.cancel(name=name))

    async def answers(
        self, remote: RemoteJob, spec: ModelSpec, size: str
    ) -> Iterator[tuple[str, Outcome]]:
        """(key, outcome) for every answer the finished job holds, in the order it gives them
        (match by key, never by position); read one by one, so that a job's images are not
        all decoded at once."""
        dest = remote.job.dest
        if dest is None:
            return iter(())
        if dest.inlined_responses:
            return (
                (
                    str((item.metadata or {}).get("key", "")),
                    _outcome(item.response, item.error, spec, size),
                )
                for item in dest.inlined_responses
            )
        if dest.file_name:
            # To disk, not memory: 2,000 1K answers are some 4 GB of base64.
            folder = tempfile.TemporaryDirectory(prefix="draft-studio-job-")
            results = Path(folder.name) / "results.jsonl"
            try:
                await self._call(
                    "download",
                    spec.id,
                    self._client.files.download(file=dest.file_name, destination=str(results)),
                )
            except BaseException:
                folder.cleanup()
                raise
            return _file_answers(folder, results, spec, size)
        return iter(())


def _outcome(
    response: types.GenerateContentResponse | None,
    error: types.JobError | None,
    spec: ModelSpec,
    size: str,
) -> Outcome:
    if error is not None or response is None:
        code = int(error.code or 0) if error is not None else 0
        message = (error.message if error is not None else None) or "no answer"
        return _request_error(code, message, spec)
    try:
        return read_response(response, spec, size, 0.0, batch=True)
    except (ValueError, TypeError, AttributeError):
        return FailedOutcome(ErrorKind.BAD_RESPONSE, "The job's answer could not be read.")


def _request_error(code: int, message: str, spec: ModelSpec) -> FailedOutcome:
    http = _RPC_AS_HTTP.get(code, code if code >= 100 else 500)
    failure = from_exception(errors.APIError(http, {"error": {"message": message}}), spec.id, 0)
    return FailedOutcome(failure.kind, failure.message)


def _file_answers(
    folder: tempfile.TemporaryDirectory[str], results: Path, spec: ModelSpec, size: str
) -> Iterator[tuple[str, Outcome]]:
    try:
        with results.open("rb") as lines:
            for line in lines:
                if line.strip():
                    yield _file_answer(line, spec, size)
    finally:
        folder.cleanup()


def _file_answer(line: bytes, spec: ModelSpec, size: str) -> tuple[str, Outcome]:
    try:
        item = json.loads(line)
        key = str(item.get("key", ""))
    except (ValueError, AttributeError):
        return "", FailedOutcome(ErrorKind.BAD_RESPONSE, "A line of the job's results is not JSON.")
    error = item.get("error")
    if error is not None:
        return key, _request_error(int(error.get("code", 0)), str(error.get("message", "")), spec)
    try:
        response = types.GenerateContentResponse._from_response(
            response=item.get("response") or {}, kwargs={}
        )
    except Exception:  # a malformed answer is that slot's failure, never the poller's
        return key, FailedOutcome(ErrorKind.BAD_RESPONSE, "The job's answer could not be read.")
    return key, _outcome(response, None, spec, size)
