"""Keyset pagination for per-customer lists: page arguments, cursors and how a list is read.

Every list is ordered by (sort value descending, id descending) — or both
ascending for a list read oldest first (a status history) — with a missing
sort value treated as the oldest, so the order is total and stable under
inserts. A cursor is the opaque base64 of ``[list, sort value, id]``.
A page is that order's first ``first`` + 1 rows after the cursor
(``c360.resolvers.view_sql`` writes the SQL).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select
from sqlalchemy.orm import QueryableAttribute

from c360.errors import ApiError

__all__ = ["Page", "PageArgs", "ListSpec", "InvalidCursor", "encode_cursor", "decode_cursor", "MAX_FIRST"]

MAX_FIRST = 100
T = TypeVar("T")


class InvalidCursor(ApiError):
    """Raised when an ``after`` cursor was not minted by this list; the schema reports BAD_USER_INPUT."""


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
    rows: list[T]
    has_next: bool
    cursor: Callable[[T], str]  # a row's cursor, made when asked for


@dataclass(frozen=True, eq=False)  # hashed by identity: specs are module-level singletons
class ListSpec:
    """How one kind of list is read: its rows, whose they are, their order and their filters."""

    name: str
    base: Callable[[], Select[Any]]  # select(Model ...) with any joins
    owner: QueryableAttribute[Any]  # the golden id column the list hangs off
    entity: Any  # the mapped class returned
    id: QueryableAttribute[Any]
    sort: QueryableAttribute[Any] | None  # None: id order only
    sort_attr: str | None
    sentinel: Any = None  # stands for a missing sort value (the oldest possible)
    filters: dict[str, QueryableAttribute[Any]] = field(default_factory=dict)
    where: Callable[[], ColumnElement[bool]] | None = None
    ascending: bool = False  # oldest first (sort value, then id, both ascending)
    unread: frozenset[str] = frozenset()  # columns no page shows (e.g. a record's raw JSON): not selected
    grouped: bool = False  # items are groups of rows (identifiers, one per type and value), paged by group id

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
