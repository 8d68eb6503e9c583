"""Relay-style connections: ``edges { cursor node }``, ``pageInfo`` and ``totalCount``, paged with ``first``/``after``.

``totalCount`` is resolved lazily: a connection carries a function that counts, called only
when a document selects the field. A 360 view's lists read their count with their page when
the document selects it (``c360.schema.planning``), so nothing more runs then either.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Generic, TypeVar

import strawberry

from c360.records.vocabulary import filter_labels
from c360.resolvers.lists import LISTS
from c360.resolvers.pages import MAX_FIRST, InvalidCursor, Page, PageArgs
from c360.schema.errors import BadUserInput, api_error

__all__ = [
    "Connection",
    "Edge",
    "PageInfo",
    "Total",
    "built_connection",
    "known_total",
    "page_args",
    "to_connection",
    "DEFAULT_FIRST",
]

DEFAULT_FIRST = 20
N = TypeVar("N")
Total = Callable[[], Awaitable[int]]  # counts a connection's items, all pages, under its filters


@strawberry.type(description="Where a page stands in its list.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool = strawberry.field(description="Always false: lists page forward only.")
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[N]):
    cursor: str
    node: N


class _Listed(Generic[N]):
    """What a connection lists: a page's rows, converted and given cursors only when a document asks."""

    def __init__(self, page: Page[Any], convert: Callable[[Any], N]) -> None:
        self.page = page
        self.convert = convert
        self._nodes: list[N] | None = None

    def nodes(self) -> list[N]:
        if self._nodes is None:
            self._nodes = [self.convert(row) for row in self.page.rows]
        return self._nodes

    def edges(self) -> list[Edge[N]]:
        cursor = self.page.cursor
        return [Edge(cursor=cursor(row), node=node) for row, node in zip(self.page.rows, self.nodes(), strict=True)]

    def page_info(self) -> PageInfo:
        rows, cursor = self.page.rows, self.page.cursor
        return PageInfo(
            has_next_page=self.page.has_next,
            has_previous_page=False,
            start_cursor=cursor(rows[0]) if rows else None,
            end_cursor=cursor(rows[-1]) if rows else None,
        )


class _Built(Generic[N]):
    """What a connection lists when its edges were built already (search hits, the feed, operations)."""

    def __init__(self, edges: list[Edge[N]], page_info: PageInfo) -> None:
        self._edges = edges
        self._page_info = page_info

    def nodes(self) -> list[N]:
        return [edge.node for edge in self._edges]

    def edges(self) -> list[Edge[N]]:
        return self._edges

    def page_info(self) -> PageInfo:
        return self._page_info


@strawberry.type
class Connection(Generic[N]):
    listed: strawberry.Private[Any]  # a _Listed or _Built
    total: strawberry.Private[Total | None] = None

    @strawberry.field
    def edges(self) -> list[Edge[N]]:
        return self.listed.edges()  # type: ignore[no-any-return]

    @strawberry.field
    def page_info(self) -> PageInfo:
        return self.listed.page_info()  # type: ignore[no-any-return]

    @strawberry.field(description="The nodes of this page, without their cursors.")
    def nodes(self) -> list[N]:
        return self.listed.nodes()  # type: ignore[no-any-return]

    @strawberry.field(description="How many items the list holds under its filters, over all pages (counted only when asked for).")
    async def total_count(self) -> int:
        if self.total is None:
            raise NotImplementedError("this connection was built without a count")  # a bug: every list passes one
        return await self.total()


# Filters in the hub's vocabulary (c360.records.vocabulary): canonical names also find rows stored under a silo's word.
VOCABULARY_FILTERS: dict[str, frozenset[str]] = {
    "serviceRequests": frozenset({"status", "channel", "type"}),
    "contacts": frozenset({"channel", "type"}),
    "orders": frozenset({"channel"}),
}


def built_connection(edges: list[Edge[N]], page_info: PageInfo, total: Total | None = None) -> Connection[N]:
    """A connection of edges built by the caller."""
    return Connection(listed=_Built(edges, page_info), total=total)


def page_args(
    list_name: str,
    first: int | None,
    after: str | None,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    **filters: list[str] | None,
) -> PageArgs:
    """Validate paging arguments into a hashable PageArgs (BAD_USER_INPUT names the argument)."""
    count = DEFAULT_FIRST if first is None else first
    if count < 0 or count > MAX_FIRST:
        raise BadUserInput("first", f"must be between 0 and {MAX_FIRST}")
    if since is not None and until is not None and since >= until:
        raise BadUserInput("since", "must be before until")
    if after is not None:
        try:
            LISTS[list_name].parse_after(after)
        except InvalidCursor as exc:
            raise api_error(exc, field="after") from None
    vocabulary = VOCABULARY_FILTERS.get(list_name, frozenset())
    chosen = tuple(
        sorted(
            (name, filter_labels(name, values) if name in vocabulary else tuple(sorted(set(values))))
            for name, values in filters.items()
            if values
        )
    )
    return PageArgs(first=count, after=after, since=since, until=until, filters=chosen)


def known_total(count: int) -> Total:
    """The count of a list that was read whole anyway (e.g. ranked search hits)."""

    async def total() -> int:
        return count

    return total


def to_connection(page: Page[Any], convert: Callable[[Any], N], total: Total | None = None) -> Connection[N]:
    """The connection of a page; nodes and cursors are made when a document selects them, ``total``
    counts the list when it asks for ``totalCount``."""
    return Connection(listed=_Listed(page, convert), total=total)
