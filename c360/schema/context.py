"""Per-request GraphQL context: built fresh for every request, nothing cached across requests.

For a WebSocket the context lives as long as the connection, so it also
counts the connection's open subscriptions. ``caller`` is who is asking, as
authentication found it (``c360.hub.auth``); ``lookups`` counts each caller's
look-ups by phone or ID number (``c360.schema.permissions``); ``audit`` is the app's
audit writer (``c360.hub.auth.audit_writer``) and ``writer`` its writer of channel events
(``c360.hub.events.writer``), both shared by all requests of the process.
``db`` is the request's one database connection (``c360.hub.db.request_connection``): the loaders read
through it, and a mutation that wants its writes on it asks ``db.transaction()``; it is given back
when the operation ends (``c360.schema.build.RequestConnectionScope``). ``reads`` holds the app's compiled
view statements, shared by its requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeAlias

import strawberry
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from c360.config import Settings
from c360.hub.auth.audit_writer import AuditWriter
from c360.hub.auth.ratelimit import RateLimiter
from c360.hub.auth.scopes import ANONYMOUS, Caller
from c360.hub.db.request_connection import RequestConnection
from c360.hub.events.notify import EventNotifier
from c360.hub.events.writer import EventWriter
from c360.resolvers.loaders import Loaders, ViewReads
from c360.resolvers.plan import CustomerPlan

__all__ = ["HubContext", "Caller", "Info", "ANONYMOUS"]


@dataclass
class HubContext:
    request: Request | WebSocket | None
    response: Response | WebSocket | None  # strawberry gives a subscription its socket here
    sessions: async_sessionmaker[AsyncSession]
    settings: Settings
    notifier: EventNotifier | None = None
    caller: Caller = ANONYMOUS
    lookups: RateLimiter | None = None
    connection_params: dict[str, object] | None = None  # a WebSocket's connection_init payload
    audit: AuditWriter | None = None  # the process's audit writer; None: audit rows are written inline
    reads: ViewReads | None = None  # the app's compiled view statements (None: this context's own)
    read_engine: AsyncEngine | None = None  # the app's engine of autocommit connections (None: the sessions' engine)
    writer: EventWriter | None = None  # the process's event writer; None: events are written through ``sessions``
    db: RequestConnection = field(init=False)
    plans: dict[Any, CustomerPlan] = field(default_factory=dict, init=False)  # by field path (c360.schema.planning)
    open_subscriptions: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        if self.read_engine is not None:
            self.db = RequestConnection(self.read_engine, autocommit=True)
        else:
            self.db = RequestConnection(self.sessions.kw["bind"])

    @cached_property
    def loaders(self) -> Loaders:
        """Made when a resolver first reads through them: a mutation that only writes never builds its DataLoaders."""
        return Loaders(self.db, self.reads or ViewReads())


Info: TypeAlias = strawberry.Info[HubContext, None]
