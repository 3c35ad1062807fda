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
        # Today's spend is what the library had when the day (or the session) began, plus
        # what this session has spent since then.
        self._spent_today_before = spent_since(self._day_start)
        self._session_spent_at_day_start = 0.0
        self._overshoot_told = False

    def _today_spent(self) -> float:
        day_start = start_of_today()
        if day_start != self._day_start:
            # Past midnight: the library knows everything settled since, this session's
            # spend included; what the session spent before midnight belongs to yesterday.
            self._day_start = day_start
            self._spent_today_before = self._spent_since(day_start)
            self._session_spent_at_day_start = self.session_spent
        return self._spent_today_before + self.session_spent - self._session_spent_at_day_start

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

    def overshoot(self) -> str | None:
        """Once, a sentence when settled spend went past a cap: each request reserves one
        image, and an answer that carried (and billed) more can push past it. The engine
        stops sending then, so the overshoot stays within the answers already on the way."""
        cap = self.session_cap_usd
        if self._overshoot_told or cap is None or self.session_spent <= cap + 1e-9:
            return None
        self._overshoot_told = True
        return (
            f"The session budget of ${cap:.2f} is used up: ${self.session_spent:.2f} spent, "
            f"${self.session_spent - cap:.2f} over, because an answer carried more than one "
            "billed image; raise it to continue."
        )

    def set_caps(self, session_cap_usd: float | None, daily_cap_usd: float | None) -> None:
        self.session_cap_usd = session_cap_usd
        self.daily_cap_usd = daily_cap_usd
        self._overshoot_told = False
