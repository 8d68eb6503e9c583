"""A request's connection: reads in autocommit without a ping, a dead connection retried once, writes in one transaction."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import create_engine, text

from c360.hub.db import create_async_db_engine
from c360.hub.db.request_connection import RequestConnection


def test_reads_hold_nothing_between_statements_and_writes_commit_together(database_url: str) -> None:
    async def main() -> tuple[list[int], int, bool]:
        engine = create_async_db_engine(database_url)
        db = RequestConnection(engine)
        try:
            first = [row[0] for row in await db.execute(text("SELECT 1"))]
            idle = engine.sync_engine.pool.checkedout()  # given back once no statement runs
            async with db.transaction() as connection:
                await connection.execute(
                    text(
                        "INSERT INTO api_key (key_id, name, salt, key_hash, scopes, created_at) "
                        "VALUES ('k1', 'n', 's', 'h', '[]', CURRENT_TIMESTAMP)"
                    )
                )
                with pytest.raises(RuntimeError):
                    await db.execute(text("SELECT 1"))  # reads go through the transaction while it is open
            try:
                async with db.transaction() as connection:
                    await connection.execute(
                        text(
                            "INSERT INTO api_key (key_id, name, salt, key_hash, scopes, created_at) "
                            "VALUES ('k2', 'n', 's', 'h', '[]', CURRENT_TIMESTAMP)"
                        )
                    )
                    raise LookupError("rolled back")
            except LookupError:
                pass
            keys = [row[0] for row in await db.execute(text("SELECT key_id FROM api_key ORDER BY key_id"))]
            return first, idle, keys == ["k1"]
        finally:
            await db.close()
            await engine.dispose()

    first, idle, committed_one = asyncio.run(main())
    assert first == [1] and idle == 0 and committed_one


@pytest.mark.postgres_only
def test_a_dead_connection_is_retried_once_without_a_ping(database_url: str) -> None:
    admin = create_engine(
        database_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )

    async def main() -> tuple[int, int]:
        engine = create_async_db_engine(database_url)
        db = RequestConnection(engine)
        try:
            (backend,) = [row[0] for row in await db.execute(text("SELECT pg_backend_pid()"))]
            with admin.connect() as connection:  # the server drops the pooled connection, as a restart would
                connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
            (again,) = [row[0] for row in await db.execute(text("SELECT pg_backend_pid()"))]
            return backend, again
        finally:
            await db.close()
            await engine.dispose()

    try:
        backend, again = asyncio.run(main())
    finally:
        admin.dispose()
    assert again != backend


@pytest.mark.postgres_only
def test_the_api_plans_a_prepared_statement_once(database_url: str) -> None:
    async def main() -> tuple[str, str]:
        engine = create_async_db_engine(database_url)
        try:
            async with engine.connect() as connection:
                mode = (await connection.execute(text("SHOW plan_cache_mode"))).scalar_one()
                path = (await connection.execute(text("SHOW search_path"))).scalar_one()
                return mode, path
        finally:
            await engine.dispose()

    mode, path = asyncio.run(main())
    assert mode == "force_generic_plan"
    assert "c360_test_" in path  # options given in the URL are kept
