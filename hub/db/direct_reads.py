"""The loaders' prebuilt SELECTs run straight on the SQLite driver, compiled once per statement.

For each execution SQLAlchemy looks the statement up in its compiled cache, builds an execution
context, a cursor result and its metadata: about 16 µs per statement on the bench machine, more
than SQLite takes to answer a page of the 360 view (docs/benchmarks.md). The statements of the
loaders are built once (``resolvers.pages``, ``resolvers.loaders``), so that work is the same every
time. :func:`prepared` compiles such a statement once and :meth:`DirectSelect.run` only binds the
parameters, runs the SQL on the connection's DBAPI cursor and turns each row through the column
types' result processors into a named tuple, which reads like a Core row (by attribute, by index,
unpacked). The engine's ``before_cursor_execute``/``after_cursor_execute`` listeners still see
every statement (statement counters in tests and the bench count the same as before).

A statement this cannot run exactly as SQLAlchemy would (an expanding ``IN`` list, a literal
rendered per execution, result columns that are not plain distinct names) is left to SQLAlchemy.
"""

from __future__ import annotations

import keyword
from collections import namedtuple
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select

__all__ = ["DirectSelect", "Rows", "prepared"]

_CACHE_LIMIT = 4096  # (statement, dialect) pairs kept compiled; the loaders build a few dozen statements


class Rows(list):  # type: ignore[type-arg]
    """The rows of a direct read, with the parts of SQLAlchemy's result the loaders use."""

    def first(self) -> Any:
        return self[0] if self else None

    def all(self) -> list[Any]:
        return list(self)

    def scalars(self) -> Iterator[Any]:
        return (row[0] for row in self)


@dataclass(frozen=True, eq=False)
class DirectSelect:
    """One SELECT compiled for one dialect: its SQL, how to bind its parameters and how to read its rows."""

    sql: str
    # Per positional parameter: its name, its bind processor and its value when the caller does not
    # give it (the statement's own literals, already processed).
    binds: tuple[tuple[str, Callable[[Any], Any] | None, Any], ...]
    required: frozenset[str]  # the parameters a caller must give
    row: type
    processors: tuple[Callable[[Any], Any] | None, ...]

    def accepts(self, parameters: dict[str, Any]) -> bool:
        """Whether ``parameters`` give every required value (else SQLAlchemy runs it, and says what is missing)."""
        return self.required.issubset(parameters)

    def run(self, connection: Connection, parameters: dict[str, Any]) -> Rows:
        arguments = [
            (parameters[name] if process is None else process(parameters[name])) if name in parameters else fixed
            for name, process, fixed in self.binds
        ]
        dispatch = connection.engine.dispatch
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            dispatch.before_cursor_execute(connection, cursor, self.sql, arguments, None, False)
            cursor.execute(self.sql, arguments)
            dispatch.after_cursor_execute(connection, cursor, self.sql, arguments, None, False)
            fetched = cursor.fetchall()
        finally:
            cursor.close()
        make, processors = self.row._make, self.processors  # type: ignore[attr-defined]
        if not any(processors):
            return Rows(map(make, fetched))
        return Rows(
            make([value if process is None or value is None else process(value) for process, value in zip(processors, raw)])
            for raw in fetched
        )


def _compile(statement: Select[Any], dialect: Any) -> DirectSelect | None:
    compiled = statement.compile(dialect=dialect)
    if compiled.positiontup is None or compiled.literal_execute_params or compiled.post_compile_params:
        return None
    for name, bind in compiled.binds.items():
        if bind.expanding or bind.literal_execute or bind.callable is not None or (not bind.unique and bind.key != name):
            return None
    columns = compiled._result_columns
    names = [column[0] for column in columns]
    if len(set(names)) != len(names) or not all(n.isidentifier() and not keyword.iskeyword(n) and not n.startswith("_") for n in names):
        return None
    bind_processors = compiled._bind_processors
    own = compiled.construct_params(_check=False)  # the statement's literals (a caller's parameters: None)
    binds = []
    for name in compiled.positiontup:
        process = bind_processors.get(name)
        fixed = own.get(name)
        binds.append((name, process, fixed if process is None or fixed is None else process(fixed)))
    processors = tuple(column[3]._cached_result_processor(dialect, None) for column in columns)
    return DirectSelect(
        sql=compiled.string,
        binds=tuple(binds),
        required=frozenset(name for name, bind in compiled.binds.items() if bind.required),
        row=namedtuple("Row", names),  # type: ignore[misc]
        processors=processors,
    )


_PREPARED: dict[tuple[int, int], tuple[Any, Any, DirectSelect | None]] = {}


def prepared(statement: Any, dialect: Any) -> DirectSelect | None:
    """``statement`` compiled for direct reads on ``dialect`` (cached), or None: let SQLAlchemy run it."""
    key = (id(statement), id(dialect))
    found = _PREPARED.get(key)
    if found is not None and found[0] is statement and found[1] is dialect:
        return found[2]
    direct = _compile(statement, dialect) if isinstance(statement, Select) else None
    if len(_PREPARED) >= _CACHE_LIMIT:
        _PREPARED.clear()
    _PREPARED[key] = (statement, dialect, direct)  # both kept, so their ids are not reused while cached
    return direct
