"""Bulk INSERT and UPDATE of many rows, straight through the driver: SQLite's ``executemany``, PostgreSQL's ``COPY``.

SQLAlchemy's per-row parameter handling was most of the cost of the identity hook's writes
(blocking keys, goldens, cross-references, facts' golden ids), and a tenth of an import's (new
source records and their identifiers). The rows go to the driver as tuples, each value bound by
its column type's own (public) bind processor, so the stored value is what the Core statement
writes (tested in ``tests/identity/test_golden_writes.py`` and ``test_bulk_writes.py``). Inserts
on PostgreSQL go through ``COPY`` (psycopg's synchronous connection; any other driver gets the
portable Core statement), updates through the portable Core statement. Column defaults are not
filled in: a row must give every column that has one, on every database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cache
from operator import itemgetter
from typing import Any, cast

import psycopg
from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

__all__ = ["insert_many", "update_many"]

_BATCH = 1000  # rows per Core executemany


def insert_many(
    session: Session, table: Table, rows: Sequence[Mapping[str, Any]] | Sequence[Sequence[Any]],
    columns: Sequence[str] | None = None,
) -> None:
    """INSERT ``rows``: dicts with the same keys, or (given ``columns``) tuples in that column order.

    Tuples are cheaper to build for many narrow rows (blocking keys). Straight through the driver
    (SQLite's executemany, PostgreSQL's COPY), each value bound by its column type's own bind
    processor, so what is stored is what ``insert(table)`` writes; elsewhere the portable Core statement.
    """
    if not rows:
        return
    names = tuple(rows[0]) if columns is None else tuple(columns)
    _check_defaults(table, names)  # on every database, so what runs on one runs on the other
    connection = session.connection()
    dialect = connection.dialect
    driver = connection.connection.dbapi_connection
    if dialect.name == "sqlite":
        sql = f"INSERT INTO {_target(dialect, table, names)} VALUES ({', '.join('?' * len(names))})"
        connection.exec_driver_sql(sql, _driver_rows(dialect, table, names, rows, columns))
        return
    if isinstance(driver, psycopg.Connection):
        _copy(connection, driver, _target(dialect, table, names), _driver_rows(dialect, table, names, rows, columns))
        return
    for start in range(0, len(rows), _BATCH):
        batch = rows[start : start + _BATCH]
        session.execute(
            insert(table),
            cast(Sequence[Mapping[str, Any]], batch) if columns is None else [dict(zip(columns, row, strict=True)) for row in batch],
        )


def _target(dialect: Dialect, table: Table, names: Sequence[str]) -> str:
    """``table (column, ...)``, quoted for ``dialect``: what an INSERT or a COPY writes into."""
    return f"{dialect.identifier_preparer.format_table(table)} ({', '.join(map(dialect.identifier_preparer.quote, names))})"


def _driver_rows(
    dialect: Dialect, table: Table, names: Sequence[str],
    rows: Sequence[Mapping[str, Any]] | Sequence[Sequence[Any]], columns: Sequence[str] | None,
) -> Sequence[Sequence[Any]]:
    """The rows as the driver takes them, each value bound by its column type (``columns`` says which shape ``rows`` has)."""
    if columns is None:
        return _bound(dialect, table, names, cast(Sequence[Mapping[str, Any]], rows))
    return _bound_tuples(dialect, table, names, cast(Sequence[Sequence[Any]], rows))


def _copy(connection: Connection, driver: psycopg.Connection[Any], target: str, rows: Sequence[Sequence[Any]]) -> None:
    """PostgreSQL: the rows through ``COPY target FROM STDIN`` in the session's transaction.

    An executemany is one INSERT per row on the server (parsed, planned and executed each);
    COPY is one statement for them all, and was most of what an import waited for (an import of
    64,400 parties wrote 560,000 rows: 30 s of waiting on executemany). The driver's errors
    leave as SQLAlchemy's, as any statement's do, and a lost connection is invalidated.
    """
    dialect = connection.dialect
    statement = f"COPY {target} FROM STDIN"
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except psycopg.Error as error:
        lost = dialect.is_disconnect(cast(Any, error), connection.connection, None)
        if lost:
            connection.invalidate(error)
        raise DBAPIError.instance(statement, None, error, psycopg.Error, connection_invalidated=lost, dialect=dialect) from error


def update_many(session: Session, table: Table, key: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """UPDATE, for each row, its other columns where ``key`` equals its value (driver path on SQLite, as inserts)."""
    if not rows:
        return
    columns = tuple(name for name in rows[0] if name != key)
    dialect = session.get_bind().dialect
    if dialect.name == "sqlite":
        quote = dialect.identifier_preparer.quote
        sql = (
            f"UPDATE {dialect.identifier_preparer.format_table(table)} SET {', '.join(f'{quote(c)} = ?' for c in columns)} "
            f"WHERE {quote(key)} = ?"
        )
        session.connection().exec_driver_sql(sql, _bound(dialect, table, (*columns, key), rows))
        return
    statement = update(table).where(table.c[key] == bindparam("b_key", type_=table.c[key].type)).values(
        {name: bindparam(f"v_{name}", type_=table.c[name].type) for name in columns}
    )
    params = [{"b_key": row[key], **{f"v_{name}": row[name] for name in columns}} for row in rows]
    for start in range(0, len(params), _BATCH):
        session.execute(statement, params[start : start + _BATCH])


@cache
def _defaulted(table: Table) -> frozenset[str]:
    return frozenset(c.name for c in table.columns if c.default is not None)


def _check_defaults(table: Table, names: Sequence[str]) -> None:
    """The driver path writes only the columns given; a column with a Python-side default must be given too.

    ``insert(table)`` would fill such a column in; here it would be NULL (or fail), so say so at once.
    """
    missing = _defaulted(table) - set(names)
    if missing:
        raise ValueError(f"insert_many into {table.name} needs a value for every column with a default: {sorted(missing)}")


def _bound(dialect: Dialect, table: Table, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    """The rows as driver parameter tuples (in ``columns`` order), bound column by column."""
    if len(columns) == 1:
        by_column: list[Sequence[Any]] = [[row[columns[0]] for row in rows]]
    else:
        by_column = list(zip(*map(itemgetter(*columns), rows), strict=True))
    return _bind_columns(dialect, table, columns, by_column)


def _bound_tuples(
    dialect: Dialect, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]],
) -> Sequence[Sequence[Any]]:
    """Tuple rows as driver parameters: as given when no column's type binds (integers, text), else bound column by column."""
    if all(_processor(table.c[name].type, dialect) is None for name in columns):
        return rows
    return _bind_columns(dialect, table, columns, list(zip(*rows, strict=True)))


def _bind_columns(
    dialect: Dialect, table: Table, columns: Sequence[str], by_column: Sequence[Sequence[Any]],
) -> list[tuple[Any, ...]]:
    """Column-wise values (in ``columns`` order) bound by their types, back as row tuples for the driver."""
    return list(zip(*(_bind_values(table.c[name].type, dialect, values) for name, values in zip(columns, by_column, strict=True)), strict=True))


def _processor(type_: TypeEngine[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    return type_.dialect_impl(dialect).bind_processor(dialect)


def _bind_values(type_: TypeEngine[Any], dialect: Dialect, values: Sequence[Any]) -> Sequence[Any]:
    """``values`` as the column type binds them on this dialect (JSON text, naive-UTC timestamp text, 0/1, ...)."""
    process = _processor(type_, dialect)
    if process is None:
        return values
    bound: dict[int, Any] = {}  # by identity: a value every row shares (the batch's ``now``) is bound once
    out = []
    for value in values:
        if type(value) in _CONTAINERS:  # JSON objects and arrays: each its own
            out.append(process(value))
            continue
        key = id(value)
        if key not in bound:
            bound[key] = process(value)
        out.append(bound[key])
    return out


_CONTAINERS = (dict, list)
