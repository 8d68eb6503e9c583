"""One HTTP client for every REST silo: timeouts, bounded retries with jittered backoff, clear errors.

What each response status means for the caller lives in ``STATUS_ACTIONS``,
one table, so the policy is read in one place:

* connection errors, timeouts, 408, 429 and 5xx are retried with exponential
  backoff and full jitter; a ``Retry-After`` header is honoured;
* 401/403 fail at once ("credentials rejected by <silo>");
* every other 4xx fails at once: repeating a wrong request cannot fix it.

Retries stop after ``max_retries`` or when the waits would exceed
``max_wait_s``; the error then is a ``RetriableError``. Messages carry the
silo, the path and the status, never the query, headers or body.
"""

from __future__ import annotations

import enum
import random
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from c360.connectors.config import RestConfig
from c360.connectors.errors import BadPageError, FatalError, RetriableError

__all__ = ["Action", "STATUS_ACTIONS", "action_for", "HttpClient"]


class Action(enum.Enum):
    OK = "ok"
    RETRY = "retry"
    CREDENTIALS = "credentials"
    FAIL = "fail"


#: (first status, last status, action), first match wins.
STATUS_ACTIONS: tuple[tuple[int, int, Action], ...] = (
    (200, 299, Action.OK),
    (401, 401, Action.CREDENTIALS),
    (403, 403, Action.CREDENTIALS),
    (408, 408, Action.RETRY),
    (429, 429, Action.RETRY),
    (400, 499, Action.FAIL),
    (500, 599, Action.RETRY),
)


def action_for(status: int) -> Action:
    """What to do with a response of this status; anything unlisted (1xx, 3xx) is a failure."""
    for first, last, action in STATUS_ACTIONS:
        if first <= status <= last:
            return action
    return Action.FAIL


def _retry_after(response: requests.Response) -> float | None:
    """Seconds the silo asked us to wait (delta-seconds or an HTTP date); ``None`` if absent or unreadable."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class HttpClient:
    """GETs JSON from one silo with the retry policy above.

    ``session`` is injected (tests mount loopback servers on it) or created
    here; ``sleep`` and ``rng`` are seams so tests can see the waits without
    spending them.
    """

    def __init__(
        self,
        silo: str,
        config: RestConfig,
        *,
        api_key: str | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.silo = silo
        self.config = config
        self.base_url = config.base_url.rstrip("/")
        self._own_session = session is None
        self.session = session if session is not None else requests.Session()
        self._headers = {"Accept": "application/json"}
        if api_key is not None:
            self._headers[config.api_key_header] = api_key
        self.sleep = sleep
        self.rng = rng if rng is not None else random.Random()
        #: Every wait taken, in seconds (for progress reporting and tests).
        self.waits: list[float] = []

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.config.backoff_max_s, self.config.backoff_base_s * (2**attempt))
        return self.rng.uniform(0, ceiling)

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """The decoded JSON body of ``GET base_url + path``; raises a ``ConnectorError`` subclass."""
        return self.json_of(self.get(path, params))

    def json_of(self, response: requests.Response) -> Any:
        """A response's decoded JSON body; ``BadPageError`` naming the path when it is not JSON."""
        try:
            return response.json()
        except ValueError:
            path = urlsplit(response.url).path
            raise BadPageError(f"{self.silo}: GET {path} returned a body that is not JSON") from None

    def _url(self, path: str) -> tuple[str, str]:
        """(URL, path for messages). A full URL (a Link header's) must stay on the silo's origin."""
        if not path.startswith(("http://", "https://")):
            return self.base_url + path, path
        wanted, got = urlsplit(self.base_url), urlsplit(path)
        if (got.scheme, got.netloc) != (wanted.scheme, wanted.netloc):
            raise BadPageError(f"{self.silo}: a page links to another origin; the key is not sent there")
        return path, got.path

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> requests.Response:
        """A successful response, after the retries the policy allows.

        ``path`` is relative to ``base_url``, or a full URL on the same origin (a next-page link).
        """
        url, path = self._url(path)
        waited = 0.0
        attempts = self.config.max_retries + 1
        problem = ""
        for attempt in range(attempts):
            retry_after: float | None = None
            try:
                response = self.session.get(
                    url,
                    params=dict(params or {}),
                    headers=self._headers,
                    timeout=(self.config.connect_timeout_s, self.config.timeout_s),
                )
            except (requests.ConnectionError, requests.Timeout) as error:
                problem = "timed out" if isinstance(error, requests.Timeout) else "connection failed"
            else:
                action = action_for(response.status_code)
                if action is Action.OK:
                    return response
                response.close()
                if action is Action.CREDENTIALS:
                    raise FatalError(f"credentials rejected by {self.silo} (HTTP {response.status_code} on {path})")
                if action is Action.FAIL:
                    raise FatalError(f"{self.silo}: GET {path} failed with HTTP {response.status_code}")
                problem = f"HTTP {response.status_code}"
                retry_after = _retry_after(response)
            if attempt == attempts - 1:
                break
            delay = retry_after if retry_after is not None else self._backoff(attempt)
            if waited + delay > self.config.max_wait_s:
                raise RetriableError(
                    f"{self.silo}: GET {path} {problem}; waiting {delay:.1f}s more would exceed "
                    f"max_wait_s={self.config.max_wait_s:g}"
                )
            self.waits.append(delay)
            self.sleep(delay)
            waited += delay
        raise RetriableError(f"{self.silo}: GET {path} {problem} after {attempts} attempts")

    def close(self) -> None:
        """Close the session if this client created it; an injected session belongs to the caller."""
        if self._own_session:
            self.session.close()
