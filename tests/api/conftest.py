"""API test fixtures: async sessions on the test database, a round-trip counter, a GraphQL runner."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import Session

from c360.config import Settings
from c360.hub.auth import ALL_SCOPES, Caller
from c360.hub.auth.audit_writer import AuditWriter
from c360.hub.db import create_async_db_engine
from c360.schema import HubContext, build_schema
from c360.schema.audit_ext import audit_rows_writer
from tests.api import factory
from tests.helpers.subscriptions import Server

T = TypeVar("T")

SCHEMA = build_schema()

# Schema-level tests run as a channel holding every scope; tests/auth covers narrower callers.
FULL_ACCESS = Caller(name="tests", kind="channel", scopes=ALL_SCOPES - {"pii:read"})


@pytest.fixture
def seed(engine: Any) -> Callable[[Callable[[Session], T]], T]:
    """Run ``build(session)`` in one committed transaction and return what it returns."""

    def run(build: Callable[[Session], T]) -> T:
        with Session(engine, expire_on_commit=False) as session, session.begin():
            return build(session)

    return run


def _in_transaction(driver_connection: Any) -> bool:
    """Whether the driver's connection has a transaction open (PostgreSQL: a BEGIN was sent)."""
    info = getattr(driver_connection, "info", None)
    status = getattr(info, "transaction_status", None)
    if status is not None:
        return status.name != "IDLE"
    return bool(getattr(driver_connection, "in_transaction", False))


def count_round_trips(engine: Any, count: Callable[[], None]) -> None:
    """Call ``count`` for every round trip the engine makes to the database: each statement, the BEGIN
    psycopg sends before the first statement of a transaction, and each COMMIT or ROLLBACK (a pool's
    rollback on return included) that ends an open transaction."""
    sync_engine = engine.sync_engine

    def executed(connection: Any, *_args: Any) -> None:
        count()
        driver = connection.connection.driver_connection
        if getattr(driver, "info", None) is not None and not driver.autocommit and not _in_transaction(driver):
            count()  # psycopg sends BEGIN first

    def ended(connection: Any) -> None:
        if _in_transaction(connection.connection.driver_connection):
            count()

    def reset(dbapi_connection: Any, record: Any, _state: Any = None) -> None:
        if record.driver_connection is not None and _in_transaction(record.driver_connection):
            count()

    event.listen(sync_engine, "before_cursor_execute", executed)
    event.listen(sync_engine, "commit", ended)
    event.listen(sync_engine, "rollback", ended)
    event.listen(sync_engine.pool, "reset", reset)


class Api:
    """Executes GraphQL against the schema (no HTTP), counting the round trips to the database it makes.

    The access audit is written as the app writes it, by a background writer after the answer
    (its rows are committed before :meth:`execute` returns, after the count was taken).
    """

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.statements = 0  # round trips of the last execution, up to its answer
        self.caller = FULL_ACCESS

    def run(self, work: Callable[[async_sessionmaker[Any]], Awaitable[T]]) -> T:
        async def main() -> T:
            engine = create_async_db_engine(self.database_url)
            counted = {"n": 0}

            def count() -> None:
                counted["n"] += 1

            count_round_trips(engine, count)
            self._counted = counted
            try:
                return await work(async_sessionmaker(engine, expire_on_commit=False))
            finally:
                await engine.dispose()

        return asyncio.run(main())

    def execute(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        async def work(sessions: async_sessionmaker[Any]) -> Any:
            audit = AuditWriter(audit_rows_writer(sessions))
            await audit.start()
            context = HubContext(
                request=None, response=None, sessions=sessions, settings=Settings(database_url=self.database_url), audit=audit
            )
            context.caller = self.caller
            self._counted["n"] = 0
            try:
                result = await SCHEMA.execute(query, variable_values=variables, context_value=context)
                self.statements = self._counted["n"]
            finally:
                await audit.stop()
            return result

        return self.run(work)

    def data(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        result = self.execute(query, variables)
        assert result.errors is None, result.errors
        return result.data

    def error(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        result = self.execute(query, variables)
        assert result.errors, result.data
        return result.errors[0].extensions or {}


@pytest.fixture
def api(database_url: str) -> Iterator[Api]:
    yield Api(database_url)


@pytest.fixture
def customer_id(seed: Any) -> str:
    """One customer, for the tests that only need someone to record contacts for."""
    return seed(lambda s: factory.customer(s, "张伟").id)


@pytest.fixture
def server(database_url: str) -> Iterator[Server]:
    """A hub on loopback, in a thread of this process, for WebSocket clients."""
    with Server(database_url) as running:
        yield running
