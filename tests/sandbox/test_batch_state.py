"""Batch jobs kept on disk: another sandbox (process) answers for them, concurrently too."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import httpx2
import pytest

from studio.sandbox import SandboxConfig, SandboxServer
from studio.sandbox.environment import config_from_env
from studio.sandbox.process import SandboxProcess
from studio.sandbox.store import Store
from tests.sandbox.batch_helpers import by_key, create, inline, png_of, wait_done
from tests.sandbox.conftest import SMALL_SCALE, make_client


def _config(state: Path, pending_s: float = 0.0) -> SandboxConfig:
    return SandboxConfig(
        pixel_scale=SMALL_SCALE, batch_pending_s=pending_s, batch_running_s=0.0, state_dir=state
    )


def _record(state: Path, name: str | None, kind: str = "") -> Path:
    job_id = (name or "").removeprefix("batches/")
    return state / "batches" / (f"{job_id}.{kind}.json" if kind else f"{job_id}.json")


async def _finished(base_url: str, name: str):
    sdk = make_client(base_url)
    try:
        return await wait_done(sdk, name)
    finally:
        await sdk.aio.aclose()


async def test_a_second_sandbox_draws_a_job_the_first_never_ran(tmp_path):
    state = tmp_path / "state"
    with SandboxServer(_config(state, pending_s=0.3)) as first:
        sdk = make_client(first.base_url)
        job = await create(sdk, [inline("a kite", "kite", seed=1), inline("a lamp", "lamp")])
        await sdk.aio.aclose()
    # Stopped while the job was still pending: nothing was drawn.
    assert not _record(state, job.name, "done").exists()
    await asyncio.sleep(0.3)

    with SandboxServer(_config(state)) as second:
        done = await _finished(second.base_url, job.name or "")

    assert done.state is not None
    assert done.state.name == "JOB_STATE_SUCCEEDED"
    assert sorted(by_key(done)) == ["kite", "lamp"]
    assert _record(state, job.name, "done").is_file()


async def test_every_sandbox_reads_the_same_results(tmp_path):
    state = tmp_path / "state"
    with SandboxServer(_config(state)) as first:
        sdk = make_client(first.base_url)
        job = await wait_done(
            sdk, (await create(sdk, [inline("a", "a"), inline("b", "b")])).name or ""
        )
        await sdk.aio.aclose()
    with SandboxServer(_config(state)) as second:
        again = await _finished(second.base_url, job.name or "")

    assert [png_of(item.response) for item in by_key(again).values()] == [
        png_of(item.response) for item in by_key(job).values()
    ]
    assert [item.response.response_id for item in by_key(again).values() if item.response] == [
        item.response.response_id for item in by_key(job).values() if item.response
    ]


async def test_two_sandboxes_polling_one_job_agree(tmp_path):
    state = tmp_path / "state"
    with (
        SandboxServer(_config(state, pending_s=0.2)) as first,
        SandboxServer(_config(state)) as second,
    ):
        sdk = make_client(first.base_url)
        requests = [inline(f"prompt {index}", f"k{index}") for index in range(40)]
        job = await create(sdk, requests)
        await sdk.aio.aclose()
        jobs = await asyncio.gather(
            *(_finished(server.base_url, job.name or "") for server in (first, second, first))
        )

    results = [{key: png_of(item.response) for key, item in by_key(one).items()} for one in jobs]
    assert len(results[0]) == 40
    assert results[0] == results[1] == results[2]
    leftovers = [path.name for path in (state / "batches").iterdir() if path.name.startswith(".")]
    assert leftovers == []  # every write finished with its rename


async def test_a_sandbox_process_keeps_jobs_for_the_next(tmp_path):
    state = tmp_path / "state"
    process = SandboxProcess(_config(state, pending_s=0.2)).start()
    try:
        sdk = make_client(process.base_url)
        job = await create(sdk, [inline("a kite", "kite")])
        await sdk.aio.aclose()
    finally:
        process.stop()

    record = json.loads(_record(state, job.name).read_bytes())
    assert record["pending_s"] == 0.2
    with SandboxServer(_config(state)) as server:
        done = await _finished(server.base_url, job.name or "")
    assert list(by_key(done)) == ["kite"]


def test_the_store_writes_atomically_and_lists_what_it_holds(tmp_path):
    store = Store(tmp_path / "state")
    memory = Store(None)
    for each in (store, memory):
        each.write_json("batches/a.json", {"x": 1})
        each.write("batches/b.data", b"bytes")
        each.write_json("batches/a.json", {"x": 2})

        assert each.read_json("batches/a.json") == {"x": 2}
        assert sorted(each.names("batches")) == ["a.json", "b.data"]
        each.delete("batches/b.data")
        assert each.read("batches/b.data") is None
        assert each.names("files") == []
    assert sorted(path.name for path in (tmp_path / "state" / "batches").iterdir()) == ["a.json"]


def test_environment_sets_batch_timing_and_keeps_state_beside_the_config(monkeypatch, tmp_path):
    defaults = config_from_env()
    monkeypatch.setenv("DRAFT_STUDIO_SANDBOX_BATCH_PENDING", "0.5")
    monkeypatch.setenv("DRAFT_STUDIO_SANDBOX_BATCH_RUNNING", "0")
    monkeypatch.setenv("DRAFT_STUDIO_SANDBOX_BATCH_SHUFFLE", "1")
    monkeypatch.setenv("DRAFT_STUDIO_SANDBOX_STATE", str(tmp_path / "elsewhere"))
    tuned = config_from_env()

    config_dir = Path(os.environ["DRAFT_STUDIO_CONFIG"])
    assert (defaults.batch_pending_s, defaults.batch_running_s) == (2.0, 5.0)
    assert defaults.state_dir == config_dir / "sandbox"
    assert not defaults.batch_shuffle
    assert (tuned.batch_pending_s, tuned.batch_running_s) == (0.5, 0.0)
    assert tuned.batch_shuffle
    assert tuned.state_dir == tmp_path / "elsewhere"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DRAFT_STUDIO_SANDBOX_BATCH_PENDING", "-1"),
        ("DRAFT_STUDIO_SANDBOX_BATCH_RUNNING", "soon"),
        ("DRAFT_STUDIO_SANDBOX_BATCH_SHUFFLE", "maybe"),
    ],
)
def test_environment_refuses_bad_batch_settings(monkeypatch, name, value):
    monkeypatch.setenv(name, value)

    with pytest.raises(ValueError, match=name):
        config_from_env()


async def test_a_job_done_at_once_is_drawn_by_its_first_poll(tmp_path):
    state = tmp_path / "state"
    with SandboxServer(_config(state)) as server:
        sdk = make_client(server.base_url)
        job = await create(sdk, [inline("a kite", "kite")])
        await asyncio.sleep(0.2)
        # Nothing was drawn behind the client's back, where it would compete for the CPU.
        assert not _record(state, job.name, "done").exists()
        done = await sdk.aio.batches.get(name=job.name or "")
        await sdk.aio.aclose()

    assert done.state is not None
    assert done.state.name == "JOB_STATE_SUCCEEDED"
    assert list(by_key(done)) == ["kite"]


async def test_a_poll_short_of_time_sees_the_job_still_running(tmp_path):
    with SandboxServer(_config(tmp_path / "state")) as server:
        sdk = make_client(server.base_url)
        job = await create(sdk, [inline(f"prompt {index}", f"k{index}") for index in range(30)])
        async with httpx2.AsyncClient(base_url=server.base_url) as http:
            hurried = await http.get(
                f"/v1/{job.name}", headers={"x-goog-api-key": "k", "X-Server-Timeout": "1"}
            )
        done = await wait_done(sdk, job.name or "")
        await sdk.aio.aclose()

    # Its time is up, but its images are still being drawn: the job is still running.
    assert hurried.json()["metadata"]["state"] == "BATCH_STATE_RUNNING"
    assert int(hurried.json()["metadata"]["batchStats"]["pendingRequestCount"]) >= 1
    assert done.state is not None
    assert done.state.name == "JOB_STATE_SUCCEEDED"
