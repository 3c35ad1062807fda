"""Quotas, latency, concurrency and shutdown."""

from __future__ import annotations

import asyncio
import time

import httpx2
import pytest
from google.genai import errors

from studio.sandbox import Fault
from studio.sandbox.limits import SlidingWindow
from studio.sandbox.responses import duration_json
from tests.sandbox.conftest import eventually, generate, make_client


def _retry_delay(error: errors.APIError) -> float:
    details = error.details["error"]["details"]
    (delay,) = [d["retryDelay"] for d in details if d["@type"].endswith("RetryInfo")]
    assert delay.endswith("s")
    return float(delay[:-1])


async def test_rate_limit_refuses_at_the_limit_until_a_slot_frees(sandbox, client):
    sandbox.config.rate_limit = 3
    sandbox.config.rate_window_s = 0.4
    start = time.monotonic()
    for _ in range(3):
        await generate(client)

    with pytest.raises(errors.ClientError) as caught:
        await generate(client)
    refused_by = time.monotonic()
    delay = _retry_delay(caught.value)
    assert caught.value.code == 429
    # The wait is until the first accepted request leaves the window, and no shorter.
    assert 0 < delay <= 0.4
    assert start + 0.4 - refused_by <= delay

    await asyncio.sleep(delay)
    assert (await generate(client)).parts is not None
    assert sandbox.stats.accepted == 4
    assert sandbox.stats.rate_limited == 1


async def test_refused_requests_do_not_use_up_the_window(sandbox, client):
    sandbox.config.rate_limit = 1
    sandbox.config.rate_window_s = 0.3
    await generate(client)
    for _ in range(3):
        with pytest.raises(errors.ClientError):
            await generate(client)

    await asyncio.sleep(0.3)
    assert (await generate(client)).parts is not None


async def test_rate_limit_answers_at_once_despite_latency(sandbox, client):
    sandbox.config.rate_limit = 0
    sandbox.config.latency_s = 600.0  # an answer would outlast the test

    with pytest.raises(errors.ClientError) as caught:
        await generate(client)

    assert caught.value.code == 429


async def test_daily_quota_refuses_everything_once_used_up(sandbox, client):
    sandbox.config.daily_quota = 2
    await generate(client)
    await generate(client)

    for _ in range(2):
        with pytest.raises(errors.ClientError) as caught:
            await generate(client)
        violation = caught.value.details["error"]["details"][0]["violations"][0]
        assert "PerDay" in violation["quotaId"]
    assert sandbox.stats.faults_served[Fault.DAILY_QUOTA] == 2


async def test_latency_delays_answers_and_faults(sandbox, client):
    sandbox.config.latency_s = 0.2
    sandbox.script(Fault.OVERLOADED)
    start = time.monotonic()

    with pytest.raises(errors.ServerError):
        await generate(client)
    after_fault = time.monotonic()
    await generate(client)

    # Lower bounds only: each answer, the fault's too, waited out the latency.
    assert after_fault - start >= 0.2
    assert time.monotonic() - after_fault >= 0.2


async def test_fifty_concurrent_requests_overlap(sandbox, client):
    sandbox.config.latency_s = 0.3

    responses = await asyncio.gather(*(generate(client, f"slot {n}") for n in range(50)))

    assert all(r.parts is not None for r in responses)
    assert sandbox.stats.max_in_flight > 20
    # a handler counts itself out just after its answer is written
    assert await eventually(lambda: sandbox.stats.in_flight == 0)


async def test_stop_is_prompt_with_a_hanging_request(sandbox, client):
    sandbox.script(Fault.HANG)
    pending = asyncio.create_task(generate(client))
    assert await eventually(lambda: sandbox.stats.in_flight == 1)

    # Bounded only against a hang: a stop that waited for the request would never return.
    await asyncio.wait_for(asyncio.to_thread(sandbox.stop), 30)

    with pytest.raises(httpx2.TransportError):
        await pending


async def test_a_client_that_gives_up_leaves_no_traceback(sandbox, capfd):
    sandbox.config.latency_s = 0.2
    impatient = make_client(sandbox.base_url, timeout_ms=50)
    with pytest.raises(httpx2.TimeoutException):
        await generate(impatient)
    await impatient.aio.aclose()

    assert await eventually(lambda: sandbox.stats.in_flight == 0)
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.347, "0.347s"), (26, "26s"), (0.0001, "0.001s"), (1.5, "1.500s"), (0, "0s")],
)
def test_retry_delay_is_a_proto_duration_rounded_up(seconds, text):
    assert duration_json(seconds) == text


def test_sliding_window_reports_when_the_oldest_start_expires():
    window = SlidingWindow()
    assert window.try_acquire(0.0, 2, 10.0) is None
    assert window.try_acquire(1.0, 2, 10.0) is None

    assert window.try_acquire(4.0, 2, 10.0) == pytest.approx(6.0)
    # lowered to one: the starts at 0 and 1 must both expire
    assert window.try_acquire(4.0, 1, 10.0) == pytest.approx(7.0)
    assert window.try_acquire(11.0, 2, 10.0) is None
