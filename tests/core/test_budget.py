"""Budget caps: the day's spend across midnight, and an answer billed for more images than
were reserved."""

from __future__ import annotations

import time

import pytest

from studio.core.catalog import Catalog
from studio.core.domain import ErrorKind, ResponseMeta, SlotStatus
from studio.core.engine import BudgetGuard, QueuePaused
from studio.core.engine import budget as budget_module
from studio.core.library import Library
from studio.sandbox import Fault
from tests.core.conftest import spec

PRICE = 0.0336


def spend(guard: BudgetGuard, amount: float) -> None:
    reservation = guard.reserve(amount)
    assert reservation is not None
    guard.settle(reservation, amount)


def test_after_midnight_the_sessions_earlier_spend_is_yesterdays(
    library: Library, monkeypatch: pytest.MonkeyPatch
):
    guard = BudgetGuard(None, 0.10, library.spending.since)
    spend(guard, 0.07)
    assert guard.refusal(0.05) is not None  # 0.12 today would pass the cap
    # Midnight passes: nothing the library holds was spent since, nor by this session.
    midnight = time.time() + 1
    monkeypatch.setattr(budget_module, "start_of_today", lambda: midnight)
    assert guard.refusal(0.09) is None
    spend(guard, 0.06)
    assert guard.refusal(0.05) is not None  # 0.06 + 0.05 today
    assert guard.refusal(0.04) is None


async def test_an_answer_with_two_billed_images_stops_the_queue_and_says_so(
    engine_factory, sandbox, library
):
    sandbox.script(Fault.DUPLICATE)  # two images in one answer, both billed
    engine, events = engine_factory(max_concurrency=1, session_budget_usd=0.05)
    drafts = engine.submit(spec(count=3))
    await engine.wait_idle(until_stalled=True)
    assert engine.budget.session_spent == pytest.approx(2 * PRICE, abs=1e-3)
    paused = events.of(QueuePaused)[-1]
    assert paused.kind == ErrorKind.BUDGET
    assert "$0.07 spent, $0.02 over" in paused.message
    # Nothing more left after the answer that went over.
    assert sandbox.stats.accepted == 1
    assert [library.get(d.id).status for d in drafts][1:] == [SlotStatus.QUEUED] * 2


def test_a_refusal_says_what_is_spent_and_what_is_still_in_flight(library: Library):
    guard = BudgetGuard(0.10, None, library.spending.since)
    reservations = [guard.reserve(PRICE), guard.reserve(PRICE)]
    assert guard.refusal(PRICE) == (
        "The session budget of $0.10 is reached: $0.00 spent, $0.07 in flight; "
        "raise it to continue."
    )
    for reservation in reservations:
        assert reservation is not None
        guard.settle(reservation, PRICE)
    assert guard.refusal(PRICE) == (
        "The session budget of $0.10 is reached: $0.07 spent; raise it to continue."
    )


def test_on_the_sandbox_a_refusal_says_what_it_would_cost(library: Library):
    guard = BudgetGuard(0.10, None, library.spending.since, billed=False)
    spend(guard, PRICE)
    assert guard.reserve(PRICE) is not None
    assert guard.refusal(PRICE) == (
        "The session budget of $0.10 is reached: would cost $0.07 ($0.03 of it in flight)"
        " · sandbox: nothing billed; raise it to continue."
    )


def test_the_daily_refusal_says_what_was_spent_today(library: Library):
    guard = BudgetGuard(None, 0.05, library.spending.since)
    spend(guard, 0.04)
    assert guard.refusal(0.02) == (
        "Today's budget of $0.05 is reached: $0.04 spent; raise it or continue tomorrow."
    )


def test_the_sandbox_and_the_real_service_keep_separate_daily_spend(library: Library):
    """What the sandbox would have cost was never paid: it must not use up a real day's
    budget, nor real spend a sandbox day's."""
    (slot,) = library.create_batch(spec().plan(Catalog()).record, billed=False)
    meta = ResponseMeta(cost_usd=0.04)
    library.mark_finished(slot.id, SlotStatus.BLOCKED, meta=meta)
    assert BudgetGuard(None, 0.05, library.spending.since).refusal(0.03) is None
    sandbox = BudgetGuard(None, 0.05, library.spending.since, billed=False)
    assert sandbox.refusal(0.03) is not None
