"""The Starlette application: GraphQL (with GraphiQL), the console, liveness and readiness probes."""

from __future__ import annotations

import contextlib
import gc
import json
import logging
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

from cross_web import HTTPException  # what strawberry's HTTP view raises to refuse a request
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError

from c360 import __version__
from c360.app.console import graphiql_page, web_routes
from c360.app.ws_handler import CredentialBoundHandler
from c360.config import Settings
from c360.hub.auth import Authenticator, RateLimiter, Unauthenticated, credential_from_params
from c360.hub.auth.audit_writer import AuditWriter
from c360.hub.auth.key_cache import RevocationListener
from c360.hub.auth.middleware import CALLER_KEY, AuthGate, refusal
from c360.hub.auth.open_sockets import OpenSockets
from c360.hub.auth.ratelimit import caller_limiter
from c360.hub.db import DatabaseError, create_async_db_engine, create_db_engine, ping
from c360.hub.db.migrate import current_revision, head_revision
from c360.hub.events import EventNotifier, EventWriter
from c360.hub.privacy import ErasureListener, forget_erased_values
from c360.resolvers.loaders import ViewReads
from c360.schema import HubContext, build_schema
from c360.schema.audit_ext import audit_rows_writer
from c360.schema.documents import ValidDocuments

__all__ = ["CONNECTION_INIT_TIMEOUT", "HubGraphQL", "create_app"]

log = logging.getLogger(__name__)

READ_POOL_SIZE = 20  # per process, all kept open (no overflow)
# A WebSocket that has not sent connection_init by then is closed (4408): an idle socket that never
# authenticates holds a connection slot for nothing (strawberry's default is 60 s).
CONNECTION_INIT_TIMEOUT = timedelta(seconds=10)


_REQUEST_ERRORS = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 415: "UNSUPPORTED_MEDIA_TYPE"}  # else BAD_REQUEST


class HubGraphQL(GraphQL[HubContext, None]):
    """Strawberry's ASGI app with a typed context built fresh for each request.

    HTTP callers are authenticated by :class:`c360.hub.auth.middleware.AuthGate`
    before they get here; WebSocket callers in ``connection_init``, and their sockets are then
    closed when the credential expires or is revoked (:mod:`c360.app.ws_handler`).
    """

    graphql_transport_ws_handler_class = CredentialBoundHandler

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        settings: Settings,
        notifier: EventNotifier | None = None,
        lookups: RateLimiter | None = None,
        audit: AuditWriter | None = None,
        read_engine: AsyncEngine | None = None,
        writer: EventWriter | None = None,
    ) -> None:
        schema = build_schema()
        super().__init__(
            schema,
            graphql_ide=None if settings.auth.production else "graphiql",
            subscription_protocols=("graphql-transport-ws",),
            connection_init_wait_timeout=CONNECTION_INIT_TIMEOUT,
        )
        self.documents = schema.documents  # emptied when another process erases someone
        self._sessions = sessions
        self._settings = settings
        self._notifier = notifier
        self._lookups = lookups or caller_limiter(settings, "lookups")
        self.request_limiter = caller_limiter(settings, "requests")  # per caller: the gate's, and each WebSocket operation's
        self._audit = audit
        self._reads = ViewReads()  # compiled view statements, shared by this app's requests
        self._read_engine = read_engine
        self._writer = writer
        self.authenticator = Authenticator(settings.auth, sessions)
        # A revocation reaches the sockets as fast as it reaches the key cache (c360.hub.auth.key_cache).
        self.open_sockets = OpenSockets(sessions.kw["bind"], poll_seconds=max(1.0, settings.auth.key_cache_seconds))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """As strawberry's, but a request its HTTP view refuses (not JSON, no query, a mutation over GET)
        gets the JSON error shape with a code, as the gate's refusals do, not a line of plain text."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as exc:
            response = refusal(exc.status_code, _REQUEST_ERRORS.get(exc.status_code, "BAD_REQUEST"), exc.reason)
        await response(scope, receive, send)

    def decode_json(self, data: str | bytes) -> object:
        """As strawberry's, but JSON nested deeper than Python's stack allows is malformed JSON (a 400 over HTTP,
        the invalid-message close on a socket), not a RecursionError answered with 500."""
        try:
            return json.loads(data)
        except RecursionError:
            text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
            raise json.JSONDecodeError("nested too deeply", text, 0) from None

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql_page()  # served with its assets from the hub: no CDN, works offline

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> HubContext:
        context = HubContext(
            request=request,
            response=response,
            sessions=self._sessions,
            settings=self._settings,
            notifier=self._notifier,
            audit=self._audit,
            reads=self._reads,
            read_engine=self._read_engine,
            writer=self._writer,
        )
        context.lookups = self._lookups
        caller = request.scope.get(CALLER_KEY)
        if caller is not None:
            context.caller = caller
        return context

    async def on_ws_connect(self, context: HubContext) -> dict[str, object] | None:  # type: ignore[override]
        try:
            context.caller = await self.authenticator.caller(credential_from_params(context.connection_params))
        except Unauthenticated as exc:
            log.info("refused WebSocket connection: %s", exc)  # strawberry closes it with 4403
            raise ConnectionRejectionError({"message": str(exc)}) from None
        return None


async def healthz(_request: Request) -> JSONResponse:
    """Liveness: the process answers. Never touches the database."""
    return JSONResponse({"status": "ok", "version": __version__})


def _readiness(url: str) -> tuple[int, dict[str, Any]]:
    """Whether the database answers and is migrated, for anyone to see: no host, port, user or database name.

    Why it is not ready (the driver's message names the server) goes to the log only.
    """
    try:
        engine = create_db_engine(url)
    except DatabaseError as exc:
        log.warning("not ready: %s", exc)
        return 503, {"status": "unavailable", "schema": "unknown", "reason": "the database is not configured correctly"}
    try:
        ping(engine)
        current, expected = current_revision(engine), head_revision()
    except (DatabaseError, SQLAlchemyError) as exc:
        log.warning("not ready: %s", exc if isinstance(exc, DatabaseError) else type(exc).__name__)
        return 503, {"status": "unavailable", "schema": "unknown", "reason": "the database does not answer"}
    else:
        if current == expected:
            return 200, {"status": "ready", "schema": "current", "schema_revision": current}
        log.warning("not ready: the database is at schema revision %s, this code expects %s", current, expected)
        return 503, {
            "status": "unavailable", "schema": "outdated", "schema_revision": current, "expected_revision": expected,
            "reason": "the database schema is not current; run `c360 db upgrade`",
        }
    finally:
        engine.dispose()


def _forgetting_erased(notifier: EventNotifier, documents: ValidDocuments) -> Callable[[], None]:
    """What to do when another process erased someone: drop this one's memos of raw values, its parsed
    query texts and the subscribers' shared tail of events (their erased text as it was)."""

    def forget() -> None:
        forget_erased_values()
        documents.clear()
        notifier.forget()

    return forget


def create_app(settings: Settings, *, engine: AsyncEngine | None = None) -> Starlette:
    """Build the hub's ASGI app; the database engine is created on startup and disposed on shutdown."""
    own_engine = engine is None
    async_engine = engine if engine is not None else create_async_db_engine(settings.database_url)
    sessions = async_sessionmaker(async_engine, expire_on_commit=False)
    # Requests read on connections kept in autocommit (c360.hub.db.request_connection): a pool of their own.
    # Nothing is open on such a connection when it comes back (a write transaction ends in its own
    # block, and the pool puts the connection back in autocommit), so the pool does not roll it back.
    # A connection is held only while a statement runs, but a worker with many requests in flight can
    # run that many at once. All twenty are kept open once opened: with ten kept and ten of overflow,
    # every burst opened and closed server backends, and at c=32 the workers sat idle a third of the
    # time (151-155 against 218-230 req/s, docs/benchmarks.md). The cap per process is what it was.
    read_engine = create_async_db_engine(
        settings.database_url, isolation_level="AUTOCOMMIT", pool_reset_on_return=None, pool_size=READ_POOL_SIZE,
        max_overflow=0,
    )
    notifier = EventNotifier(settings.database_url)
    audit = AuditWriter(audit_rows_writer(sessions))  # one per process: group-commits the access audit
    writer = EventWriter(sessions)  # one per process: channel events, on a pool of its own on PostgreSQL
    graphql = HubGraphQL(sessions, settings, notifier, audit=audit, read_engine=read_engine, writer=writer)
    gate = AuthGate(
        graphql,
        graphql.authenticator,
        graphql.request_limiter,  # one budget per caller for its HTTP requests and its WebSocket operations
        settings.auth.max_body_bytes,
        ide=not settings.auth.production,
    )

    async def readyz(_request: Request) -> JSONResponse:
        """Readiness: the database is reachable and migrated to the revision this code expects."""
        status, body = await run_in_threadpool(_readiness, settings.database_url)
        return JSONResponse(body, status_code=status)

    revocations = RevocationListener(settings.database_url, graphql.authenticator.keys, graphql.open_sockets.revoked)
    erasures = ErasureListener(settings.database_url, _forgetting_erased(notifier, graphql.documents))

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await notifier.start()
        await revocations.start()
        await graphql.open_sockets.start()
        await erasures.start()
        await audit.start()
        await writer.start()
        # Everything built at startup (schema, models, imported modules) lives as long as the process:
        # keep it out of the garbage collector's full passes, which otherwise stall every request
        # and subscriber for ~100 ms now and then (docs/benchmarks.md, subscribers).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            await writer.stop()
            await audit.stop()  # queued audit rows are written before the engine goes
            await graphql.open_sockets.stop()
            await erasures.stop()
            await revocations.stop()
            await notifier.stop()
            await read_engine.dispose()
            if own_engine:
                await async_engine.dispose()

    app = Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/graphql", gate, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            *web_routes(),
        ],
        lifespan=lifespan,
    )
    app.state.sessions = sessions
    app.state.read_engine = read_engine
    app.state.settings = settings
    app.state.notifier = notifier
    app.state.documents = graphql.documents
    app.state.audit = audit
    app.state.revocations = revocations
    app.state.erasures = erasures
    app.state.writer = writer
    return app
