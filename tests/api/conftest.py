"""API test fixtures: async sessions on the test database, a statement counter, a GraphQL runner."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import Session

from hub.auth import ALL_SCOPES, Caller
from hub.config import Settings
from hub.db import create_async_db_engine
from schema import HubContext, build_schema

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


class Api:
    """Executes GraphQL against the schema (no HTTP), counting the SQL statements it runs."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.statements = 0
        self.caller = FULL_ACCESS

    def run(self, work: Callable[[async_sessionmaker[Any]], Awaitable[T]]) -> T:
        async def main() -> T:
            engine = create_async_db_engine(self.database_url)

            def count(*_args: Any) -> None:
                self.statements += 1

            event.listen(engine.sync_engine, "before_cursor_execute", count)
            try:
                return await work(async_sessionmaker(engine, expire_on_commit=False))
            finally:
                await engine.dispose()

        return asyncio.run(main())

    def execute(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        async def work(sessions: async_sessionmaker[Any]) -> Any:
            context = HubContext(request=None, response=None, sessions=sessions, settings=Settings(database_url=self.database_url))
            context.caller = self.caller
            self.statements = 0
            return await SCHEMA.execute(query, variable_values=variables, context_value=context)

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
