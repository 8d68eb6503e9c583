"""How a stream walks a silo page by page: one ``Paginator`` per stream, chosen by declaration.

REST silos page in one of three ways, each a paginator over ``HttpPages``:

* ``TokenPaginator`` — the body holds the records and a next-page token (``items`` + ``next_page_token``
  by default; every name is configurable); a token seen twice is a pagination loop;
* ``OffsetPaginator`` — ``offset`` / ``limit`` parameters; a short page is the last;
* ``LinkHeaderPaginator`` — the next page's URL in ``Link: <...>; rel="next"`` (RFC 8288), on the same origin.

SQL silos page with ``CursorColumnPaginator`` over ``SqlPages``: keyset pages on (cursor column,
primary key), one index range scan per page however deep the read.

A paginator only fetches and splits pages; the incremental cursor (``c360.connectors.pagination.Keyset``)
stays with the stream, so any paginator gets resumable reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnClause, Select, column, literal_column, select, tuple_

from c360.connectors.errors import BadPageError
from c360.connectors.http import HttpClient

__all__ = [
    "Paginator",
    "HttpPages",
    "SqlPages",
    "TokenPaginator",
    "OffsetPaginator",
    "LinkHeaderPaginator",
    "CursorColumnPaginator",
    "records_at",
]

R = TypeVar("R", contravariant=True)
Raw = Mapping[str, Any]


class Paginator(Protocol[R]):
    """Yields each page's raw records in the silo's order; ``BadPageError`` for a page it cannot split."""

    def pages(self, request: R) -> Iterator[list[Raw]]: ...


@dataclass(frozen=True)
class HttpPages:
    """What a REST stream asks of every page: where, its own query parameters, how many records."""

    client: HttpClient
    path: str
    params: Mapping[str, Any]
    page_size: int
    label: str


def records_at(body: Any, items: str | None, where: str) -> list[Raw]:
    """The list of record objects at ``body[items]`` (or the body itself when ``items`` is ``None``)."""
    if items is not None:
        if not isinstance(body, dict) or items not in body:
            raise BadPageError(f"{where}: response is not an object with '{items}'")
        body = body[items]
    if not isinstance(body, list) or not all(isinstance(item, dict) for item in body):
        raise BadPageError(f"{where}: '{items or 'response'}' is not a list of objects")
    return body


def _loop_guard(label: str, what: str) -> Callable[[int, str], None]:
    seen: set[str] = set()

    def check(number: int, value: str) -> None:
        if value in seen:
            raise BadPageError(f"{label}: page {number} repeats an earlier {what} (pagination loop)")
        seen.add(value)

    return check


@dataclass(frozen=True)
class TokenPaginator:
    """Follows the next-page token in each body until there is none."""

    items: str | None = "items"
    next_token: str = "next_page_token"
    token_param: str = "page_token"
    size_param: str = "page_size"

    def pages(self, request: HttpPages) -> Iterator[list[Raw]]:
        guard = _loop_guard(request.label, "page token")
        token: str | None = None
        number = 0
        while True:
            number += 1
            params = {self.size_param: request.page_size, **request.params}
            if token is not None:
                params[self.token_param] = token
            body = request.client.get_json(request.path, params)
            yield records_at(body, self.items, f"{request.label} page {number}")
            following = body.get(self.next_token) if isinstance(body, dict) else None
            if following is None or following == "":
                return
            if not isinstance(following, str):
                raise BadPageError(f"{request.label}: page {number} has a {self.next_token} that is not a string")
            guard(number, following)
            token = following


@dataclass(frozen=True)
class OffsetPaginator:
    """Asks for ``limit`` records from ``offset`` on; a page shorter than ``limit`` is the last."""

    items: str | None = "items"
    offset_param: str = "offset"
    limit_param: str = "limit"

    def pages(self, request: HttpPages) -> Iterator[list[Raw]]:
        offset = 0
        number = 0
        while True:
            number += 1
            params = {**request.params, self.offset_param: offset, self.limit_param: request.page_size}
            records = records_at(request.client.get_json(request.path, params), self.items, f"{request.label} page {number}")
            yield records
            if len(records) < request.page_size:
                return
            offset += len(records)


@dataclass(frozen=True)
class LinkHeaderPaginator:
    """Follows ``Link: <url>; rel="next"`` until a page has none; a link seen twice is a pagination loop."""

    items: str | None = None
    size_param: str = "per_page"

    def pages(self, request: HttpPages) -> Iterator[list[Raw]]:
        guard = _loop_guard(request.label, "next link")
        response = request.client.get(request.path, {self.size_param: request.page_size, **request.params})
        number = 0
        while True:
            number += 1
            yield records_at(request.client.json_of(response), self.items, f"{request.label} page {number}")
            following = response.links.get("next", {}).get("url")
            if not following:
                return
            guard(number, following)
            response = request.client.get(following)


class Rows(Protocol):
    """A SQL client that runs one page's query (``c360.connectors.sql.Database``)."""

    def rows(self, query: Select[Any], where: str) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class SqlPages:
    """What a SQL stream asks of every page: its rows, their order (cursor column, key) and where to start."""

    database: Rows
    selectable: Select[Any]
    order: tuple[str, ...]
    page_size: int
    label: str
    after: tuple[Any, ...] | None = field(default=None)


@dataclass(frozen=True)
class CursorColumnPaginator:
    """Keyset pages: ``WHERE (cursor, key...) > (:last...) ORDER BY cursor, key... LIMIT :n``."""

    def query(self, request: SqlPages, after: tuple[Any, ...] | None) -> Select[Any]:
        rows = request.selectable.subquery("rows")
        order: list[ColumnClause[Any]] = [column(name) for name in request.order]
        query: Select[Any] = select(literal_column("*")).select_from(rows).order_by(*order).limit(request.page_size)
        return query if after is None else query.where(tuple_(*order) > tuple_(*after))

    def pages(self, request: SqlPages) -> Iterator[list[Raw]]:
        after = request.after
        number = 0
        while True:
            number += 1
            rows = request.database.rows(self.query(request, after), f"{request.label} page {number}")
            yield list(rows)
            if len(rows) < request.page_size:
                return
            after = tuple(rows[-1].get(name) for name in request.order)
