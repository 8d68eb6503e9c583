"""Per-caller token buckets in Redis, shared by every hub process that points at the same server.

One Lua script takes tokens atomically: it reads the bucket, refills it for the time passed (by
Redis's own clock, so the processes' clocks do not matter), takes ``cost`` tokens when there are
enough, and writes it back with an expiry, so idle callers leave nothing behind.

Redis being unreachable must not take the API down with it: :meth:`RedisBuckets.take` answers
``None`` then (the caller falls back to its per-process bucket, i.e. fails open to that), skips
Redis for ``retry_seconds`` so requests do not each wait for a timeout, and logs a warning at
most once per ``warn_seconds``.

The client is synchronous on purpose: the look-up budget is taken inside synchronous access
checks (``c360.schema.permissions``). One round trip to a nearby Redis is well under a millisecond;
the timeouts bound a slow one.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable

import redis

__all__ = ["RedisBuckets", "TOKEN_BUCKET"]

log = logging.getLogger(__name__)

# KEYS[1]: the bucket; ARGV: capacity (tokens), refill rate (tokens per second), cost.
# Returns {1, tokens left} when taken, {0, tokens there} when not (as strings: Lua numbers
# would be truncated to integers on the way out).
TOKEN_BUCKET = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local taken = 0
if tokens >= cost then
  tokens = tokens - cost
  taken = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate * 1000) + 1000)
return {taken, tostring(tokens)}
"""


class RedisBuckets:
    def __init__(
        self,
        client: redis.Redis,
        namespace: str,
        per_minute: int,
        *,
        retry_seconds: float = 5.0,
        warn_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.namespace = namespace
        self.per_minute = per_minute
        self._rate = per_minute / 60.0
        self._script = client.register_script(TOKEN_BUCKET)
        self._retry_seconds = retry_seconds
        self._warn_seconds = warn_seconds
        self._clock = clock
        self._down_until = -math.inf
        self._warned_at = -math.inf
        self._lock = threading.Lock()

    def take(self, who: str, cost: int = 1) -> float | None:
        """0 when allowed, else the seconds to wait; None when Redis cannot answer (use the local bucket)."""
        now = self._clock()
        if now < self._down_until:
            return None
        try:
            taken, tokens = self._script(keys=[self.namespace + who], args=[self.per_minute, self._rate, cost])
        except redis.RedisError as exc:
            self._unreachable(exc, now)
            return None
        if int(taken):
            return 0.0
        return max(1.0, math.ceil((cost - float(tokens)) / self._rate))

    def _unreachable(self, exc: Exception, now: float) -> None:
        with self._lock:
            self._down_until = now + self._retry_seconds
            if now - self._warned_at < self._warn_seconds:
                return
            self._warned_at = now
        log.warning(
            "Redis unreachable for rate limits (%s); each process limits callers on its own for now (retrying every %.0f s)",
            type(exc).__name__,
            self._retry_seconds,
        )
