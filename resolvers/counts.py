"""``totalCount`` of the per-customer lists: how many rows a list holds under its filters, batched.

A count ignores paging (``first``, ``after``), so every page of one list shares one count key.
One statement per list kind and distinct filters serves every customer of a request:
``SELECT owner, count(*) … WHERE owner IN (…) GROUP BY owner``, with the same filters the page
statement applies (``resolvers.pages``). Nothing is counted unless a document selects
``totalCount``: the loaders are only called from that field's resolver.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from contextlib import AbstractAsyncContextManager
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.models import Identifier
from resolvers.lists import LISTS
from resolvers.pages import ListSpec, PageArgs

__all__ = ["Counts", "count_key", "load_counts", "count_rows"]

CountKey = tuple[str, PageArgs]  # (golden id, the list's filters without paging)


def count_key(args: PageArgs) -> PageArgs:
    """The filters of ``args`` alone: pages of one list differ in ``first``/``after`` but share their total."""
    return dataclasses.replace(args, first=0, after=None)


def _conditions(spec: ListSpec, args: PageArgs) -> list[ColumnElement[bool]]:
    """The page statement's filters (resolvers.pages) for one list and one set of arguments."""
    conditions = [spec.owner.in_(bindparam("owners", expanding=True))]
    if spec.where is not None:
        conditions.append(spec.where())
    conditions.extend(spec.filters[name].in_(values) for name, values in args.filters)
    if spec.sort is not None and args.since is not None:
        conditions.append(spec.sort >= args.since)
    if spec.sort is not None and args.until is not None:
        conditions.append(spec.sort < args.until)
    return conditions


# Lists whose items are groups of rows (a ``ListSpec.load`` of their own): the columns of one item.
GROUPED: dict[str, tuple[ColumnElement[Any], ...]] = {"identifiers": (Identifier.type, Identifier.value)}


@lru_cache(maxsize=256)
def _statement(spec: ListSpec, args: PageArgs) -> Select[Any]:
    """Cached like the page statements: the owners are an expanding parameter."""
    owner = spec.owner.label("owner")
    grouped = GROUPED.get(spec.name)
    conditions = _conditions(spec, args)
    if grouped is None:
        return spec.base().with_only_columns(owner, func.count().label("total")).where(*conditions).group_by(spec.owner)
    items = spec.base().with_only_columns(owner, *grouped).where(*conditions).group_by(spec.owner, *grouped).subquery()
    return select(items.c.owner, func.count().label("total")).group_by(items.c.owner)


async def load_counts(connection: Any, spec: ListSpec, keys: Sequence[CountKey]) -> list[int]:
    """One total per (golden id, filters) key; one statement per distinct filters among the keys."""
    groups: dict[Hashable, list[str]] = defaultdict(list)
    for owner, args in keys:
        groups[args].append(owner)
    totals: dict[CountKey, int] = {}
    for args, owners in groups.items():
        assert isinstance(args, PageArgs)
        for row in await connection.execute(_statement(spec, args), {"owners": sorted(set(owners))}):
            totals[(row.owner, args)] = row.total
    return [totals.get(key, 0) for key in keys]


Connect = Callable[[], AbstractAsyncContextManager[Any]]
MakeLoader = Callable[[Callable[[Sequence[Any]], Awaitable[list[Any]]]], Any]


class Counts:
    """The count loaders of one request, one per list kind, on the request's shared connection.

    ``connect`` lends the connection the page loaders use (``hub.db.request_reads.SharedConnection``);
    ``make_loader`` wraps a batch function the way the page loaders are wrapped (a DataLoader, or
    one call per key on the bench's naive path).
    """

    def __init__(self, connect: Connect, make_loader: MakeLoader) -> None:
        self._connect = connect
        self._make_loader = make_loader
        self._loaders: dict[str, Any] = {}

    def __call__(self, name: str) -> Any:
        """The loader of list ``name``: ``load((golden id, count_key(args)))`` answers its total."""
        if name not in self._loaders:
            spec = LISTS[name]

            async def batch(keys: Sequence[CountKey]) -> list[int]:
                async with self._connect() as connection:
                    return await load_counts(connection, spec, keys)

            self._loaders[name] = self._make_loader(batch)
        return self._loaders[name]


async def count_rows(sessions: async_sessionmaker[AsyncSession], model: Any, *conditions: Any) -> int:
    """How many rows of ``model`` meet ``conditions``: the total of a list that is not per customer."""
    statement = select(func.count()).select_from(model).where(*conditions)
    async with sessions() as session:
        return int(await session.scalar(statement) or 0)
