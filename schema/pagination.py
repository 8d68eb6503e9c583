"""Relay-style connections: ``edges { cursor node }``, ``pageInfo`` and ``totalCount``, paged with ``first``/``after``.

``totalCount`` is resolved lazily: a connection carries a function that counts, called only
when a document selects the field, so documents that do not ask for it run no extra SQL.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import strawberry

from resolvers.counts import count_key
from resolvers.lists import LISTS
from hub.records.vocabulary import filter_labels
from resolvers.pages import MAX_FIRST, InvalidCursor, Page, PageArgs
from schema.context import Info
from schema.errors import BadUserInput

__all__ = [
    "Connection",
    "Edge",
    "PageInfo",
    "CountedPage",
    "Total",
    "known_total",
    "load_page",
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


# Filters in the hub's vocabulary (hub.records.vocabulary): canonical names also find rows stored under a silo's word.
VOCABULARY_FILTERS: dict[str, frozenset[str]] = {
    "serviceRequests": frozenset({"status", "channel", "type"}),
    "contacts": frozenset({"channel", "type"}),
    "orders": frozenset({"channel"}),
}


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


@dataclass
class CountedPage(Page[Any]):
    """A page of a per-customer list that also knows how to count the whole list (for ``totalCount``)."""

    total: Total | None = None


async def load_page(
    info: Info, name: str, owner: str, first: int | None, after: str | None, **filters: Any
) -> CountedPage:
    """One page of list ``name`` of customer ``owner`` through the request's loaders, with its lazy count."""
    args = page_args(name, first, after, **filters)
    loaders = info.context.loaders
    page = await loaders.page(name).load((owner, args))

    def total() -> Awaitable[int]:
        return loaders.count(name).load((owner, count_key(args)))  # type: ignore[no-any-return]

    return CountedPage(page.items, page.has_next, total)


def to_connection(page: Page[Any], convert: Callable[[Any], N], total: Total | None = None) -> Connection[N]:
    """The connection of a page; ``total`` defaults to the page's own count (see :func:`load_page`)."""
    edges = [Edge(cursor=cursor, node=convert(row)) for row, cursor in page.items]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=False,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total=total or (page.total if isinstance(page, CountedPage) else None),
    )
