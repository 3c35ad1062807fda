"""A batch job's record, and where it stands at a given moment.

The state follows the wall clock from the job's creation, and the record carries its own
timings, so every sandbox process that reads the record agrees on it."""

from __future__ import annotations

import json
from bisect import bisect_left
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from studio.sandbox import job_errors
from studio.sandbox.config import JobMarker

PENDING = "BATCH_STATE_PENDING"
RUNNING = "BATCH_STATE_RUNNING"
SUCCEEDED = "BATCH_STATE_SUCCEEDED"
FAILED = "BATCH_STATE_FAILED"
CANCELLED = "BATCH_STATE_CANCELLED"
EXPIRED = "BATCH_STATE_EXPIRED"
TERMINAL = frozenset({SUCCEEDED, FAILED, CANCELLED, EXPIRED})
# The live service's type names, version segment included (the SDK does not read them).
_BATCH_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch"
SUCCEEDS = "succeeded"  # Job.ending when no JobMarker asks for another end


@dataclass
class Job:
    id: str
    model: str
    display_name: str | None
    input_file: str | None  # "files/NAME" for a job read from a JSONL upload
    created_at: float  # time.time()
    pending_s: float
    running_s: float
    ending: str  # SUCCEEDS or a JobMarker value
    shuffle: bool
    pixel_scale: float
    request_count: int
    failures: list[int] = field(default_factory=list)  # sorted indices answered by an error
    cancelled_at: float | None = None

    @property
    def name(self) -> str:
        return f"batches/{self.id}"

    @property
    def runs_at(self) -> float:
        return self.created_at + self.pending_s

    @property
    def ends_at(self) -> float:
        return self.runs_at + self.running_s

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> Job | None:
        try:
            return cls(**data)
        except TypeError:
            return None  # not a job record (or one from an incompatible sandbox)


@dataclass(frozen=True, slots=True)
class Standing:
    state: str
    since: float  # when the job entered the state


def standing(job: Job, now: float, finished_at: float | None) -> Standing:
    """`finished_at` is when the results were stored, None while they are not: a job
    whose time is up stays RUNNING until then, as a slow real job would."""
    if job.cancelled_at is not None:
        return Standing(CANCELLED, job.cancelled_at)
    if job.ending == JobMarker.PENDING or now < job.runs_at:
        return Standing(PENDING, job.created_at)
    if job.ending == JobMarker.EXPIRED:
        # Expired jobs never ran: they waited in the queue until their time was up.
        if now < job.ends_at:
            return Standing(PENDING, job.created_at)
        return Standing(EXPIRED, job.ends_at)
    if now < job.ends_at:
        return Standing(RUNNING, job.runs_at)
    if job.ending == JobMarker.FAILED:
        return Standing(FAILED, job.ends_at)
    if finished_at is None:
        return Standing(RUNNING, job.runs_at)
    return Standing(SUCCEEDED, max(job.ends_at, finished_at))


def _processed(job: Job, at: float) -> int:
    """How many requests (in request order) a running job has answered by `at`."""
    if job.running_s <= 0 or at >= job.ends_at:
        fraction = 1.0
    else:
        fraction = max(0.0, (at - job.runs_at) / job.running_s)
    # A running job always has something left to do.
    return min(int(job.request_count * fraction), job.request_count - 1)


def batch_stats(job: Job, standing: Standing, now: float) -> dict[str, str]:
    """Counts as the service sends them: int64 as strings, zeros left out."""
    total = job.request_count
    if standing.state == FAILED:
        return {"requestCount": str(total), "failedRequestCount": str(total)}
    if standing.state == SUCCEEDED:
        done = total
    elif standing.state == RUNNING:
        done = _processed(job, now)
    elif standing.state == CANCELLED and standing.since >= job.runs_at:
        done = _processed(job, standing.since)  # what had been answered stays counted
    else:
        done = 0
    failed = bisect_left(job.failures, done)
    counts = {
        "requestCount": total,
        "successfulRequestCount": done - failed,
        "failedRequestCount": failed,
        "pendingRequestCount": total - done,
    }
    return {name: str(count) for name, count in counts.items() if count}


def timestamp(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def operation(job: Job, standing: Standing, now: float, output: bytes | None) -> bytes:
    """The long-running operation the Batch API answers with (wire spec §11.2). `output` is
    the stored JSON of metadata.output, spliced in as it is: it can hold thousands of images."""
    metadata: dict[str, Any] = {"@type": _BATCH_TYPE, "model": f"models/{job.model}"}
    if job.display_name is not None:
        metadata["displayName"] = job.display_name
    if job.input_file is not None:
        metadata["inputConfig"] = {"fileName": job.input_file}
    metadata["createTime"] = timestamp(job.created_at)
    metadata["updateTime"] = timestamp(standing.since)
    done = standing.state in TERMINAL
    if done:
        metadata["endTime"] = timestamp(standing.since)
    metadata["batchStats"] = batch_stats(job, standing, now)
    metadata["state"] = standing.state
    metadata["name"] = job.name
    body = _dumps(metadata)
    if output is not None:
        body = body[:-1] + b',"output":' + output + b"}"
    result = b'{"name":' + _dumps(job.name) + b',"metadata":' + body
    if standing.state == FAILED:
        result += b',"error":' + _dumps(job_errors.job_failed())
    if done:
        result += b',"done":true'
    return result + b"}"


def _dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()
