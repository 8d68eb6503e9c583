"""Relay-style connections: ``edges { cursor node }``, ``pageInfo`` and ``totalCount``, paged with ``first``/``after``.

``totalCount`` is resolved lazily: a connection carries a function that counts, called only
when a document selects the field. A 360 view's lists read their count with their page when
the document selects it (``schema.planning``), so nothing more runs then either.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Generic, TypeVar

import strawberry

from resolvers.lists import LISTS
from resolvers.pages import MAX_FIRST, InvalidCursor, Page, PageArgs
from schema.context import Info
from schema.errors import BadUserInput

__all__ = [
    "Connection",
    "Edge",
    "PageInfo",
    "Total",
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


@strawberry.type
class Connection(Generic[N]):
    edges: list[Edge[N]]
    page_info: PageInfo
    total: strawberry.Private[Total | None] = None

    @strawberry.field(description="The nodes of this page, without their cursors.")
    def nodes(self) -> list[N]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many items the list holds under its filters, over all pages (counted only when asked for).")
    async def total_count(self) -> int:
        if self.total is None:
            raise NotImplementedError("this connection was built without a count")  # a bug: every list passes one
        return await self.total()


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
            raise BadUserInput("after", str(exc)) from None
    chosen = tuple(sorted((name, tuple(sorted(set(values)))) for name, values in filters.items() if values))
    return PageArgs(first=count, after=after, since=since, until=until, filters=chosen)


def known_total(count: int) -> Total:
    """The count of a list that was read whole anyway (e.g. ranked search hits)."""

    async def total() -> int:
        return count

    return total


def to_connection(page: Page[Any], convert: Callable[[Any], N], total: Total | None = None) -> Connection[N]:
    """The connection of a page; ``total`` counts the list when a document asks for ``totalCount``."""
    edges = [Edge(cursor=cursor, node=convert(row)) for row, cursor in page.items]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=False,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total=total,
    )
