"""The HTTP gate in front of ``/graphql``: body size, batching, authentication, rate limit.

Runs before GraphQL sees the request. Refusals are plain JSON with the
GraphQL error shape: 401 (UNAUTHENTICATED, with ``WWW-Authenticate``), 413
(body too large), 400 (a JSON array: batching is off; a JSON body that is not an
object, e.g. ``null``), 429 (with ``Retry-After``) and 503 (SERVICE_UNAVAILABLE, with
``Retry-After``: the database could not be asked whether the API key is valid). The caller
found is put in the ASGI scope under ``c360.caller`` for the GraphQL context. WebSockets pass through: they are
authenticated in ``connection_init`` (see :mod:`c360.app.factory`). An admitted request goes to the
GraphQL view with the body the gate read.

GET stays CSRF-safe: credentials are only read from headers (never cookies),
so a cross-site page cannot make a browser send them; mutations over GET are
refused by the GraphQL view itself.
"""

from __future__ import annotations

import logging

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from c360.hub.auth.authenticate import (
    Authenticator,
    CredentialsUnavailable,
    Unauthenticated,
    credential_from_headers,
)
from c360.hub.auth.ratelimit import RateLimiter

__all__ = ["AuthGate", "CALLER_KEY", "refusal"]

CALLER_KEY = "c360.caller"
UNAVAILABLE_RETRY_SECONDS = 5  # Retry-After when the key cannot be checked
log = logging.getLogger(__name__)


def refusal(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """A request refused before GraphQL runs: the GraphQL error shape, with a code, as JSON."""
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status, headers=headers)


def _json_body(headers: Headers) -> bool:
    """Whether the body is meant as JSON: said so, or not said (the GraphQL view reads it as JSON then)."""
    media = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return media in ("", "application/json") or media.endswith("+json")


class AuthGate:
    """Pure ASGI (no ``BaseHTTPMiddleware``): the body is read once and handed on."""

    def __init__(
        self,
        app: ASGIApp,
        authenticator: Authenticator,
        limiter: RateLimiter,
        max_body_bytes: int,
        ide: bool,
    ) -> None:
        self.app = app
        self.authenticator = authenticator
        self.limiter = limiter
        self.max_body_bytes = max_body_bytes
        self.ide = ide

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if self.ide and scope["method"] == "GET" and "text/html" in headers.get("accept", "") and not scope.get("query_string"):
            await self.app(scope, receive, send)  # the GraphiQL page itself holds no data
            return
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await refusal(413, "PAYLOAD_TOO_LARGE", f"request body over {self.max_body_bytes} bytes")(scope, receive, send)
            return
        body = b""
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_body_bytes:
                await refusal(413, "PAYLOAD_TOO_LARGE", f"request body over {self.max_body_bytes} bytes")(scope, receive, send)
                return
        start = body.lstrip()[:1]
        if start == b"[":
            await refusal(400, "BAD_REQUEST", "batched requests (a JSON array) are not accepted")(scope, receive, send)
            return
        if scope["method"] == "POST" and start != b"{" and _json_body(headers):
            # null, "x", 1, true: valid JSON the GraphQL view would fail on with a 500
            await refusal(400, "BAD_REQUEST", "the request body must be a JSON object with a 'query'")(scope, receive, send)
            return
        try:
            caller = await self.authenticator.caller(credential_from_headers(headers))
        except Unauthenticated as exc:
            log.info("refused unauthenticated request: %s", exc)
            await refusal(401, "UNAUTHENTICATED", str(exc), {"WWW-Authenticate": 'Bearer realm="c360"'})(scope, receive, send)
            return
        except CredentialsUnavailable as exc:
            log.warning("could not check an API key: the database did not answer (%s)", exc)
            await refusal(
                503, "SERVICE_UNAVAILABLE", "the hub cannot check credentials right now; retry later",
                {"Retry-After": str(UNAVAILABLE_RETRY_SECONDS)},
            )(scope, receive, send)
            return
        wait = self.limiter.take(caller.name)
        if wait:
            await refusal(429, "RATE_LIMITED", "too many requests; retry later", {"Retry-After": str(int(wait))})(scope, receive, send)
            return
        scope[CALLER_KEY] = caller

        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
