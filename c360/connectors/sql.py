"""Declarative SQL streams: keyset pagination over a table or any SELECT, through SQLAlchemy.

A stream names its ``table`` (or overrides ``selectable`` for a join), its
``primary_key`` and ``cursor_field``; each page is::

    SELECT ... WHERE (cursor_field, pk...) > (:value, :key...) ORDER BY cursor_field, pk... LIMIT :n

so a page costs one index range scan however deep the read, and the cursor
saved after a page is exactly the position of its last row. The cursor
column is compared in the database's own order: keep it a canonical ISO-8601
text, a timestamp or a number.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import requests
from pydantic import BaseModel
from sqlalchemy import Engine, Select, column, create_engine, literal_column, select, table, tuple_
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from c360.connectors.base import Connector, Page, Stream
from c360.connectors.config import SqlConfig, secret_from_env
from c360.connectors.errors import ConfigError, FatalError, RetriableError
from c360.connectors.pagination import Keyset

__all__ = ["SqlStream", "SqlConnector"]


def _reason(error: SQLAlchemyError) -> str:
    """The driver's first line, short: names tables and columns, never row values for a SELECT."""
    original = getattr(error, "orig", None) or error
    return str(original).splitlines()[0][:200] if str(original) else type(original).__name__


class SqlStream(Stream):
    """Rows of one table (or SELECT) read in keyset pages."""

    table: ClassVar[str]
    #: Columns to read; empty reads all columns of ``table``.
    columns: ClassVar[tuple[str, ...]] = ()
    cursor_field: ClassVar[str | None] = "updated_at"

    def __init__(self, engine: Engine, *, page_size: int, silo: str, database_file: Path | None = None) -> None:
        self.engine = engine
        self.page_size = page_size
        self.silo = silo
        #: For file databases (SQLite): connecting would create a missing file, so check it first.
        self.database_file = database_file

    def _require_file(self) -> None:
        if self.database_file is not None and not self.database_file.is_file():
            raise FatalError(f"{self.silo}: database file {self.database_file} does not exist")

    @property
    def label(self) -> str:
        return f"{self.silo}/{self.name}"

    def selectable(self) -> Select[Any]:
        """The rows of this stream, unordered and unpaged; override for joins."""
        source = table(self.table, *(column(name) for name in self.columns))
        return select(*source.c) if self.columns else select(literal_column("*")).select_from(source)

    def _page_query(self, keyset: Keyset) -> Select[Any]:
        rows = self.selectable().subquery("rows")
        order = [column(name) for name in (keyset.cursor_field, *self.primary_key)]
        query = select(literal_column("*")).select_from(rows).order_by(*order).limit(self.page_size)
        if keyset.cursor is not None:
            key = keyset.cursor["key"]
            keys = key if isinstance(key, list) else [key]
            query = query.where(tuple_(*order) > tuple_(keyset.cursor[self.cursor_field], *keys))
        return query

    def read(self, cursor: Mapping[str, Any] | None, *, full: bool = False) -> Iterator[Page]:
        if self.cursor_field is None:
            raise FatalError(f"{self.label}: a SQL stream needs a cursor_field for keyset paging")
        self._require_file()
        keyset = Keyset(self.label, self.cursor_field, self.primary_key, None if full else cursor)
        number = 0
        while True:
            number += 1
            where = f"{self.label} page {number}"
            try:
                with self.engine.connect() as connection:
                    rows = [dict(row._mapping) for row in connection.execute(self._page_query(keyset))]
            except OperationalError as error:
                raise RetriableError(f"{where}: database unavailable ({_reason(error)})") from None
            except SQLAlchemyError as error:
                raise FatalError(f"{where}: query failed ({_reason(error)})") from None
            records = keyset.take(rows, where)
            if records:
                yield Page(records=records, cursor=keyset.cursor, label=where)
            if len(rows) < self.page_size:
                return

    def probe(self) -> None:
        """Run the stream's query for zero rows: proves the table and columns exist."""
        self._require_file()
        try:
            with self.engine.connect() as connection:
                connection.execute(self.selectable().limit(0)).all()
        except SQLAlchemyError as error:
            raise FatalError(f"{self.label}: {_reason(error)}") from None


class SqlConnector(Connector):
    """A connector whose streams are ``SqlStream`` classes over one SQLAlchemy engine."""

    config_model: ClassVar[type[BaseModel]] = SqlConfig
    kind: ClassVar[str] = "sql"
    stream_classes: ClassVar[Sequence[type[SqlStream]]] = ()

    def __init__(self, instance: str, config: BaseModel, *, http: requests.Session | None = None) -> None:
        super().__init__(instance, config, http=http)
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
            self.engine = create_engine(url, pool_pre_ping=True)
        except (ArgumentError, ImportError) as error:
            name = "unknown database driver" if isinstance(error, ImportError) else "unusable database URL"
            raise ConfigError(f"[connectors.{instance}] dsn: {name} ({url.drivername})") from None
        database = url.database
        is_file = url.get_backend_name() == "sqlite" and bool(database) and database != ":memory:"
        self.database_file = Path(database) if is_file and database else None
        self._streams = [
            cls(self.engine, page_size=config.page_size, silo=instance, database_file=self.database_file)
            for cls in self.stream_classes
        ]

    def streams(self) -> Sequence[SqlStream]:
        return list(self._streams)

    def check(self) -> None:
        if self.database_file is not None and not self.database_file.is_file():
            raise FatalError(f"{self.instance}: database file {self.database_file} does not exist")
        try:
            with self.engine.connect():
                pass
        except SQLAlchemyError as error:
            raise FatalError(f"{self.instance}: cannot connect ({_reason(error)})") from None
        for stream in self._streams:
            stream.probe()

    def close(self) -> None:
        self.engine.dispose()
