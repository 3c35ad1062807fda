"""The results of a batch job: each request answered as generateContent would answer it.

Everything here is a pure function of the job's records (seeds and response ids included),
so two processes that render the same job store the same bytes."""

from __future__ import annotations

import hashlib
import json
import os
import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from studio.core.catalog import ModelSpec
from studio.sandbox import job_errors, responses
from studio.sandbox.config import Fault
from studio.sandbox.jobs import Job
from studio.sandbox.parsing import RequestError, parse_image_request

_SEED_MASK = 0x7FFFFFFF
_PARALLEL_FROM_PIXELS = 100_000  # about a 1K image at pixel_scale 0.3
_MAX_WORKERS = 4


def digest(job_id: str, index: int, purpose: str) -> bytes:
    return hashlib.sha256(f"{job_id}/{index}/{purpose}".encode()).digest()


def derived_seed(job_id: str, index: int) -> int:
    """The seed of a request that names none: fixed per request, different between them."""
    return int.from_bytes(digest(job_id, index, "seed")[:4], "big") & _SEED_MASK


def draw(job_id: str, index: int) -> float:
    """A number in [0, 1) for the fault dice, the same in every process."""
    return int.from_bytes(digest(job_id, index, "fault")[:8], "big") / 2**64


def answer(job: Job, spec: ModelSpec, index: int, entry: dict[str, Any]) -> dict[str, Any]:
    """{"response": ...} or {"error": ...} for one request of the job."""
    if "error" in entry:
        return {"error": entry["error"]}
    try:
        request = parse_image_request(entry["request"], spec)
    except RequestError as exc:  # accepted by an older sandbox, refused by this one
        return {"error": job_errors.invalid_request(str(exc))}
    fault = Fault(entry["fault"]) if entry.get("fault") else None
    response_id = digest(job.id, index, "response").hex()[:22]
    return {
        "response": responses.generation_answer(
            spec.id, request, int(entry["seed"]), job.pixel_scale, fault, response_id
        )
    }


def order(job: Job) -> list[int]:
    indices = list(range(job.request_count))
    if job.shuffle:
        random.Random(job.id).shuffle(indices)
    return indices


def inline_output(job: Job, items: list[bytes]) -> bytes:
    """metadata.output for inline requests; `items` are the answers in request order."""
    chosen = b",".join(items[index] for index in order(job))
    return b'{"inlinedResponses":{"inlinedResponses":[' + chosen + b"]}}"


def inline_item(entry: dict[str, Any], result: dict[str, Any]) -> bytes:
    if entry.get("metadata") is not None:
        result = {**result, "metadata": entry["metadata"]}
    return _dumps(result)


def file_line(entry: dict[str, Any], result: dict[str, Any]) -> bytes:
    if entry.get("key") is not None:
        result = {"key": entry["key"], **result}
    return _dumps(result)


def render(
    job: Job,
    spec: ModelSpec,
    entries: list[dict[str, Any]],
    keep_going: Callable[[int], bool],
) -> list[bytes] | None:
    """One JSON item per request, in request order; None if `keep_going(index)` says stop."""
    shape = inline_item if job.input_file is None else file_line

    def one(index: int) -> bytes:
        if not keep_going(index):
            raise _Stopped
        return shape(entries[index], answer(job, spec, index, entries[index]))

    workers = _workers(job)
    if workers == 1:
        try:
            return [one(index) for index in range(len(entries))]
        except _Stopped:
            return None
    pool = ThreadPoolExecutor(workers, thread_name_prefix=f"batch-{job.id[:8]}")
    try:
        return list(pool.map(one, range(len(entries))))
    except _Stopped:
        return None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class _Stopped(Exception):
    pass


def _workers(job: Job) -> int:
    """Pillow and zlib let go of the GIL while they work on big images, so threads pay off
    there; on small ones the threads only fight over the GIL."""
    pixels = (1024 * job.pixel_scale) ** 2
    return min(_MAX_WORKERS, os.cpu_count() or 1) if pixels >= _PARALLEL_FROM_PIXELS else 1


def _dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()
