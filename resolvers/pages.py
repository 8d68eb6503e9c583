"""Keyset pagination for per-customer lists, batched across customers.

Every list is ordered by (sort value descending, id descending), with a
missing sort value treated as the oldest, so the order is total and stable
under inserts. A cursor is the opaque base64 of ``[list, sort value, id]``.
One SQL statement serves one list kind for every customer in a batch: a
``row_number()`` window per customer picks each customer's page.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, literal, or_, select

__all__ = ["Page", "PageArgs", "ListSpec", "InvalidCursor", "encode_cursor", "decode_cursor", "load_pages", "MAX_FIRST"]

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


@lru_cache(maxsize=1024)
def _statement(spec: ListSpec, args: PageArgs) -> Select[Any]:
    """The page statement of one list kind for one PageArgs; the owners are the expanding ``owners`` parameter.

    Cached: building the statement costs more than running it for a small page.
    """
    sort = func.coalesce(spec.sort, literal(spec.sentinel, type_=spec.sort.type)) if spec.sort is not None else None
    order = [sort.desc(), spec.id.desc()] if sort is not None else [spec.id.desc()]
    rank = func.row_number().over(partition_by=spec.owner, order_by=order).label("rank")
    inner = spec.base().with_only_columns(spec.id.label("row_id"), spec.owner.label("owner"), rank)
    inner = inner.where(spec.owner.in_(bindparam("owners", expanding=True)))
    if spec.where is not None:
        inner = inner.where(spec.where())
    for name, values in args.filters:
        inner = inner.where(spec.filters[name].in_(values))
    if spec.sort is not None and args.since is not None:
        inner = inner.where(spec.sort >= args.since)
    if spec.sort is not None and args.until is not None:
        inner = inner.where(spec.sort < args.until)
    if args.after is not None:
        value, row_id = spec.parse_after(args.after)
        if sort is not None:
            bound = literal(value, type_=spec.sort.type)
            inner = inner.where(or_(sort < bound, and_(sort == bound, spec.id < row_id)))
        else:
            inner = inner.where(spec.id < row_id)
    ranked = inner.subquery()
    return (
        select(*spec.entity.__table__.c, ranked.c.owner)
        .join(ranked, spec.id == ranked.c.row_id)
        .where(ranked.c.rank <= args.first + 1)
        .order_by(ranked.c.owner, ranked.c.rank)
    )


async def load_pages(connection: Any, spec: ListSpec, keys: Sequence[tuple[str, PageArgs]]) -> list[Page[Any]]:
    """One page per (golden id, args) key; one statement per distinct args among the keys.

    Items are Core rows of the list's table (plus ``owner``), read by column name.
    """
    groups: dict[Hashable, list[str]] = defaultdict(list)
    for owner, args in keys:
        groups[args].append(owner)
    found: dict[tuple[str, PageArgs], list[Any]] = defaultdict(list)
    for args, owners in groups.items():
        assert isinstance(args, PageArgs)
        for row in await connection.execute(_statement(spec, args), {"owners": sorted(set(owners))}):
            found[(row.owner, args)].append(row)
    pages = []
    for owner, args in keys:
        rows = found.get((owner, args), [])
        pages.append(Page([(row, spec.cursor(row)) for row in rows[: args.first]], len(rows) > args.first))
    return pages
