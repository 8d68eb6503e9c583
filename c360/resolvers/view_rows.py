"""The JSON a view statement returns (``c360.resolvers.view_sql``), turned back into rows and pages.

JSON carries strings, numbers and booleans; each column gets its Python type back here, the same
on both databases: timestamps (ISO text, UTC-aware), dates, money as ``Decimal`` at the column's
scale (JSON numbers are parsed as decimals, so nothing passes through a binary float), floats,
booleans. A list's items are named tuples of its columns (read like Core rows), plus ``nested``
when its items read something in turn. Items are put in the list's order here: an SQL aggregate
does not promise to keep the order of the rows it is given.
"""

from __future__ import annotations

import json
from collections import namedtuple
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy.sql import sqltypes

from c360.resolvers.lists import LISTS
from c360.resolvers.pages import ListSpec, Page, PageArgs, encode_cursor
from c360.resolvers.plan import CustomerPlan, ListRead
from c360.resolvers.view_sql import GOLDEN_COLUMNS, IDENTIFIER_COLUMNS, MANAGER_COLUMNS, list_columns

__all__ = ["CustomerView", "ListPage", "IdentifierGroup", "BalanceTotals", "Decoders", "load_json", "PERSON"]

load_json = partial(json.loads, parse_float=Decimal)  # money stays exact
PERSON = "person"  # an enterprise contact's nested person: (golden row, view when active) or None


@dataclass(frozen=True)
class BalanceTotals:
    balance: Decimal
    arrears: Decimal
    accounts: int


@dataclass(frozen=True)
class IdentifierGroup:
    """One (type, value) of a customer and its identifier rows (with ``source`` and ``record_key``), oldest first."""

    id: int  # the first identifier row of the group
    type: str
    value: str
    rows: tuple[Any, ...]


@dataclass
class ListPage(Page[Any]):
    """A page of a list and, when its read asked for it, the list's count under the same filters."""

    total: int | None = None


@dataclass
class CustomerView:
    """What a plan read for one active customer: its golden row and each thing the plan named."""

    row: Any  # the golden customer's columns, by attribute
    pages: dict[tuple[str, PageArgs], ListPage] = field(default_factory=dict)  # by (list name, arguments)
    balance_totals: BalanceTotals | None = None
    account_manager: Any = None  # the manager's columns and ``assigned_at``, or None
    has_manager: bool = False  # the plan read the account manager (None above then means: there is none)

    @property
    def id(self) -> str:
        return self.row.id  # type: ignore[no-any-return]

    def page(self, name: str, args: PageArgs) -> ListPage | None:
        return self.pages.get((name, args))


_CENTS = Decimal("0.01")


def _money(value: Any) -> Decimal:
    return Decimal(value).quantize(_CENTS)


def _utc(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _converter(column: Any) -> Callable[[Any], Any] | None:
    """How a JSON value of ``column`` becomes the value SQLAlchemy would have returned (None: as it is)."""
    kind = column.type
    if isinstance(kind, sqltypes.TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, sqltypes.DateTime):
        return _utc
    if isinstance(kind, sqltypes.Date):
        return date.fromisoformat
    if isinstance(kind, sqltypes.Float):
        return float
    if isinstance(kind, sqltypes.Numeric):
        exponent = Decimal(1).scaleb(-(kind.scale or 0))
        return lambda value: Decimal(value).quantize(exponent)
    if isinstance(kind, sqltypes.Boolean):
        return bool
    return None


class _RowType:
    """Named tuples of some columns, each value converted to its column's type."""

    def __init__(self, columns: Sequence[Any], nested: bool = False) -> None:
        names = [column.key for column in columns] + (["nested"] if nested else [])
        self.width = len(columns)
        self.make = namedtuple("Row", names)._make  # type: ignore[attr-defined]  # fields known only at run time
        self.convert = [
            (index, convert)
            for index, column in enumerate(columns)
            if (convert := _converter(column)) is not None
        ]

    def __call__(self, values: list[Any], nested: Any = None) -> Any:
        for index, convert in self.convert:
            value = values[index]
            if value is not None:
                values[index] = convert(value)
        if nested is not None:
            values.append(nested)
        return self.make(values)


def _group_cursor(group: IdentifierGroup) -> str:
    return encode_cursor(["identifiers", None, group.id])


def _order_key(spec: ListSpec) -> Callable[[Any], Any]:
    sort_attr, sentinel = spec.sort_attr, spec.sentinel
    if sort_attr is None:
        return lambda row: row.id

    def key(row: Any) -> Any:
        value = getattr(row, sort_attr)
        return (sentinel if value is None else value, row.id)

    return key


class Decoders:
    """Decoders of view statements' JSON, built once per list read or plan and kept (on the app's loaders' factory)."""

    def __init__(self) -> None:
        self._rows: dict[Any, _RowType] = {}
        self.golden = _RowType(GOLDEN_COLUMNS)
        self._identifier = _RowType(IDENTIFIER_COLUMNS)
        self._manager = _RowType(MANAGER_COLUMNS)

    def _row_type(self, read: ListRead) -> _RowType:
        found = self._rows.get(read.name if not (read.children or read.person) else read)
        if found is None:
            nested = bool(read.children or read.person)
            found = _RowType(list_columns(LISTS[read.name]), nested)
            self._rows[read.name if not nested else read] = found
        return found

    def view(self, plan: CustomerPlan, row: Any, parts: list[Any]) -> CustomerView:
        """The view of one customer from its golden row and the plan's parts (``view``'s JSON, decoded)."""
        view = CustomerView(row)
        for read, part in zip(plan.lists, parts, strict=False):
            view.pages[(read.name, read.args)] = self.page(read, part)
        rest = parts[len(plan.lists) :]
        if plan.balance_totals:
            balance, arrears, count = rest.pop(0) or (0, 0, 0)
            view.balance_totals = (
                BalanceTotals(_money(balance), _money(arrears), count)
                if count
                else BalanceTotals(Decimal(0), Decimal(0), 0)
            )
        if plan.account_manager:
            found = rest.pop(0)
            view.account_manager = self._manager(found) if found else None
            view.has_manager = True
        return view

    def person(self, plan: CustomerPlan, values: list[Any] | None) -> tuple[Any, CustomerView | None] | None:
        """A nested customer: (golden row, its view when active), or None when the id names no row."""
        if values is None:
            return None
        parts = values.pop()
        row = self.golden(values)
        return row, (self.view(plan, row, parts) if parts is not None else None)

    def page(self, read: ListRead, part: list[Any]) -> ListPage:
        """``[items, total?]`` of one list read: its page, in the list's order, and its count when read."""
        spec = LISTS[read.name]
        items, total = part[0], (part[1] if read.count else None)
        first = read.args.first
        if spec.grouped:
            groups = sorted(
                (self._group(group_id, members) for group_id, members in items),
                key=lambda g: g.id,
                reverse=True,
            )
            return ListPage(groups[:first], len(groups) > first, _group_cursor, total)
        make = self._row_type(read)
        if read.children or read.person:  # each item: [columns, what it reads in turn...]
            rows = [make(values[0], self._nested(read, values[1:])) for values in items]
        else:
            rows = [make(values) for values in items]
        rows.sort(key=_order_key(spec), reverse=not spec.ascending)
        return ListPage(rows[:first], len(rows) > first, spec.cursor, total)

    def _nested(self, read: ListRead, values: list[Any]) -> dict[Any, Any]:
        """What an item read in turn: its lists' pages by (name, arguments), and ``"person"``."""
        nested: dict[Any, Any] = {
            (child.name, child.args): self.page(child, part)
            for child, part in zip(read.children, values, strict=False)
        }
        if read.person is not None:
            nested[PERSON] = self.person(read.person, values[len(read.children)])
        return nested

    def _group(self, group_id: int, members: list[list[Any]]) -> IdentifierGroup:
        rows = tuple(sorted((self._identifier(values) for values in members), key=lambda row: row.id))
        return IdentifierGroup(id=group_id, type=rows[0].type, value=rows[0].value, rows=rows)
