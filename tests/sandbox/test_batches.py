"""Batch jobs through the real SDK: progression, results, per-request errors and limits."""

from __future__ import annotations

import json

import httpx2
import pytest
from google.genai import errors, types

from studio.core.catalog import DRAFT_MODEL
from studio.sandbox import Fault, SandboxServer
from studio.sandbox.images import image_dimensions, render_png
from tests.sandbox.batch_helpers import (
    by_key,
    create,
    inline,
    jsonl_line,
    png_of,
    raw_get,
    raw_job,
    size_of,
    upload_jsonl,
    wait_done,
)
from tests.sandbox.conftest import SMALL_SCALE, generate, image_config, make_client

_STATES = types.JobState


@pytest.mark.parametrize("version", ["v1", "v1beta"])
async def test_inline_job_goes_pending_running_succeeded_with_the_live_images(sandbox, version):
    sandbox.config.batch_pending_s = 0.5
    sandbox.config.batch_running_s = 0.5
    sdk = make_client(sandbox.base_url, api_version=version)
    try:
        job = await create(
            sdk, [inline("a red fox", "fox", "16:9", seed=7), inline("a boat", "boat")], "drafts-1"
        )
        seen = [job.state]
        while not job.done:
            job = await sdk.aio.batches.get(name=job.name or "")
            if job.state != seen[-1]:
                seen.append(job.state)
        live = await generate(sdk, "a red fox", image_config("16:9", "1K", seed=7))
    finally:
        await sdk.aio.aclose()

    assert seen == [
        _STATES.JOB_STATE_PENDING,
        _STATES.JOB_STATE_RUNNING,
        _STATES.JOB_STATE_SUCCEEDED,
    ]
    assert job.display_name == "drafts-1"
    assert job.model == f"models/{DRAFT_MODEL}"
    assert job.create_time is not None
    assert job.end_time is not None
    assert job.end_time > job.create_time
    assert job.update_time == job.end_time
    results = by_key(job)
    assert list(results) == ["fox", "boat"]  # request order unless shuffling is asked for
    fox = png_of(results["fox"].response)
    assert fox == png_of(live)
    assert size_of(fox) == image_dimensions("16:9", "1K", SMALL_SCALE)
    assert results["boat"].error is None
    paths = [request.path for request in sandbox.requests]
    assert paths[0] == f"/{version}/models/{DRAFT_MODEL}:batchGenerateContent"
    assert paths[1] == f"/{version}/{job.name}"


async def test_batch_stats_and_operation_shape_follow_the_state(sandbox, client):
    sandbox.config.batch_pending_s = 30.0
    pending = await create(client, [inline("a", "a"), inline("b [sandbox:503]", "b")])
    sandbox.config.batch_pending_s = 0.0
    done = await create(client, [inline("a", "a"), inline("b [sandbox:503]", "b")])
    await wait_done(client, done.name or "")

    waiting = await raw_job(sandbox, pending.name or "")
    finished = await raw_job(sandbox, done.name or "")

    assert waiting["metadata"]["state"] == "BATCH_STATE_PENDING"
    # int64 counts are strings, and the zero ones are left out, as the service sends them.
    assert waiting["metadata"]["batchStats"] == {"requestCount": "2", "pendingRequestCount": "2"}
    assert "done" not in waiting
    assert "output" not in waiting["metadata"]
    assert "endTime" not in waiting["metadata"]
    assert finished["done"] is True
    assert finished["metadata"]["batchStats"] == {
        "requestCount": "2",
        "successfulRequestCount": "1",
        "failedRequestCount": "1",
    }
    assert finished["metadata"]["name"] == done.name


async def test_failures_inside_a_job_are_per_request_results(sandbox, client):
    requests = [
        inline("fine", "ok"),
        inline("busy [sandbox:503]", "overloaded"),
        inline("quota [sandbox:429]", "quota"),
        inline("slow [sandbox:hang]", "hang"),
        inline("wide", "bad-ratio", aspect="7:3"),
        inline("what [sandbox:meltdown]", "unknown-marker"),
        inline("hidden [sandbox:image-safety]", "safety"),
        inline("nothing [sandbox:no-image]", "no-image"),
        inline("refused [sandbox:block]", "blocked"),
    ]

    job = await wait_done(client, (await create(client, requests)).name or "")

    assert job.state == _STATES.JOB_STATE_SUCCEEDED  # failed requests do not fail the job
    results = by_key(job)
    codes = {key: item.error.code for key, item in results.items() if item.error is not None}
    assert codes == {
        "overloaded": 14,
        "quota": 8,
        "hang": 4,
        "bad-ratio": 3,
        "unknown-marker": 3,
    }
    bad_ratio = results["bad-ratio"].error
    assert bad_ratio is not None
    assert bad_ratio.message is not None
    assert "Unsupported aspect ratio '7:3'" in bad_ratio.message
    assert bad_ratio.details is None
    assert png_of(results["ok"].response)
    safety = results["safety"].response
    assert safety is not None
    assert safety.candidates is not None
    assert safety.candidates[0].finish_reason == types.FinishReason.IMAGE_SAFETY
    no_image = results["no-image"].response
    assert no_image is not None
    assert no_image.candidates is not None
    assert no_image.candidates[0].finish_reason == types.FinishReason.NO_IMAGE
    blocked = results["blocked"].response
    assert blocked is not None
    assert blocked.prompt_feedback is not None
    assert blocked.prompt_feedback.block_reason == types.BlockedReason.PROHIBITED_CONTENT
    stats = (await raw_job(sandbox, job.name or ""))["metadata"]["batchStats"]
    assert stats["successfulRequestCount"] == "4"
    assert stats["failedRequestCount"] == "5"


async def test_configured_fault_rates_apply_to_job_requests(sandbox, client):
    sandbox.config.fault_rates = {Fault.OVERLOADED: 1.0}

    job = await wait_done(
        client, (await create(client, [inline("a", "a"), inline("b", "b")])).name or ""
    )

    assert {item.error.code for item in by_key(job).values() if item.error} == {14}


async def test_a_malformed_inline_body_is_refused_whole(sandbox, client):
    with pytest.raises(errors.ClientError) as unknown_model:
        await client.aio.batches.create(model="gemini-0-nope", src=[inline("a", "a")])
    response = await _raw_create(sandbox, {"batch": {"inputConfig": {}}})

    assert unknown_model.value.code == 404
    assert response.status_code == 400
    assert "exactly one of requests and file_name" in response.json()["error"]["message"]


@pytest.mark.parametrize("version", ["v1", "v1beta"])
async def test_file_job_reads_a_jsonl_upload_and_writes_a_jsonl_result(sandbox, version):
    sdk = make_client(sandbox.base_url, api_version=version)
    lines = [
        jsonl_line("a lighthouse", "first", "4:3", seed=3),
        jsonl_line("a harbour [sandbox:500]", "second"),
        # The SDK's spelling is not the service's: settings belong in generationConfig.
        '{"key": "third", "request": {"contents": [{"parts": [{"text": "x"}]}], "config": {}}}',
    ]
    try:
        uploaded = await upload_jsonl(sdk, lines)
        job = await wait_done(sdk, (await create(sdk, uploaded.name)).name or "")
        assert job.dest is not None
        assert job.dest.file_name is not None
        result = await sdk.aio.files.download(file=job.dest.file_name)
        metadata = await sdk.aio.files.get(name=job.dest.file_name)
    finally:
        await sdk.aio.aclose()

    assert job.state == _STATES.JOB_STATE_SUCCEEDED
    assert job.dest.inlined_responses is None
    assert metadata.source == types.FileSource.GENERATED
    assert metadata.download_uri is not None
    async with httpx2.AsyncClient() as http:
        by_uri = await http.get(metadata.download_uri, headers={"x-goog-api-key": "k"})
    assert by_uri.content == result
    assert by_uri.request.url.path.startswith(f"/download/{version}/files/")
    rows = [json.loads(line) for line in result.decode().splitlines()]
    assert [row["key"] for row in rows] == ["first", "second", "third"]
    first = types.GenerateContentResponse.model_validate(rows[0]["response"])
    assert png_of(first) == render_png("a lighthouse", 3, "4:3", "1K", SMALL_SCALE)
    assert rows[1]["error"] == {"code": 13, "message": rows[1]["error"]["message"]}
    assert 'Unknown name "config"' in rows[2]["error"]["message"]
    raw = await raw_job(sandbox, job.name or "", version)
    assert raw["metadata"]["inputConfig"] == {"fileName": uploaded.name}
    assert raw["metadata"]["output"] == {"responsesFile": job.dest.file_name}


async def test_a_job_from_a_missing_file_is_refused(client):
    with pytest.raises(errors.ClientError) as caught:
        await create(client, "files/doesnotexist")

    assert caught.value.code == 403
    assert caught.value.status == "PERMISSION_DENIED"


async def test_shuffled_results_still_match_their_keys(sandbox, client):
    sandbox.config.batch_shuffle = True
    prompts = {f"k{index}": f"prompt number {index}" for index in range(16)}
    requests = [
        inline(prompt, key, seed=index) for index, (key, prompt) in enumerate(prompts.items())
    ]

    job = await wait_done(client, (await create(client, requests)).name or "")
    again = await client.aio.batches.get(name=job.name or "")

    results = by_key(job)
    assert list(results) != list(prompts)
    assert sorted(results) == sorted(prompts)
    assert list(by_key(again)) == list(results)  # the order is fixed per job
    for index, (key, prompt) in enumerate(prompts.items()):
        expected = render_png(prompt, index, "1:1", "1K", SMALL_SCALE)
        assert png_of(results[key].response) == expected


async def test_inline_body_over_the_limit_is_refused(sandbox, client):
    sandbox.config.inline_batch_limit_bytes = 2000

    with pytest.raises(errors.ClientError) as caught:
        await create(client, [inline("x" * 3000, "big")])
    small = await create(client, [inline("small", "small")])

    assert caught.value.code == 400
    assert caught.value.status == "INVALID_ARGUMENT"
    assert caught.value.message == "Request payload size exceeds the limit: 2000 bytes."
    assert small.name is not None


async def test_list_pages_through_jobs_newest_first(sandbox, client):
    assert [job async for job in await client.aio.batches.list()] == []
    names = [(await create(client, [inline(f"p{index}", "k")])).name for index in range(3)]

    pager = await client.aio.batches.list(config={"page_size": 2})
    listed = [job.name async for job in pager]
    first_page = (await raw_get(sandbox, "/v1/batches?pageSize=2")).json()

    assert listed == names[::-1]
    assert len(first_page["operations"]) == 2
    assert first_page["nextPageToken"] == "2"


async def test_deleted_jobs_are_gone(client):
    job = await create(client, [inline("a", "a")])

    await client.aio.batches.delete(name=job.name or "")

    with pytest.raises(errors.ClientError) as caught:
        await client.aio.batches.get(name=job.name or "")
    assert caught.value.code == 404
    assert [listed async for listed in await client.aio.batches.list()] == []


async def test_batch_routes_need_a_key_like_generate_content(sandbox):
    missing = await raw_get(sandbox, "/v1/batches", key="")
    invalid = make_client(sandbox.base_url, api_key="invalid-1")
    blocked = make_client(sandbox.base_url, api_key="noperm-1")
    try:
        with pytest.raises(errors.ClientError) as bad_key:
            await create(invalid, [inline("a", "a")])
        with pytest.raises(errors.ClientError) as no_permission:
            await blocked.aio.batches.get(name="batches/abc")
    finally:
        await invalid.aio.aclose()
        await blocked.aio.aclose()

    assert missing.status_code == 403
    assert bad_key.value.code == 400
    assert no_permission.value.code == 403
    assert no_permission.value.message is not None
    assert "BatchService.GetBatch" in no_permission.value.message


async def _raw_create(sandbox: SandboxServer, body: object) -> httpx2.Response:
    async with httpx2.AsyncClient(base_url=sandbox.base_url) as http:
        return await http.post(
            f"/v1/models/{DRAFT_MODEL}:batchGenerateContent",
            json=body,
            headers={"x-goog-api-key": "test-key"},
        )
