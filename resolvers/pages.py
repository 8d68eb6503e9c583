"""Keyset pagination for per-customer lists, batched across customers.

Every list is ordered by (sort value descending, id descending) — or both
ascending for a list read oldest first (a status history) — with a missing
sort value treated as the oldest, so the order is total and stable under
inserts. A cursor is the opaque base64 of ``[list, sort value, id]``.
One SQL statement serves one list kind for every customer in a batch: a
``row_number()`` window per customer picks each customer's page (for a batch
of one customer, the usual case, ``ORDER BY … LIMIT`` does).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, literal, or_, select

__all__ = ["Page", "PageArgs", "ListSpec", "InvalidCursor", "encode_cursor", "decode_cursor", "load_pages", "owned_by", "owners_parameter", "MAX_FIRST"]

MAX_FIRST = 100
T = TypeVar("T")


class InvalidCursor(ValueError):
    pass


def encode_cursor(payload: list[Any]) -> str:
    raw = json.dumps(payload, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, expect: str) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidCursor("not a cursor of this API") from None
    if not isinstance(payload, list) or not payload or payload[0] != expect:
        raise InvalidCursor(f"not a cursor of the {expect} list")
    return payload


@dataclass(frozen=True)
class PageArgs:
    """One page request; hashable so it can be part of a DataLoader key."""

    first: int = 20
    after: str | None = None
    since: datetime | date | None = None
    until: datetime | date | None = None
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (column name, allowed values)


@dataclass
class Page(Generic[T]):
    items: list[tuple[T, str]]  # (row, cursor)
    has_next: bool


@dataclass(frozen=True, eq=False)  # hashed by identity: specs are module-level singletons
class ListSpec:
    """How one kind of list is read: its rows, whose they are, their order and their filters."""

    name: str
    base: Callable[[], Select[Any]]  # select(Model ...) with any joins
    owner: ColumnElement[Any]  # the golden id column the list hangs off
    entity: Any  # the mapped class returned
    id: ColumnElement[Any]
    sort: ColumnElement[Any] | None  # None: id order only
    sort_attr: str | None
    sentinel: Any = None  # stands for a missing sort value (the oldest possible)
    filters: dict[str, ColumnElement[Any]] = field(default_factory=dict)
    where: Callable[[], ColumnElement[bool]] | None = None
    ascending: bool = False  # oldest first (sort value, then id, both ascending)
    unread: frozenset[str] = frozenset()  # columns no page shows (e.g. a record's raw JSON): not selected
    # A list whose items are not one row each (e.g. identifiers grouped by value) reads its pages itself.
    load: Callable[[Any, ListSpec, Sequence[tuple[Any, PageArgs]]], Awaitable[list[Page[Any]]]] | None = None

    def columns(self) -> list[Any]:
        """The columns of the list's table a page reads."""
        return [column for column in self.entity.__table__.c if column.key not in self.unread]

    def sort_value(self, row: Any) -> Any:
        value = getattr(row, self.sort_attr) if self.sort_attr else None
        return self.sentinel if value is None else value

    def cursor(self, row: Any) -> str:
        value = self.sort_value(row) if self.sort is not None else None
        if isinstance(value, (datetime, date)):
            value = value.isoformat()
        return encode_cursor([self.name, value, row.id])

    def parse_after(self, cursor: str) -> tuple[Any, int]:
        payload = decode_cursor(cursor, self.name)
        if len(payload) != 3 or not isinstance(payload[2], int):
            raise InvalidCursor(f"not a cursor of the {self.name} list")
        value = payload[1]
        if self.sort is not None:
            try:
                if isinstance(self.sentinel, datetime):
                    value = datetime.fromisoformat(value)
                    value = value if value.tzinfo else value.replace(tzinfo=UTC)
                elif isinstance(self.sentinel, date):
                    value = date.fromisoformat(value)
                elif not isinstance(value, str):
                    raise ValueError
            except (TypeError, ValueError):
                raise InvalidCursor(f"not a cursor of the {self.name} list") from None
        return value, payload[2]


def owned_by(owner: ColumnElement[Any], single: bool) -> ColumnElement[bool]:
    """``owner IN :owners`` (an expanding list), or ``owner = :owners`` for the usual batch of one owner,
    which spares SQLAlchemy rewriting the statement's text on every execution."""
    return owner == bindparam("owners") if single else owner.in_(bindparam("owners", expanding=True))


def owners_parameter(owners: Sequence[Any]) -> dict[str, Any]:
    """The ``owners`` parameter of a statement built with ``owned_by(..., single=len(set(owners)) == 1)``."""
    distinct = sorted(set(owners))
    return {"owners": distinct[0] if len(distinct) == 1 else distinct}


def _one_of(column: ColumnElement[Any], values: tuple[str, ...]) -> ColumnElement[bool]:
    """``column IN (values)`` written as equalities: values bound with the statement, which is built once
    per arguments anyway, instead of an expanding list SQLAlchemy rewrites on every execution."""
    return column == values[0] if len(values) == 1 else or_(*(column == value for value in values))


@lru_cache(maxsize=1024)
def _statement(spec: ListSpec, args: PageArgs, single: bool = False) -> Select[Any]:
    """The page statement of one list kind for one PageArgs; the owners are the ``owners`` parameter.

    For several owners a ``row_number()`` window per owner picks each one's page. For one owner (a
    360 document of one customer) the page is the first ``first`` + 1 rows in order: no window and
    no join back, and the database keeps only the top rows instead of ranking every row of the
    customer (a customer with 2,000 orders read its first page several times faster).

    Cached: building the statement costs more than running it for a small page.
    """
    sort = func.coalesce(spec.sort, literal(spec.sentinel, type_=spec.sort.type)) if spec.sort is not None else None
    keys = [sort, spec.id] if sort is not None else [spec.id]
    order = [key.asc() if spec.ascending else key.desc() for key in keys]
    conditions = [owned_by(spec.owner, single)]
    if spec.where is not None:
        conditions.append(spec.where())
    conditions.extend(_one_of(spec.filters[name], values) for name, values in args.filters)
    if spec.sort is not None and args.since is not None:
        conditions.append(spec.sort >= args.since)
    if spec.sort is not None and args.until is not None:
        conditions.append(spec.sort < args.until)
    if args.after is not None:
        value, row_id = spec.parse_after(args.after)
        if sort is not None:
            bound = literal(value, type_=spec.sort.type)
            if spec.ascending:
                conditions.append(or_(sort > bound, and_(sort == bound, spec.id > row_id)))
            else:
                conditions.append(or_(sort < bound, and_(sort == bound, spec.id < row_id)))
        else:
            conditions.append(spec.id > row_id if spec.ascending else spec.id < row_id)
    if single:
        return (
            spec.base()
            .with_only_columns(*spec.columns(), spec.owner.label("owner"))
            .where(*conditions)
            .order_by(*order)
            .limit(args.first + 1)
        )
    rank = func.row_number().over(partition_by=spec.owner, order_by=order).label("rank")
    ranked = spec.base().with_only_columns(spec.id.label("row_id"), spec.owner.label("owner"), rank).where(*conditions).subquery()
    return (
        select(*spec.columns(), ranked.c.owner)
        .join(ranked, spec.id == ranked.c.row_id)
        .where(ranked.c.rank <= args.first + 1)
        .order_by(ranked.c.owner, ranked.c.rank)
    )


async def load_pages(connection: Any, spec: ListSpec, keys: Sequence[tuple[str, PageArgs]]) -> list[Page[Any]]:
    """One page per (golden id, args) key; one statement per distinct args among the keys.

    Items are Core rows of the list's table (plus ``owner``), read by column name.
    """
    if spec.load is not None:
        return await spec.load(connection, spec, keys)
    groups: dict[Hashable, list[str]] = defaultdict(list)
    for owner, args in keys:
        groups[args].append(owner)
    found: dict[tuple[str, PageArgs], list[Any]] = defaultdict(list)
    for args, owners in groups.items():
        assert isinstance(args, PageArgs)
        statement = _statement(spec, args, len(set(owners)) == 1)
        for row in await connection.execute(statement, owners_parameter(owners)):
            found[(row.owner, args)].append(row)
    pages = []
    for owner, args in keys:
        rows = found.get((owner, args), [])
        pages.append(Page([(row, spec.cursor(row)) for row in rows[: args.first]], len(rows) > args.first))
    return pages
