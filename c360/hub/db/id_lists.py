"""``column IN (values)`` with the whole list bound as ONE parameter, for statements built once.

SQLAlchemy's expanding ``IN`` renders one placeholder per value at every execution, naming each
and coercing each literal: in the identity hook that cost more CPU than the databases' own work
on its lists of ids and keys. :func:`any_of` binds the list as a single value instead, so the SQL
is the same for any length (compiled once, and one statement in the driver's cache):

- SQLite: ``column IN (SELECT value FROM json_each(?))``, the values sent as one JSON array;
- PostgreSQL: ``column = ANY(?::type[])``, the list adapted to an array by the driver
  (the form PostgreSQL itself rewrites an ``IN`` list to).

Both still look each value up in the column's index. Values are ints or strings (JSON's types).

On PostgreSQL the driver prepares a statement it has run five times, and the server may then keep
one generic plan for it: made while a table was nearly empty (an initial sync's first pages), that
plan compares every row with every value of the list, and it stays until the table's statistics
change. ``plan_lists_as_bound`` has the current transaction plan each execution for the list it
got instead (at 10k customers the identity hook waited 30 s on such plans without it). The
identity hook, a steward's re-resolution, ``resolve --full`` and the review queue's refresh
call it: each runs many lists in one transaction while the tables grow.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Boolean, String, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeDecorator, TypeEngine

__all__ = ["ValueList", "any_of", "plan_lists_as_bound"]


class ValueList(TypeDecorator[Iterable[Any]]):
    """A list of ``item_type`` values bound as one parameter: a typed array on PostgreSQL, JSON text else."""

    impl = String
    cache_ok = True

    def __init__(self, item_type: TypeEngine[Any]) -> None:
        super().__init__()
        self.item_type = item_type

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(self.item_type))
        return dialect.type_descriptor(String())

    def process_bind_param(self, value: Iterable[Any] | None, dialect: Any) -> Any:
        if value is None:
            return None
        if dialect.name == "postgresql":
            return list(value)
        return json.dumps(list(value), ensure_ascii=False, separators=(",", ":"))


class _AnyOf(ColumnElement[bool]):
    """``column`` equals one of the values bound to ``values`` (rendered per dialect below)."""

    inherit_cache = True
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("values", InternalTraversal.dp_clauseelement),
    ]
    type = Boolean()
    _is_implicitly_boolean = True  # a comparison: no "= 1" appended where booleans are not native

    def __init__(self, column: ColumnElement[Any], values: BindParameter[Any]) -> None:
        self.column = column
        self.values = values

    @property
    def _from_objects(self) -> list[Any]:
        return self.column._from_objects


def plan_lists_as_bound(session: Session) -> None:
    """On PostgreSQL, plan this transaction's statements for the values they are given (no generic plans)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_CUSTOM_PLANS)


_CUSTOM_PLANS = text("SET LOCAL plan_cache_mode = force_custom_plan")


def any_of(column: ColumnElement[Any], name: str = "ids") -> ColumnElement[bool]:
    """``column`` IN the list given at execution as parameter ``name`` (any length, empty included)."""
    return _AnyOf(column, bindparam(name, type_=ValueList(column.type)))


@compiles(_AnyOf)
def _any_of_array(element: _AnyOf, compiler: Any, **kw: Any) -> str:
    return f"{compiler.process(element.column, **kw)} = ANY ({compiler.process(element.values, **kw)})"


@compiles(_AnyOf, "sqlite")
def _any_of_json(element: _AnyOf, compiler: Any, **kw: Any) -> str:
    values = compiler.process(element.values, **kw)
    return f"{compiler.process(element.column, **kw)} IN (SELECT value FROM json_each({values}))"
