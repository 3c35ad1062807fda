"""How long a slot waits before trying again."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_failures: int = 5  # server errors, timeouts, network trouble
    max_throttles: int = 60  # rate-limit answers: flow control, not failure
    # "The model is overloaded" passes within seconds as a rule: more tries, gentler growth,
    # so one unlucky slot does not hold a whole batch back for a minute.
    max_overloads: int = 10
    base_delay_s: float = 1.0
    max_delay_s: float = 60.0
    overload_growth: float = 1.5
    max_overload_delay_s: float = 15.0

    def delay(self, failures: int, retry_after_s: float | None, rng: random.Random) -> float:
        if retry_after_s is not None:
            # The server knows when capacity frees up; a sliver of jitter spreads the herd.
            return retry_after_s + rng.uniform(0.0, min(0.25, 0.05 * retry_after_s + 0.01))
        ceiling = min(self.max_delay_s, self.base_delay_s * 2 ** max(failures - 1, 0))
        return rng.uniform(ceiling / 2, ceiling)

    def overload_delay(self, overloads: int, rng: random.Random) -> float:
        growth = self.overload_growth ** max(overloads - 1, 0)
        ceiling = min(self.max_overload_delay_s, self.base_delay_s * growth)
        return rng.uniform(ceiling / 2, ceiling)
