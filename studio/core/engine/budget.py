"""Budget caps: the expected cost is reserved before a request leaves, so that concurrent
requests can never overshoot the cap together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from studio.core.money import cost, noted, spent, usd


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
        spent_since: Callable[[float, bool], float],
        *,
        billed: bool = True,
    ) -> None:
        """`spent_since(moment, billed)`: what the library holds as spent since then, billed
        or (on the sandbox) what it would have cost. `billed` says which this session is."""
        self.session_cap_usd = session_cap_usd
        self.daily_cap_usd = daily_cap_usd
        self.billed = billed
        self._spent_since = spent_since
        self.session_spent = 0.0
        self.reserved = 0.0
        self._day_start = start_of_today()
        # Today's spend is what the library had when the day (or the session) began, plus
        # what this session has spent since then.
        self._spent_today_before = spent_since(self._day_start, billed)
        self._session_spent_at_day_start = 0.0
        self._overshoot_told = False

    def _today_spent(self) -> float:
        day_start = start_of_today()
        if day_start != self._day_start:
            # Past midnight: the library knows everything settled since, this session's
            # spend included; what the session spent before midnight belongs to yesterday.
            self._day_start = day_start
            self._spent_today_before = self._spent_since(day_start, self.billed)
            self._session_spent_at_day_start = self.session_spent
        return self._spent_today_before + self.session_spent - self._session_spent_at_day_start

    def refusal(self, amount: float) -> str | None:
        """Why `amount` more cannot be spent now, or None when it fits both caps."""
        if self.session_cap_usd is not None and (
            self.session_spent + self.reserved + amount > self.session_cap_usd + 1e-9
        ):
            reached = f"The session budget of {usd(self.session_cap_usd)} is reached"
            return f"{reached}: {self._so_far(self.session_spent)}; raise it to continue."
        today = self._today_spent()
        if self.daily_cap_usd is not None and (
            today + self.reserved + amount > self.daily_cap_usd + 1e-9
        ):
            reached = f"Today's budget of {usd(self.daily_cap_usd)} is reached"
            return f"{reached}: {self._so_far(today)}; raise it or continue tomorrow."
        return None

    def _so_far(self, settled: float) -> str:
        """What is spent and what is still on the way: a refusal comes while requests are in
        flight, and their reservations are part of why the next one does not fit."""
        in_flight = self.reserved > 1e-9
        if self.billed:
            text = spent(settled, True)
            return f"{text}, {usd(self.reserved)} in flight" if in_flight else text
        text = cost(settled + self.reserved, False)
        if in_flight:
            text += f" ({usd(self.reserved)} of it in flight)"
        return noted(text, False)

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
        over = f"{spent(self.session_spent, self.billed)}, {usd(self.session_spent - cap)} over"
        image = "billed image" if self.billed else "image"
        return (
            f"The session budget of {usd(cap)} is used up: {noted(over, self.billed)}, because "
            f"an answer carried more than one {image}; raise it to continue."
        )

    def set_caps(self, session_cap_usd: float | None, daily_cap_usd: float | None) -> None:
        self.session_cap_usd = session_cap_usd
        self.daily_cap_usd = daily_cap_usd
        self._overshoot_told = False
