"""Per-request GraphQL context: built fresh for every request, nothing cached across requests.

For a WebSocket the context lives as long as the connection, so it also
counts the connection's open subscriptions. ``caller`` is who is asking, as
authentication found it (``hub.auth``); ``lookups`` counts each caller's
look-ups by phone or ID number (``schema.permissions``); ``audit`` is the app's
audit writer (``hub.auth.audit_writer``) and ``writer`` its writer of channel events
(``hub.events.writer``), both shared by all requests of the process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from hub.auth.audit_writer import AuditWriter
from hub.auth.ratelimit import RateLimiter
from hub.auth.scopes import ANONYMOUS, Caller
from hub.config import Settings
from hub.events.notify import EventNotifier
from hub.events.writer import EventWriter
from resolvers.loaders import Loaders

__all__ = ["HubContext", "Caller", "Info", "ANONYMOUS"]


@dataclass
class HubContext:
    request: Request | WebSocket | None
    response: Response | None
    sessions: async_sessionmaker[AsyncSession]
    settings: Settings
    notifier: EventNotifier | None = None
    caller: Caller = ANONYMOUS
    lookups: RateLimiter | None = None
    connection_params: dict[str, object] | None = None  # a WebSocket's connection_init payload
    audit: AuditWriter | None = None  # the process's audit writer; None: audit rows are written inline
    writer: EventWriter | None = None  # the process's event writer; None: events are written through ``sessions``
    loaders: Loaders = field(init=False)
    open_subscriptions: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.sessions)


Info: TypeAlias = strawberry.Info[HubContext, None]
