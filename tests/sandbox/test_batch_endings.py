"""How batch jobs end: cancelled, failed, expired or stuck, as the client asks."""

from __future__ import annotations

import pytest
from google.genai import errors, types

from tests.sandbox.batch_helpers import create, inline, png_of, raw_job, wait_done
from tests.sandbox.conftest import generate

_STATES = types.JobState


async def test_cancel_ends_a_job_without_results(sandbox, client):
    sandbox.config.batch_pending_s = 30.0
    job = await create(client, [inline("a", "a"), inline("b", "b")])

    await client.aio.batches.cancel(name=job.name or "")
    await client.aio.batches.cancel(name=job.name or "")  # again: nothing changes
    cancelled = await client.aio.batches.get(name=job.name or "")

    assert cancelled.state == _STATES.JOB_STATE_CANCELLED
    assert cancelled.done
    assert cancelled.dest is None
    raw = await raw_job(sandbox, job.name or "")
    assert raw["metadata"]["batchStats"] == {"requestCount": "2", "pendingRequestCount": "2"}
    assert raw["metadata"]["endTime"] == raw["metadata"]["updateTime"]


async def test_a_finished_job_cannot_be_cancelled(client):
    job = await wait_done(client, (await create(client, [inline("a", "a")])).name or "")

    with pytest.raises(errors.ClientError) as caught:
        await client.aio.batches.cancel(name=job.name or "")

    assert caught.value.code == 400
    assert caught.value.status == "FAILED_PRECONDITION"
    assert (await client.aio.batches.get(name=job.name or "")).state == _STATES.JOB_STATE_SUCCEEDED


async def test_job_markers_end_a_job_as_asked(sandbox, client):
    failed = await create(client, [inline("a", "a"), inline("b [sandbox:job-failed]", "b")])
    expired = await create(client, [inline("a [sandbox:job-expired]", "a")])
    stuck = await create(client, [inline("a [sandbox:job-pending]", "a")])

    failed_job = await wait_done(client, failed.name or "")
    expired_job = await wait_done(client, expired.name or "")
    stuck_job = await wait_done(client, stuck.name or "", timeout_s=0.5)

    assert failed_job.state == _STATES.JOB_STATE_FAILED
    assert failed_job.dest is None
    # The operation's error is on the wire, but the SDK does not read it in Gemini API mode.
    assert failed_job.error is None
    raw_failed = await raw_job(sandbox, failed.name or "")
    assert raw_failed["error"]["code"] == 13
    assert raw_failed["metadata"]["batchStats"]["failedRequestCount"] == "2"
    assert expired_job.state == _STATES.JOB_STATE_EXPIRED
    assert expired_job.done
    assert expired_job.dest is None
    assert stuck_job.state == _STATES.JOB_STATE_PENDING
    assert not stuck_job.done


async def test_a_job_marker_in_a_live_request_is_ignored(client):
    response = await generate(client, "a boat [sandbox:job-failed]")

    assert png_of(response)
