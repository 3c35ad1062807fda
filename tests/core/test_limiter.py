"""The adaptive limiter on a manual clock."""

from __future__ import annotations

import asyncio

from studio.core.engine import AdaptiveLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_slow_start_then_additive_increase():
    limiter = AdaptiveLimiter(maximum=32, initial=2, clock=Clock())
    for _ in range(6):
        limiter.on_success()
    assert limiter.limit == 8  # +1 per success until the first throttle
    limiter.on_throttle(dispatched_at=200.0, retry_after_s=None)
    assert limiter.limit == 4  # halved without a server hint
    for _ in range(4):
        limiter.on_success()
    assert limiter.limit == 4  # +1/limit per success: one step per round trip
    limiter.on_success()
    assert limiter.limit == 5


async def test_never_above_the_users_maximum():
    limiter = AdaptiveLimiter(maximum=3, initial=8)
    assert limiter.limit == 3
    for _ in range(20):
        limiter.on_success()
    assert limiter.limit == 3


async def test_one_cut_per_round_trip():
    clock = Clock()
    limiter = AdaptiveLimiter(maximum=32, initial=16, clock=clock)
    sent_before_cut = clock.now
    clock.now += 1
    limiter.on_throttle(sent_before_cut, retry_after_s=None)
    limiter.on_throttle(sent_before_cut, retry_after_s=None)
    limiter.on_throttle(sent_before_cut, retry_after_s=None)
    assert limiter.limit == 8


async def test_a_server_hint_cuts_gently_and_holds_everyone():
    limiter = AdaptiveLimiter(maximum=32, initial=20)
    limiter.on_throttle(dispatched_at=0.0, retry_after_s=0.3)
    assert limiter.limit == 17
    loop = asyncio.get_running_loop()
    started = loop.time()
    await limiter.acquire()
    assert loop.time() - started >= 0.29
    limiter.release()


async def test_waiters_go_in_order_and_retries_go_first():
    limiter = AdaptiveLimiter(maximum=1, initial=1)
    await limiter.acquire()
    order: list[str] = []

    async def take(name: str, first: bool = False) -> None:
        await limiter.acquire(first)
        order.append(name)
        limiter.release()

    tasks = [asyncio.create_task(take("a")), asyncio.create_task(take("b"))]
    await asyncio.sleep(0)
    tasks.append(asyncio.create_task(take("retry", first=True)))
    await asyncio.sleep(0)
    limiter.release()
    await asyncio.gather(*tasks)
    assert order == ["retry", "a", "b"]


async def test_pause_blocks_until_resume_and_cancel_leaves_no_leak():
    limiter = AdaptiveLimiter(maximum=4, initial=4)
    limiter.pause()
    waiter = asyncio.create_task(limiter.acquire())
    cancelled = asyncio.create_task(limiter.acquire())
    await asyncio.sleep(0.01)
    assert not waiter.done()
    assert limiter.waiting == 2
    cancelled.cancel()
    await asyncio.sleep(0)
    limiter.resume()
    await waiter
    assert limiter.in_flight == 1
    assert limiter.waiting == 0
