"""The pacer on a manual clock: the window it learns from 429s, and the turns it gives."""

from __future__ import annotations

import asyncio

import pytest

from studio.core.engine import Pacer, Window


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def burst(pacer: Pacer, count: int) -> list:
    return [await pacer.acquire() for _ in range(count)]


async def test_without_a_known_limit_the_users_maximum_binds():
    pacer = Pacer(maximum=3, clock=Clock())
    tickets = await burst(pacer, 3)
    waiter = asyncio.create_task(pacer.acquire())
    await asyncio.sleep(0)
    assert not waiter.done()
    assert pacer.waiting == 1
    pacer.release(tickets[0])
    await waiter
    assert pacer.in_flight == 3
    assert len({t.at for t in tickets}) == 1  # no pacing before anything was refused


async def test_a_refused_burst_teaches_the_window():
    clock = Clock()
    pacer = Pacer(maximum=64, clock=clock)
    tickets = await burst(pacer, 30)
    # A hidden limit of 10 per 1 s: the first 10 got in, 20 were refused on arrival and told
    # to wait 1 s (until the round's first request leaves the window); the answers came
    # back a little later.
    clock.now += 0.02
    for ticket in tickets[10:]:
        pacer.on_throttle(ticket, retry_after_s=1.0)
        pacer.release(ticket)
    assert pacer.next_turn_at() == pytest.approx(101.02)
    clock.now = 101.0
    clock.now = 101.02
    assert pacer.window is None  # learnt when the hold is over, once every refusal is in
    assert pacer.next_turn_at() is None
    assert pacer.window == Window(10, pytest.approx(1.0))  # type: ignore[arg-type]
    await burst(pacer, 10)
    # These leave the window a little after 1 s, to be sure they have.
    assert pacer.next_turn_at() == pytest.approx(102.04)


async def test_after_learning_it_sends_only_what_the_window_takes():
    clock = Clock()
    pacer = Pacer(maximum=64, clock=clock)
    tickets = await burst(pacer, 12)
    clock.now += 0.01
    for ticket in tickets[4:]:
        pacer.on_throttle(ticket, retry_after_s=2.0)
    clock.now = 102.05  # the hold is over: a window of 4 per 2 s
    assert pacer.window is None
    assert pacer.next_turn_at() is None
    assert pacer.window == Window(4, pytest.approx(2.0))  # type: ignore[arg-type]
    sent = await burst(pacer, 4)
    assert [t.at for t in sent] == [102.05] * 4
    # When the first of those leaves the window, with a small margin for the trip there.
    assert pacer.next_turn_at() == pytest.approx(104.09)
    clock.now = 103.0
    assert pacer.next_turn_at() == pytest.approx(104.09)


async def test_only_the_first_refusal_of_a_round_teaches():
    clock = Clock()
    pacer = Pacer(maximum=64, clock=clock)
    tickets = await burst(pacer, 6)
    clock.now += 0.01
    pacer.on_throttle(tickets[5], retry_after_s=0.5)
    clock.now += 0.3  # a late refusal of the same burst, with a shorter wait
    pacer.on_throttle(tickets[4], retry_after_s=0.1)
    clock.now = 100.53
    assert pacer.next_turn_at() is None
    assert pacer.window == Window(4, pytest.approx(0.5))  # type: ignore[arg-type]


async def test_without_a_retry_delay_it_holds_briefly_and_tightens():
    clock = Clock()
    pacer = Pacer(maximum=64, clock=clock)
    tickets = await burst(pacer, 10)
    pacer.on_throttle(tickets[9], retry_after_s=None)
    assert pacer.next_turn_at() == pytest.approx(101.0)
    clock.now = 101.0
    pacer.next_turn_at()
    assert pacer.window == Window(7, pytest.approx(1.0))  # type: ignore[arg-type]


async def test_a_window_kept_full_without_refusals_probes_for_a_higher_limit():
    clock = Clock()
    pacer = Pacer(maximum=64, clock=clock)
    tickets = await burst(pacer, 25)
    for ticket in tickets[20:]:
        pacer.on_throttle(ticket, retry_after_s=1.0)
    for ticket in tickets:
        pacer.release(ticket)  # every answer is in
    clock.now = 101.05
    for ticket in await burst(pacer, 20):
        pacer.release(ticket)
    assert pacer.window == Window(20, pytest.approx(1.0))  # type: ignore[arg-type]
    assert pacer.next_turn_at() == pytest.approx(102.07)
    # Ten seconds on, the window full again and nothing refused since: one more is tried.
    clock.now = 111.1
    for ticket in await burst(pacer, 20):
        pacer.release(ticket)
    assert pacer.next_turn_at() is None
    assert pacer.window == Window(21, pytest.approx(1.0))  # type: ignore[arg-type]


async def test_a_refusal_the_mirror_did_not_expect_widens_its_margin():
    clock = Clock()
    pacer = Pacer(maximum=64, clock=clock)
    tickets = await burst(pacer, 5)
    pacer.on_throttle(tickets[4], retry_after_s=1.0)
    clock.now = 101.05
    await burst(pacer, 4)
    assert pacer.next_turn_at() == pytest.approx(102.07)  # 1 s and a margin of 0.02 s
    clock.now = 102.07
    (early,) = await burst(pacer, 1)
    pacer.on_throttle(early, retry_after_s=0.01)  # the service's window had not moved yet
    clock.now = 102.09
    assert pacer.next_turn_at() is None
    assert pacer.window == Window(4, pytest.approx(1.0))  # type: ignore[arg-type]
    await burst(pacer, 4)
    assert pacer.next_turn_at() == pytest.approx(102.09 + 1.04)  # a wider margin now


async def test_turns_not_sent_do_not_count():
    clock = Clock()
    pacer = Pacer(maximum=64, clock=clock)
    tickets = await burst(pacer, 3)
    clock.now += 0.01
    pacer.on_throttle(tickets[2], retry_after_s=1.0)
    clock.now = 101.05
    pacer.next_turn_at()
    assert pacer.window == Window(2, pytest.approx(1.0))  # type: ignore[arg-type]
    (ticket,) = await burst(pacer, 1)
    pacer.not_sent(ticket)  # e.g. the budget stopped it
    assert pacer.next_turn_at() is None


async def test_waiters_go_in_order_and_retries_go_first():
    pacer = Pacer(maximum=1)
    held = await pacer.acquire()
    order: list[str] = []

    async def take(name: str, first: bool = False) -> None:
        ticket = await pacer.acquire(first)
        order.append(name)
        pacer.release(ticket)

    tasks = [asyncio.create_task(take("a")), asyncio.create_task(take("b"))]
    await asyncio.sleep(0)
    tasks.append(asyncio.create_task(take("retry", first=True)))
    await asyncio.sleep(0)
    pacer.release(held)
    await asyncio.gather(*tasks)
    assert order == ["retry", "a", "b"]


async def test_a_waiter_cancelled_as_the_queue_wakes_leaves_no_trace():
    """The queue may drop a cancelled waiter before the waiter's own cleanup runs."""
    pacer = Pacer(maximum=1)
    held = await pacer.acquire()
    waiter = asyncio.create_task(pacer.acquire())
    await asyncio.sleep(0)
    waiter.cancel()
    pacer.release(held)  # wakes the queue before the cancelled task has run
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert pacer.in_flight == 0
    assert pacer.waiting == 0
    await pacer.acquire()


async def test_pause_blocks_until_resume_and_cancel_leaves_no_leak():
    pacer = Pacer(maximum=4)
    pacer.pause()
    waiter = asyncio.create_task(pacer.acquire())
    cancelled = asyncio.create_task(pacer.acquire())
    await asyncio.sleep(0)
    assert not waiter.done()
    assert pacer.waiting == 2
    cancelled.cancel()
    await asyncio.sleep(0)
    pacer.resume()
    await waiter
    assert pacer.in_flight == 1
    assert pacer.waiting == 0


async def test_in_flight_follows_rate_times_latency():
    clock = Clock()
    pacer = Pacer(maximum=64, clock=clock)
    pacer.set_local_rate(20.0)  # this machine saves 20 answers a second
    first = await burst(pacer, 8)  # the least depth, before anything is known
    assert pacer.limit == 8
    clock.now += 2.0  # nothing back after 2 s: the service is slow, so more may wait on it
    assert pacer.limit == 60
    rest = await burst(pacer, 52)
    for ticket in first:
        pacer.release(ticket, latency_s=0.3)  # a fast service after all
    assert pacer.limit == 9  # 1.5 x 20/s x 0.3 s
    for ticket in rest[:10]:
        pacer.release(ticket, latency_s=10.0)
    assert pacer.limit == 9  # the least latency seen lately counts
