"""How often and how patiently a run re-reads after a transient connector failure."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["RetryPolicy"]


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff between re-reads; ``attempts`` counts failures in a row, not per run.

    A page that commits resets the count: a long run through a flaky silo
    keeps going as long as it keeps making progress.
    """

    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 30.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def delay(self, failures: int) -> float:
        return float(min(self.max_delay, self.base_delay * (2 ** max(0, failures - 1))))
