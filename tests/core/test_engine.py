"""The job engine against the sandbox through the real SDK."""

from __future__ import annotations

import asyncio

import pytest
from PIL import Image

from studio.core.domain import ErrorKind, Flag, SlotStatus
from studio.core.engine import (
    BatchQueued,
    QueuePaused,
    SlotBlocked,
    SlotCancelled,
    SlotFailed,
    SlotRetrying,
    SlotStarted,
    SlotSucceeded,
)
from studio.core.library import Library
from studio.sandbox import Fault, SandboxServer
from tests.core.conftest import spec


def seeds_sent(sandbox: SandboxServer) -> list[int]:
    return [r.body["generationConfig"]["seed"] for r in sandbox.requests if r.body]


async def test_a_batch_arrives_whole(engine_factory, library: Library, sandbox):
    engine, events = engine_factory(max_concurrency=4)
    drafts = engine.submit(spec(count=6))
    assert [d.status for d in drafts] == [SlotStatus.QUEUED] * 6
    await engine.wait_idle()
    assert len(events.of(SlotSucceeded)) == 6
    assert isinstance(events.events[0], BatchQueued)
    stored = library.drafts_of_batch(drafts[0].batch_id)
    assert {d.status for d in stored} == {SlotStatus.SUCCEEDED}
    for draft in stored:
        assert draft.path is not None
        assert draft.thumb_path is not None
        with Image.open(draft.path) as image:
            image.load()
        assert draft.response_id
        assert draft.latency_ms is not None
        assert draft.cost_usd == pytest.approx(0.0336, abs=1e-4)
    assert engine.stats.session_spent_usd == pytest.approx(6 * 0.0336, abs=1e-3)


async def test_success_is_announced_only_after_disk_and_db(engine_factory, tmp_path):
    engine, _ = engine_factory()
    seen: list[tuple[bool, str]] = []

    def check(event):
        if isinstance(event, SlotSucceeded):
            # A second connection proves the row is committed, not just in our transaction.
            with Library.open(engine.library.root) as other:
                draft = other.get(event.draft_id)
            seen.append((event.images[0].path.is_file(), draft.status))

    engine.subscribe(check)
    engine.submit(spec(count=3))
    await engine.wait_idle()
    assert seen == [(True, SlotStatus.SUCCEEDED)] * 3


async def test_fixed_seed_gives_consecutive_seeds(engine_factory, sandbox, library):
    engine, _ = engine_factory(max_concurrency=1)
    drafts = engine.submit(spec(count=4, seed=100))
    await engine.wait_idle()
    assert [d.seed for d in drafts] == [100, 101, 102, 103]
    assert sorted(seeds_sent(sandbox)) == [100, 101, 102, 103]


async def test_random_seeds_differ_per_slot(engine_factory, sandbox, library):
    engine, _ = engine_factory()
    drafts = engine.submit(spec(count=8))
    await engine.wait_idle()
    assert len({d.seed for d in drafts}) == 8
    assert sorted(seeds_sent(sandbox)) == sorted(d.seed for d in drafts)
    hashes = {d.path.read_bytes() for d in library.drafts_of_batch(drafts[0].batch_id)}
    assert len(hashes) == 8


async def test_duplicate_images_in_one_response_are_stored_once(engine_factory, sandbox, library):
    engine, _ = engine_factory()
    sandbox.script(Fault.DUPLICATE)
    drafts = engine.submit(spec(count=1))
    await engine.wait_idle()
    assert len(library.drafts_of_batch(drafts[0].batch_id)) == 1
    assert library.get(drafts[0].id).cost_usd == pytest.approx(2 * 0.0336, abs=1e-4)


async def test_transient_errors_are_retried(engine_factory, sandbox, library):
    engine, events = engine_factory()
    sandbox.script(Fault.OVERLOADED, Fault.INTERNAL)
    drafts = engine.submit(spec(count=1))
    await engine.wait_idle()
    retries = events.of(SlotRetrying)
    assert [r.kind for r in retries] == [ErrorKind.OVERLOADED, ErrorKind.SERVER_ERROR]
    assert [r.attempt for r in retries] == [1, 2]
    final = library.get(drafts[0].id)
    assert final.status == SlotStatus.SUCCEEDED
    assert final.attempts == 3


async def test_non_retryable_errors_are_not_retried(engine_factory, sandbox, library):
    engine, events = engine_factory()
    drafts = engine.submit(spec("[sandbox:block] a cat", count=1))
    await engine.wait_idle()
    assert len(events.of(SlotBlocked)) == 1
    assert len(sandbox.requests) == 1
    blocked = library.get(drafts[0].id)
    assert blocked.status == SlotStatus.BLOCKED
    assert blocked.block_reason == "PROHIBITED_CONTENT"


async def test_retries_give_up_with_the_reason(engine_factory, sandbox, library):
    engine, events = engine_factory()
    drafts = engine.submit(spec("[sandbox:500] a cat", count=1))
    await engine.wait_idle()
    (failed,) = events.of(SlotFailed)
    assert failed.kind == ErrorKind.SERVER_ERROR
    assert len(sandbox.requests) == 3  # FAST_RETRY allows 3 failures
    assert library.get(drafts[0].id).error_kind == ErrorKind.SERVER_ERROR


async def test_retry_waits_for_the_servers_retry_delay(engine_factory, sandbox):
    engine, events = engine_factory()
    sandbox.config.fault_retry_delay_s = 0.6
    sandbox.script(Fault.RATE_LIMIT)
    engine.submit(spec(count=1))
    await engine.wait_idle()
    first, second = (r.received_at for r in sandbox.requests)
    (retry,) = events.of(SlotRetrying)
    assert retry.kind == ErrorKind.RATE_LIMITED
    assert 0.6 <= retry.delay_s <= 0.6 * 1.05 + 0.011
    assert second - first >= 0.6
    assert second - first < 0.6 + 0.4


async def test_rate_limit_holds_every_slot_not_just_the_throttled_one(engine_factory, sandbox):
    engine, _ = engine_factory(max_concurrency=1)
    sandbox.config.fault_retry_delay_s = 0.5
    sandbox.script(Fault.RATE_LIMIT)
    engine.submit(spec(count=3))
    await engine.wait_idle()
    times = [r.received_at for r in sandbox.requests]
    assert len(times) == 4
    assert all(t - times[0] >= 0.5 for t in times[1:])


async def test_daily_quota_pauses_instead_of_hammering(engine_factory, sandbox, library):
    sandbox.config.daily_quota = 3
    engine, events = engine_factory(max_concurrency=2)
    drafts = engine.submit(spec(count=10))
    await engine.wait_idle(until_stalled=True)
    (paused,) = events.of(QueuePaused)
    assert paused.kind == ErrorKind.DAILY_QUOTA
    assert "daily quota" in paused.message.lower()
    assert engine.stats.succeeded == 3
    refused = len(sandbox.requests) - 3
    assert 1 <= refused <= 2  # only what was already on the wire when the quota ran out
    await asyncio.sleep(0.3)
    assert len(sandbox.requests) - 3 == refused
    statuses = [library.get(d.id).status for d in drafts]
    assert statuses.count(SlotStatus.QUEUED) == 7

    sandbox.config.daily_quota = None
    engine.resume()
    await engine.wait_idle()
    assert engine.stats.succeeded == 10


async def test_invalid_key_stops_the_queue(sandbox, library, catalog):
    from studio.core.engine import JobEngine
    from studio.core.gemini import GeminiAdapter

    adapter = GeminiAdapter("invalid-key", catalog=catalog, base_url=sandbox.base_url)
    engine = JobEngine(adapter, library, max_concurrency=4)
    paused: list[QueuePaused] = []
    engine.subscribe(lambda e: paused.append(e) if isinstance(e, QueuePaused) else None)
    engine.submit(spec(count=20))
    await engine.wait_idle(until_stalled=True)
    assert [p.kind for p in paused] == [ErrorKind.INVALID_KEY]
    assert len(sandbox.requests) <= 4  # the initial concurrency, then nothing more
    assert engine.abandon_waiting(ErrorKind.INVALID_KEY, "The API key was rejected.") == 20
    await engine.wait_idle()
    await adapter.aclose()
    assert engine.stats.failed == 20


async def test_cancel_one_slot_is_immediate(engine_factory, sandbox, library):
    sandbox.config.latency_s = 5
    engine, events = engine_factory(max_concurrency=4)
    drafts = engine.submit(spec(count=3))
    await events.wait_for(SlotStarted, 2)
    assert engine.cancel_slot(drafts[0].id)
    await events.wait_for(SlotCancelled)
    # Cancelled while the service still holds the others for seconds: it did not wait.
    assert library.get(drafts[0].id).status == SlotStatus.CANCELLED
    assert library.get(drafts[1].id).status == SlotStatus.RUNNING
    assert engine.cancel_all() == 2
    await asyncio.wait_for(engine.wait_idle(), 1)
    assert {library.get(d.id).status for d in drafts} == {SlotStatus.CANCELLED}


async def test_cancel_batch_leaves_other_batches(engine_factory, sandbox, library):
    sandbox.config.latency_s = 0.3
    engine, _ = engine_factory(max_concurrency=8)
    first = engine.submit(spec("first", count=3))
    second = engine.submit(spec("second", count=2))
    assert engine.cancel_batch(first[0].batch_id) == 3
    await engine.wait_idle()
    assert {library.get(d.id).status for d in first} == {SlotStatus.CANCELLED}
    assert {library.get(d.id).status for d in second} == {SlotStatus.SUCCEEDED}


async def test_budget_cap_holds_under_concurrency(engine_factory, sandbox, library):
    sandbox.config.latency_s = 0.2
    engine, events = engine_factory(max_concurrency=16, session_budget_usd=0.15)
    drafts = engine.submit(spec(count=20))
    await engine.wait_idle(until_stalled=True)
    # 0.15 / 0.0336 = 4.46: four requests fit, the fifth would overshoot.
    assert sandbox.stats.accepted == 4
    assert engine.stats.session_spent_usd <= 0.15
    (paused,) = events.of(QueuePaused)
    assert paused.kind == ErrorKind.BUDGET
    assert "$0.15" in paused.message
    engine.set_budgets(0.25, None)
    await engine.wait_idle(until_stalled=True)
    assert sandbox.stats.accepted == 7
    engine.abandon_waiting(ErrorKind.BUDGET, "Budget reached.")
    await engine.wait_idle()
    # The 13 never sent leave no failed drafts behind, only their count on the batch.
    assert (engine.stats.failed, engine.stats.not_sent) == (0, 13)
    kept = library.drafts_of_batch(drafts[0].batch_id)
    assert [d.status for d in kept] == [SlotStatus.SUCCEEDED] * 7
    assert {d.batch_not_sent for d in kept} == {13}


async def test_daily_budget_counts_earlier_spend(engine_factory, sandbox, library):
    first, _ = engine_factory()
    first.submit(spec(count=2))
    await first.wait_idle()
    # 2 × 0.0336 already spent today: one more fits under 0.11, a second would not.
    second, events = engine_factory(daily_budget_usd=0.11)
    second.submit(spec(count=3))
    await second.wait_idle(until_stalled=True)
    assert second.stats.succeeded == 1
    assert [e.kind for e in events.of(QueuePaused)] == [ErrorKind.BUDGET]
    await second.aclose()


async def test_adapts_to_an_unknown_rate_limit(engine_factory, sandbox, library):
    sandbox.config.latency_s = 0.1
    sandbox.config.rate_limit = 10
    sandbox.config.rate_window_s = 0.5
    engine, _ = engine_factory(max_concurrency=32)
    engine.submit(spec(count=40))
    await engine.wait_idle()
    assert engine.stats.succeeded == 40
    assert sandbox.stats.rate_limited > 0
    # The window it learnt is the hidden one, and it kept to it: refusals stay rare.
    window = engine.pacer.window
    assert window is not None
    assert window.limit == 10
    assert window.span_s == pytest.approx(0.5, abs=0.1)
    assert sandbox.stats.rate_limited <= 40


async def test_retry_of_a_failed_slot(engine_factory, sandbox, library):
    engine, _ = engine_factory()
    drafts = engine.submit(spec("[sandbox:block] owl", count=1))
    await engine.wait_idle()
    engine.retry(drafts[0].id, lambda draft: spec("owl").request(draft.seed))
    await engine.wait_idle()
    retried = library.get(drafts[0].id)
    assert retried.status == SlotStatus.SUCCEEDED
    assert retried.seed == drafts[0].seed


async def test_flags_need_an_image(engine_factory, library):
    engine, _ = engine_factory()
    drafts = engine.submit(spec(count=1))
    await engine.wait_idle()
    library.set_flag(drafts[0].id, Flag.PICK)
    library.set_rating(drafts[0].id, 5)
    assert library.list_drafts(picks_only=True, min_rating=5)[0].id == drafts[0].id
