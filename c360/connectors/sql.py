"""Declarative SQL streams: keyset pages over a table or any SELECT, through SQLAlchemy.

A stream names its ``table`` (or overrides ``selectable`` for a join), its
envelope and ``map``; its ``paginator`` (``CursorColumnPaginator``) pages on
(``cursor_field``, primary key), so the cursor saved after a page is exactly
the position of its last row. The cursor column is compared in the
database's own order: keep it a canonical ISO-8601 text, a timestamp or a number.

The streams' client is a ``Database``: the engine, plus the file check that
keeps SQLite from creating a database that is not there.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel
from sqlalchemy import Engine, Select, column, create_engine, literal_column, select, table
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from c360.connectors.base import Connector, Page, Stream
from c360.connectors.config import SqlConfig, secret_from_env
from c360.connectors.errors import ConfigError, FatalError, RetriableError
from c360.connectors.pagination import Keyset, keyset_pages
from c360.connectors.paginators import CursorColumnPaginator, Paginator, SqlPages

__all__ = ["Database", "SqlStream", "SqlConnector"]

SC = TypeVar("SC", bound=SqlConfig)


def _reason(error: SQLAlchemyError) -> str:
    """The driver's first line, short: names tables and columns, never row values for a SELECT."""
    original = getattr(error, "orig", None) or error
    return str(original).splitlines()[0][:200] if str(original) else type(original).__name__


class Database:
    """The SQL streams' client: one SQLAlchemy engine and, for a SQLite file, that file."""

    def __init__(self, silo: str, url: URL) -> None:
        self.silo = silo
        self.engine: Engine = create_engine(url, pool_pre_ping=True)
        database = url.database
        is_file = url.get_backend_name() == "sqlite" and bool(database) and database != ":memory:"
        #: Connecting would create a missing SQLite file, so reads check it first.
        self.database_file = Path(database) if is_file and database else None

    def require_file(self) -> None:
        if self.database_file is not None and not self.database_file.is_file():
            raise FatalError(f"{self.silo}: database file {self.database_file} does not exist")

    def rows(self, query: Select[Any], where: str) -> list[dict[str, Any]]:
        """The query's rows as dicts; a lost database is retriable, a broken query fatal."""
        self.require_file()
        try:
            with self.engine.connect() as connection:
                return [dict(row._mapping) for row in connection.execute(query)]
        except OperationalError as error:
            raise RetriableError(f"{where}: database unavailable ({_reason(error)})") from None
        except SQLAlchemyError as error:
            raise FatalError(f"{where}: query failed ({_reason(error)})") from None

    def check(self, label: str, query: Select[Any]) -> None:
        """Run ``query`` for zero rows: proves its tables and columns exist."""
        self.require_file()
        try:
            with self.engine.connect() as connection:
                connection.execute(query.limit(0)).all()
        except SQLAlchemyError as error:
            raise FatalError(f"{label}: {_reason(error)}") from None

    def close(self) -> None:
        self.engine.dispose()


class SqlStream(Stream[SC, Database]):
    """Rows of one table (or SELECT) read in keyset pages."""

    table: ClassVar[str]
    #: Columns to read; empty reads all columns of ``table``.
    columns: ClassVar[tuple[str, ...]] = ()
    cursor_field: ClassVar[str | None] = "updated_at"
    paginator: ClassVar[Paginator[SqlPages]] = CursorColumnPaginator()

    def selectable(self) -> Select[Any]:
        """The rows of this stream, unordered and unpaged; override for joins."""
        source = table(self.table, *(column(name) for name in self.columns))
        return select(*source.c) if self.columns else select(literal_column("*")).select_from(source)

    def read(self, cursor: Mapping[str, Any] | None, *, full: bool = False) -> Iterator[Page]:
        if self.cursor_field is None:
            raise FatalError(f"{self.label}: a SQL stream needs a cursor_field for keyset paging")
        self.client.require_file()
        keyset = Keyset(self.label, self.cursor_field, self.primary_key, None if full else cursor)
        order = (self.cursor_field, *self.primary_key)
        request = SqlPages(self.client, self.selectable(), order, self.config.page_size, self.label, keyset.after())
        yield from keyset_pages(self.label, self.paginator.pages(request), keyset)

    def probe(self) -> None:
        self.client.check(self.label, self.selectable())


class SqlConnector(Connector):
    """A connector whose streams are ``SqlStream`` classes over one ``Database``; no HTTP involved."""

    config_model: ClassVar[type[BaseModel]] = SqlConfig
    kind: ClassVar[str] = "sql"

    def __init__(self, instance: str, config: BaseModel) -> None:
        super().__init__(instance, config)
        if not isinstance(config, SqlConfig):
            raise ConfigError(f"[connectors.{instance}] expects a SQL configuration")
        try:
            url = make_url(config.dsn)
        except ArgumentError:
            raise ConfigError(f"[connectors.{instance}] dsn: not a database URL") from None
        if config.password_env:
            url = url.set(password=secret_from_env(instance, "password_env", config.password_env))
        self.url = url
        try:
            self.client: Database = Database(instance, url)
        except (ArgumentError, ImportError) as error:
            name = "unknown database driver" if isinstance(error, ImportError) else "unusable database URL"
            raise ConfigError(f"[connectors.{instance}] dsn: {name} ({url.drivername})") from None

    @property
    def engine(self) -> Engine:
        return self.client.engine

    def check(self) -> None:
        self.client.require_file()
        try:
            with self.engine.connect():
                pass
        except SQLAlchemyError as error:
            raise FatalError(f"{self.instance}: cannot connect ({_reason(error)})") from None
        for stream in self.streams():
            if isinstance(stream, SqlStream):
                stream.probe()

    def close(self) -> None:
        self.client.close()
