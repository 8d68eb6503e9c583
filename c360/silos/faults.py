"""Switchable misbehaviour of the REST silos, so sync-engine tests can exercise retries and resumption."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

__all__ = ["Faults", "FaultAction"]


@dataclass(frozen=True)
class FaultAction:
    """What the app should do with the current API request (decided once per request)."""

    delay_s: float = 0.0
    status: int | None = None  # 500, 429 or 503: answer with this instead of data
    retry_after: int | None = None
    malformed: bool = False


@dataclass
class Faults:
    """Mutable, thread-safe fault plan shared by a running app and the test driving it.

    Counters are consumed by API requests (``/healthz`` is never affected):
    ``fail_next`` answers 500, ``throttle_next`` answers 429 with ``Retry-After``, ``malformed_next``
    sends an invalid JSON body, ``delay_s`` sleeps before every answer, and ``die_after_pages``
    serves that many more pages then answers 503 to everything until ``reset()``.
    """

    fail_next: int = 0
    throttle_next: int = 0
    retry_after_s: int = 1
    malformed_next: int = 0
    delay_s: float = 0.0
    die_after_pages: int | None = None
    pages_served: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def set(self, **changes: object) -> None:
        """Change several knobs atomically, e.g. ``faults.set(fail_next=2)``."""
        with self._lock:
            for name, value in changes.items():
                if name.startswith("_") or not hasattr(self, name):
                    raise AttributeError(name)
                setattr(self, name, value)

    def reset(self) -> None:
        """Back to a healthy silo."""
        self.set(fail_next=0, throttle_next=0, malformed_next=0, delay_s=0.0, die_after_pages=None,
                 pages_served=0)

    def next_action(self) -> FaultAction:
        """Consume one request's worth of faults, in a fixed precedence order."""
        with self._lock:
            delay = self.delay_s
            if self.die_after_pages is not None and self.pages_served >= self.die_after_pages:
                return FaultAction(delay, 503)
            if self.fail_next > 0:
                self.fail_next -= 1
                return FaultAction(delay, 500)
            if self.throttle_next > 0:
                self.throttle_next -= 1
                return FaultAction(delay, 429, retry_after=self.retry_after_s)
            self.pages_served += 1
            if self.malformed_next > 0:
                self.malformed_next -= 1
                return FaultAction(delay, malformed=True)
            return FaultAction(delay)
