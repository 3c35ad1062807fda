"""The words for money, for the app and the command line alike. On the offline sandbox nothing
is billed, yet its answers carry what the same work would cost on Gemini (budgets count it,
so they can be tried out): every sum then says "would cost … · sandbox: nothing billed"."""

from __future__ import annotations

NOTHING_BILLED = "sandbox: nothing billed"


def usd(amount: float, *, fine: bool = False) -> str:
    """ "$0.81". `fine`: three decimals below a dime, where drafts' fractions of a cent would
    otherwise all read $0.03."""
    if fine and 0 < abs(amount) < 0.1:
        return f"${amount:.3f}"
    return f"${amount:.2f}"


def unit_usd(price: float) -> str:
    """A price per image, or one draft's cost: "$0.0336"."""
    return f"${price:.4f}"


def cost(amount: float, billed: bool, *, fine: bool = False, exact: bool = False) -> str:
    """ "$0.81", or on the sandbox "would cost $0.81". `exact`: to the hundredth of a cent,
    as a price is given."""
    text = unit_usd(amount) if exact else usd(amount, fine=fine)
    return text if billed else f"would cost {text}"


def spent(amount: float, billed: bool) -> str:
    """ "$0.27 spent", or on the sandbox "would cost $0.27"."""
    return f"{usd(amount)} spent" if billed else cost(amount, billed)


def priced(count: int, unit_price: float, billed: bool, *, fine: bool = False) -> str:
    """ "24 × $0.0336 = $0.81", or on the sandbox "24 × $0.0336 would cost $0.81"."""
    total = usd(unit_price * count, fine=fine)
    joined = f"= {total}" if billed else f"would cost {total}"
    return f"{count} × {unit_usd(unit_price)} {joined}"


def noted(text: str, billed: bool) -> str:
    """`text`, closed on the sandbox by " · sandbox: nothing billed"."""
    return text if billed else f"{text} · {NOTHING_BILLED}"
