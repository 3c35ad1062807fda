"""The words for money: one place decides them, for the app and the command line."""

from __future__ import annotations

from studio.core.money import cost, noted, priced, spent, usd


def test_billed_sums_read_as_money():
    assert usd(0.81) == "$0.81"
    assert usd(0.0336, fine=True) == "$0.034"
    assert usd(0, fine=True) == "$0.00"
    assert cost(0.0336, True, exact=True) == "$0.0336"
    assert spent(0.27, True) == "$0.27 spent"
    assert priced(24, 0.0336, True) == "24 × $0.0336 = $0.81"
    assert noted("$0.81", True) == "$0.81"


def test_sandbox_sums_say_what_they_would_cost_and_that_nothing_is_billed():
    assert noted(cost(0.81, False), False) == "would cost $0.81 · sandbox: nothing billed"
    assert spent(0.27, False) == "would cost $0.27"
    assert priced(24, 0.0336, False) == "24 × $0.0336 would cost $0.81"
    assert cost(0.0336, False, fine=True) == "would cost $0.034"
