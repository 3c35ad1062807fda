"""Batch API jobs through the real SDK against the sandbox: sent, polled, imported once."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from studio.core.catalog import DRAFT_MODEL, Catalog
from studio.core.domain import JobState, SlotStatus
from studio.core.engine import BatchQueued, BatchSpec, BudgetGuard, SlotSucceeded
from studio.core.gemini import GeminiAdapter
from studio.core.gemini.batch_client import BatchClient
from studio.core.jobs import JobRefused, JobRunner, draft_key
from studio.core.library import Library
from studio.sandbox import SandboxConfig, SandboxServer
from tests.core.conftest import SMALL, Recorder


def _config(tmp_path: Path, **changes: object) -> SandboxConfig:
    fields: dict[str, object] = {
        "pixel_scale": SMALL,
        "batch_pending_s": 0.0,
        "batch_running_s": 0.0,
        "state_dir": tmp_path / "sandbox-state",
    }
    return SandboxConfig(**{**fields, **changes})  # type: ignore[arg-type]


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    with SandboxServer(_config(tmp_path)) as server:
        yield server


@pytest.fixture
async def adapter(sandbox: SandboxServer, catalog: Catalog) -> AsyncIterator[GeminiAdapter]:
    backend = GeminiAdapter("test-key", catalog=catalog, base_url=sandbox.base_url, timeout_s=10)
    yield backend
    await backend.aclose()


def _runner(library: Library, adapter: GeminiAdapter, **client: int) -> tuple[JobRunner, Recorder]:
    recorder = Recorder()
    runner = JobRunner(library, BatchClient(adapter, **client), adapter.catalog, listener=recorder)
    return runner, recorder


def _plan(prompt: str, count: int = 1, catalog: Catalog | None = None):
    spec = BatchSpec(prompt, DRAFT_MODEL, "16:9", "1K", count=count, seed=11, batch_job=True)
    return spec.plan(catalog or Catalog())


async def _wait(runner: JobRunner, job_id: int) -> None:
    await runner.wait([runner.library.jobs.get(job_id)], timeout_s=20, first_poll_s=0.05)


async def test_an_inline_job_is_recorded_first_then_imported_at_the_batch_price(
    library: Library, adapter: GeminiAdapter, sandbox: SandboxServer
):
    runner, recorder = _runner(library, adapter)
    job = await runner.submit(_plan("a {red|teal} kite", count=2), billed=True)
    assert job.name is not None
    assert job.name.startswith("batches/")
    assert (job.state, job.source, job.request_count, job.waiting) == (
        JobState.PENDING,
        "inline",
        4,
        4,
    )
    queued = recorder.of(BatchQueued)
    assert [d.status for d in queued[0].drafts] == [SlotStatus.SUBMITTED] * 4

    await _wait(runner, job.id)
    done = library.jobs.get(job.id)
    assert (done.state, done.arrived, done.waiting, done.done) == (JobState.SUCCEEDED, 4, 0, True)
    drafts = library.drafts_of_batch(job.batch_id)
    assert all(d.status == SlotStatus.SUCCEEDED and d.path and d.path.is_file() for d in drafts)
    assert sorted(d.prompt for d in drafts) == ["a red kite"] * 2 + ["a teal kite"] * 2
    assert {d.matrix_values for d in drafts} == {(("1", "red"),), (("1", "teal"),)}
    # Half the live price of a 1K Lite image, plus half the input tokens.
    assert all(0.0168 <= d.cost_usd < 0.0169 for d in drafts)
    assert len(recorder.of(SlotSucceeded)) == 4
    # What went over the wire: one job with every slot's prompt, seed and shape, keyed by draft.
    (create,) = [r for r in sandbox.requests if r.path.endswith(":batchGenerateContent")]
    assert create.body is not None
    sent = create.body["batch"]["inputConfig"]["requests"]["requests"]
    assert sorted(item["metadata"]["key"] for item in sent) == sorted(
        draft_key(d.id) for d in drafts
    )
    first = sent[0]["request"]
    assert first["generationConfig"]["imageConfig"] == {"aspectRatio": "16:9", "imageSize": "1K"}
    assert first["generationConfig"]["seed"] in (11, 12)


async def test_a_large_job_goes_as_an_uploaded_file_and_sends_the_same_requests(
    library: Library, adapter: GeminiAdapter, sandbox: SandboxServer
):
    inline_runner, _ = _runner(library, adapter)
    file_runner, _ = _runner(library, adapter, inline_limit_bytes=10)
    inline = await inline_runner.submit(_plan("a boat", count=2), billed=True)
    by_file = await file_runner.submit(_plan("a boat", count=2), billed=True)
    assert (inline.source, by_file.source) == ("inline", "file")
    assert by_file.input_file is not None
    assert by_file.input_file.startswith("files/")
    await _wait(file_runner, by_file.id)
    assert library.jobs.get(by_file.id).arrived == 2

    inline_body = next(r for r in sandbox.requests if r.path.endswith(":batchGenerateContent"))
    assert inline_body.body is not None
    inline_requests = [
        i["request"] for i in inline_body.body["batch"]["inputConfig"]["requests"]["requests"]
    ]
    uploaded = sandbox.uploaded_file(by_file.input_file)
    file_requests = [json.loads(line)["request"] for line in uploaded.splitlines() if line.strip()]
    # Both paths send the same thing: what the SDK builds live, and our JSONL.
    assert file_requests == inline_requests


@pytest.mark.parametrize("shuffled", [False, True])
async def test_per_request_answers_are_kept_apart(
    library: Library, adapter: GeminiAdapter, sandbox: SandboxServer, shuffled: bool
):
    """Matched by key, never by position: the service has answered out of order."""
    sandbox.config.batch_shuffle = shuffled
    runner, _ = _runner(library, adapter)
    job = await runner.submit(
        _plan("a {kite|lamp [sandbox:block]|vase [sandbox:500]|cup [sandbox:no-image]}"),
        billed=True,
    )
    await _wait(runner, job.id)
    by_prompt = {d.prompt.split()[1]: d for d in library.drafts_of_batch(job.batch_id)}
    assert by_prompt["kite"].status == SlotStatus.SUCCEEDED
    assert by_prompt["lamp"].status == SlotStatus.BLOCKED
    assert by_prompt["vase"].status == SlotStatus.FAILED
    assert by_prompt["vase"].error_message
    assert by_prompt["cup"].status == SlotStatus.BLOCKED
    assert library.jobs.get(job.id).state == JobState.SUCCEEDED
    # A retry goes live: the slot leaves its job, which can no longer end it.
    retried = library.requeue(by_prompt["vase"].id)
    assert (retried.status, retried.job_id) == (SlotStatus.QUEUED, None)
    assert library.jobs.get(job.id).request_count == 4


@pytest.mark.parametrize(
    ("marker", "state", "status", "words"),
    [
        ("job-expired", JobState.EXPIRED, SlotStatus.FAILED, "expired"),
        ("job-failed", JobState.FAILED, SlotStatus.FAILED, "failed"),
    ],
)
async def test_a_job_that_ends_without_answers_says_so_on_every_slot(
    library: Library, adapter: GeminiAdapter, marker, state, status, words
):
    runner, _ = _runner(library, adapter)
    job = await runner.submit(_plan(f"a kite [sandbox:{marker}]", count=3), billed=True)
    await _wait(runner, job.id)
    ended = library.jobs.get(job.id)
    assert (ended.state, ended.waiting, ended.done) == (state, 0, True)
    drafts = library.drafts_of_batch(job.batch_id)
    assert {d.status for d in drafts} == {status}
    assert all(words in (d.error_message or "") for d in drafts)


async def test_cancelling_a_pending_job(library: Library, adapter: GeminiAdapter):
    runner, _ = _runner(library, adapter)
    job = await runner.submit(_plan("a kite [sandbox:job-pending]", count=2), billed=True)
    await runner.poll(job)
    assert library.jobs.get(job.id).state == JobState.PENDING
    cancelled = await runner.cancel(library.jobs.get(job.id))
    assert (cancelled.state, cancelled.waiting) == (JobState.CANCELLED, 0)
    assert {d.status for d in library.drafts_of_batch(job.batch_id)} == {SlotStatus.CANCELLED}


async def test_two_processes_polling_one_job_import_each_answer_once(
    tmp_path: Path, library: Library, adapter: GeminiAdapter
):
    first, _ = _runner(library, adapter)
    job = await first.submit(_plan("a {red|teal|black} kite", count=3), billed=True)
    with Library.open(library.root) as other_process:
        second, _ = _runner(other_process, adapter)
        await asyncio.gather(_wait(first, job.id), _wait(second, job.id))
    drafts = library.drafts_of_batch(job.batch_id)
    assert len(drafts) == 9  # no sibling rows from a second import
    assert all(d.status == SlotStatus.SUCCEEDED for d in drafts)
    assert len({d.path for d in drafts}) == 9
    assert library.jobs.get(job.id).arrived == 9


async def test_a_job_recorded_but_never_sent_is_sent_by_the_next_poller(
    library: Library, adapter: GeminiAdapter, sandbox: SandboxServer
):
    """The process died between recording the job and the service's answer."""
    runner, _ = _runner(library, adapter)
    plan = _plan("a paper boat", count=2)
    job = library.jobs.create(plan.record, source="inline", billed=True)
    assert job.state == JobState.PREPARING
    await _wait(runner, job.id)
    assert library.jobs.get(job.id).arrived == 2
    assert sum(r.path.endswith(":batchGenerateContent") for r in sandbox.requests) == 1


async def test_a_job_sent_but_not_recorded_as_sent_is_found_again_not_sent_twice(
    library: Library, adapter: GeminiAdapter, sandbox: SandboxServer
):
    runner, _ = _runner(library, adapter)
    plan = _plan("a paper boat", count=2)
    job = library.jobs.create(plan.record, source="inline", billed=True)
    client = BatchClient(adapter)
    drafts = library.drafts_of_batch(job.batch_id)
    keyed = [(draft_key(d.id), plan.requests[d.slot]) for d in drafts]
    _, lines = client.prepare(keyed)
    await client.create(job.model, job.display_name, keyed, "inline", lines)  # then it died
    await _wait(runner, job.id)
    assert library.jobs.get(job.id).arrived == 2
    assert sum(r.path.endswith(":batchGenerateContent") for r in sandbox.requests) == 1


async def test_a_second_sandbox_answers_for_the_job_after_a_restart(
    tmp_path: Path, library: Library, catalog: Catalog
):
    with SandboxServer(_config(tmp_path, batch_pending_s=0.5)) as first_server:
        first = GeminiAdapter("test-key", catalog=catalog, base_url=first_server.base_url)
        runner, _ = _runner(library, first)
        job = await runner.submit(_plan("a kite", count=2), billed=True)
        await first.aclose()
    await asyncio.sleep(0.6)
    with SandboxServer(_config(tmp_path)) as second_server:
        second = GeminiAdapter("test-key", catalog=catalog, base_url=second_server.base_url)
        runner, _ = _runner(library, second)
        await _wait(runner, job.id)
        await second.aclose()
    assert library.jobs.get(job.id).arrived == 2


async def test_budgets_count_the_whole_job_at_the_batch_price(
    library: Library, adapter: GeminiAdapter
):
    runner, _ = _runner(library, adapter)
    plan = _plan("a kite", count=10)  # 10 × $0.0168 = $0.168
    tight = BudgetGuard(0.15, None, library.spending.since)
    with pytest.raises(JobRefused, match="session budget"):
        await runner.submit(plan, billed=True, guard=tight)
    assert library.jobs.all() == []
    roomy = BudgetGuard(0.20, None, library.spending.since)
    await runner.submit(plan, billed=True, guard=roomy)
    # The first job's cost is on its way: a second one does not fit beside it.
    with pytest.raises(JobRefused):
        await runner.submit(_plan("a kite", count=2), billed=True, guard=roomy)


async def test_an_answer_that_matches_no_draft_is_left_out_and_said(
    library: Library, adapter: GeminiAdapter
):
    runner, _ = _runner(library, adapter)
    plan = _plan("a paper boat", count=2)
    job = library.jobs.create(plan.record, source="inline", billed=True)
    drafts = library.drafts_of_batch(job.batch_id)
    keyed = [(draft_key(d.id), plan.requests[d.slot]) for d in drafts]
    keyed.append(("someone-else", plan.requests[0]))
    client = BatchClient(adapter)
    _, lines = client.prepare(keyed)
    name, _ = await client.create(job.model, job.display_name, keyed, "inline", lines)
    library.jobs.accepted(job.id, name)
    await _wait(runner, job.id)
    done = library.jobs.get(job.id)
    assert (done.arrived, done.waiting) == (2, 0)
    assert done.message == "1 answer of this job matched no draft and was left out."
    assert len(library.drafts_of_batch(job.batch_id)) == 2
