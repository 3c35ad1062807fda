"""Budget caps: the expected cost is reserved before a request leaves, so that concurrent
requests can never overshoot the cap together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reservation:
    amount: float


def start_of_today() -> float:
    now = dt.datetime.now().astimezone()
    return now.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()


class BudgetGuard:
    def __init__(
        self,
        session_cap_usd: float | None,
        daily_cap_usd: float | None,
        spent_since: Callable[[float], float],
    ) -> None:
        self.session_cap_usd = session_cap_usd
        self.daily_cap_usd = daily_cap_usd
        self._spent_since = spent_since
        self.session_spent = 0.0
        self.reserved = 0.0
        self._day_start = start_of_today()
        self._spent_before_session_today = spent_since(self._day_start)

    def _today_spent(self) -> float:
        day_start = start_of_today()
        if day_start != self._day_start:
            self._day_start = day_start
            self._spent_before_session_today = 0.0
            return self._spent_since(day_start)
        return self._spent_before_session_today + self.session_spent

    def refusal(self, amount: float) -> str | None:
        """Why `amount` more cannot be spent now, or None when it fits both caps."""
        if self.session_cap_usd is not None and (
            self.session_spent + self.reserved + amount > self.session_cap_usd + 1e-9
        ):
            return (
                f"The session budget of ${self.session_cap_usd:.2f} is reached "
                f"(${self.session_spent:.2f} spent); raise it to continue."
            )
        if self.daily_cap_usd is not None and (
            self._today_spent() + self.reserved + amount > self.daily_cap_usd + 1e-9
        ):
            return (
                f"Today's budget of ${self.daily_cap_usd:.2f} is reached; "
                "raise it or continue tomorrow."
            )
        return None

    def reserve(self, amount: float) -> Reservation | None:
        if self.refusal(amount) is not None:
            return None
        self.reserved += amount
        return Reservation(amount)

    def settle(self, reservation: Reservation, actual_usd: float) -> None:
        self.reserved -= reservation.amount
        self.session_spent += actual_usd

    def set_caps(self, session_cap_usd: float | None, daily_cap_usd: float | None) -> None:
        self.session_cap_usd = session_cap_usd
        self.daily_cap_usd = daily_cap_usd
