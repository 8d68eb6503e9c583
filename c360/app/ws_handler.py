"""strawberry's graphql-transport-ws handler, with each socket bound to the life of its credential and its
operations paid for from the caller's request budget.

Once ``connection_init`` is accepted the socket is watched by the app's
:class:`~c360.hub.auth.open_sockets.OpenSockets`; when its token expires or its key is revoked the
socket's operations are cancelled (nothing more is sent) and it is closed with 4403, the code a
refused ``connection_init`` gets. The client must connect again with a valid credential. A
``connection_init`` whose credential cannot be checked (the database does not answer) is closed with
1013 ("try again later"), as HTTP answers 503: the credential may well be good. Each ``subscribe``
message (a subscription, or a query or mutation sent over the socket) takes a token from the
caller's request limiter, the one the HTTP gate uses; when it is spent the operation gets an
``error`` message with ``RATE_LIMITED`` and ``retryAfter``, and the socket stays open.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    ErrorMessage,
    SubscribeMessage,
)

from c360.hub.auth.authenticate import CredentialsUnavailable
from c360.hub.auth.open_sockets import OpenSocket, OpenSockets
from c360.hub.auth.ratelimit import RateLimiter

__all__ = ["CREDENTIAL_ENDED", "CREDENTIALS_UNAVAILABLE", "CredentialBoundHandler"]

CREDENTIAL_ENDED = 4403  # as for a refused connection_init: the credential is no good (any more)
CREDENTIALS_UNAVAILABLE = 1013  # RFC 6455 "try again later": the credential could not be checked

log = logging.getLogger(__name__)


class CredentialBoundHandler(BaseGraphQLTransportWSHandler[Any, None]):
    watched: OpenSocket | None = None
    credential_ended = False

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        try:
            await super().handle_connection_init(message)
        except CredentialsUnavailable as exc:
            log.warning("could not check a WebSocket's credential: the database did not answer (%s)", type(exc).__name__)
            with contextlib.suppress(Exception):  # the client may have gone already
                await self.websocket.close(code=CREDENTIALS_UNAVAILABLE, reason="the hub cannot check credentials right now; retry later")
            return
        sockets: OpenSockets | None = getattr(self.view, "open_sockets", None)
        caller = getattr(self.context, "caller", None)
        if self.connection_acknowledged and self.watched is None and sockets is not None and caller is not None:
            self.watched = sockets.watch(caller, self.close_for)

    async def close_for(self, reason: str) -> None:
        """Stop every operation, then close the socket with 4403 and ``reason``."""
        log.info("closing a WebSocket of %s: %s", getattr(self.context.caller, "name", "?"), reason)
        self.credential_ended = True
        for operation_id in list(self.operations):
            await self.cleanup_operation(operation_id)
        with contextlib.suppress(Exception):  # the client may have gone already
            await self.websocket.close(code=CREDENTIAL_ENDED, reason=reason)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if self.credential_ended:
            return  # the socket is being closed: nothing starts on it any more
        wait = self._rate_limited()
        if wait:
            await self.send_message(ErrorMessage(id=message["id"], type="error", payload=[{
                "message": "too many requests; retry later",
                "extensions": {"code": "RATE_LIMITED", "retryAfter": max(1, int(wait))},
            }]))
            return
        await super().handle_subscribe(message)

    def _rate_limited(self) -> float:
        """Seconds to wait when the caller's request budget is spent: an operation over the socket costs what
        an HTTP request does (a query or a mutation over graphql-transport-ws passed no limit before)."""
        limiter: RateLimiter | None = getattr(self.view, "request_limiter", None)
        caller = getattr(self.context, "caller", None)
        if limiter is None or caller is None:
            return 0
        return limiter.take(caller.name)

    async def shutdown(self) -> None:
        if self.watched is not None:
            self.watched.forget()
        await super().shutdown()
