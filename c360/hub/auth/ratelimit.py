"""Per-caller token buckets: one for requests, one for look-ups by phone or ID number.

Buckets live in the app (one limiter per process), never at module level.
A bucket holds up to ``per_minute`` tokens and refills continuously.

Several processes (``c360 serve --workers N``) must not give a caller N times its budget:

* With Redis configured (``C360_REDIS_URL``) the buckets live there (:mod:`c360.hub.auth.redis_buckets`)
  and the limit holds across every process. If Redis cannot answer, a process falls back to
  its own bucket of its share of the limit (fail open, with a logged warning) until Redis is back.
* Without Redis each of the N processes enforces ``per_minute // N``: the limit is exact when a
  caller's requests spread evenly over the processes and stricter when they do not (a client on
  one keep-alive connection talks to one process and gets 1/N). Never looser.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Protocol

from c360.config import Settings

__all__ = ["RateLimiter", "SharedBuckets", "caller_limiter", "worker_share"]


class SharedBuckets(Protocol):
    def take(self, who: str, cost: int = 1) -> float | None: ...


def worker_share(per_minute: int, workers: int) -> int:
    """One process's part of a per-minute limit shared by ``workers`` processes (0 stays 0: no limit)."""
    if per_minute <= 0:
        return per_minute
    return max(1, per_minute // max(1, workers))


class RateLimiter:
    """``per_minute`` per caller, in ``shared`` buckets when given, else (or when they fail) in this process.

    ``local_per_minute`` is the capacity of this process's own buckets (its share of the limit
    when several processes serve); it defaults to ``per_minute``.
    """

    def __init__(
        self,
        per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        *,
        shared: SharedBuckets | None = None,
        local_per_minute: int | None = None,
    ) -> None:
        self.per_minute = per_minute
        self._shared = shared
        self._local = per_minute if local_per_minute is None else local_per_minute
        self._rate = self._local / 60.0
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, who: str, cost: int = 1) -> float:
        """Take ``cost`` tokens for ``who``: 0 when allowed, else the seconds to wait before retrying."""
        if self.per_minute <= 0:
            return 0.0
        if self._shared is not None:
            wait = self._shared.take(who, cost)
            if wait is not None:
                return wait
        return self._take_local(who, cost)

    def _take_local(self, who: str, cost: int) -> float:
        if self._local <= 0:
            return 0.0
        now = self._clock()
        with self._lock:
            tokens, at = self._buckets.get(who, (float(self._local), now))
            tokens = min(float(self._local), tokens + (now - at) * self._rate)
            if tokens >= cost:
                self._buckets[who] = (tokens - cost, now)
                return 0.0
            self._buckets[who] = (tokens, now)
            return max(1.0, math.ceil((cost - tokens) / self._rate))


LIMITS = {"requests": "rate_limit_per_minute", "lookups": "lookups_per_minute"}
REDIS_TIMEOUT_SECONDS = 0.25


def caller_limiter(settings: Settings, kind: str) -> RateLimiter:
    """The process's limiter of ``kind`` ("requests" or "lookups"), shared through Redis when configured."""
    per_minute = getattr(settings.auth, LIMITS[kind])
    share = worker_share(per_minute, settings.server.workers or 1)
    if settings.redis.url is None:
        return RateLimiter(share)
    import redis

    from c360.hub.auth.redis_buckets import RedisBuckets

    client = redis.Redis.from_url(
        settings.redis.url.reveal(),
        socket_timeout=REDIS_TIMEOUT_SECONDS,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
    )
    buckets = RedisBuckets(client, f"{settings.redis.key_prefix}ratelimit:{kind}:", per_minute)
    return RateLimiter(per_minute, shared=buckets, local_per_minute=share)
