"""Database access: engines for SQLite and PostgreSQL, sessions, migrations."""

from c360.hub.db.engine import (
    DatabaseError,
    DatabaseUnavailable,
    InvalidDatabaseUrl,
    SchemaOutdated,
    async_url,
    create_async_db_engine,
    create_db_engine,
    describe_url,
    is_postgres,
    ping,
    sync_url,
)

__all__ = [
    "DatabaseError",
    "DatabaseUnavailable",
    "InvalidDatabaseUrl",
    "SchemaOutdated",
    "async_url",
    "create_async_db_engine",
    "create_db_engine",
    "describe_url",
    "is_postgres",
    "ping",
    "sync_url",
]
