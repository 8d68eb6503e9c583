"""The ids a customer filter of the event feed stands for: the customer as it is now, and every id it had.

Events keep the golden id they were recorded against. When customers merge, the loser's id
becomes an alias of the survivor, so a consumer filtering by either id means the same person:
the feed matches events of the ids named, of the customers they were merged into, and of every
id merged into those (through chains of merges). A split id stands for several people and is
not followed; it matches its own events (and those of ids merged into it) only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from c360.hub.models import GoldenCustomer

__all__ = ["merged_aliases", "touches", "MAX_MERGE_HOPS"]

MAX_MERGE_HOPS = 8  # as c360.resolvers.loaders follows merges when reading a customer


async def merged_aliases(sessions: async_sessionmaker[AsyncSession], requested: Iterable[str]) -> dict[str, str]:
    """Every id that means the same customer as one of ``requested``, mapped to the requested id it stands for.

    A few statements per filter, run when a subscription or feed page starts (and again when a
    merge touching the filter is seen live), never per event.
    """
    aliases: dict[str, str] = {}
    async with sessions() as session:
        for wanted in dict.fromkeys(requested):  # the first requested id wins an id shared by two
            for found in await _family(session, wanted):
                aliases.setdefault(found, wanted)
    return aliases


async def _family(session: AsyncSession, golden_id: str) -> set[str]:
    family = {golden_id}
    frontier = {golden_id}
    for _hop in range(MAX_MERGE_HOPS):  # up: the customers it was merged into
        rows = await session.execute(
            select(GoldenCustomer.merged_into).where(
                GoldenCustomer.id.in_(frontier), GoldenCustomer.merged_into.is_not(None)
            )
        )
        frontier = {survivor for (survivor,) in rows if survivor is not None} - family  # the query has none
        if not frontier:
            break
        family |= frontier
    frontier = set(family)
    for _hop in range(MAX_MERGE_HOPS):  # down: every id merged into one of those
        merged = await session.execute(select(GoldenCustomer.id).where(GoldenCustomer.merged_into.in_(frontier)))
        frontier = {alias for (alias,) in merged} - family
        if not frontier:
            break
        family |= frontier
    return family


def touches(golden_id: str | None, payload: Mapping[str, Any] | None, ids: Iterable[str]) -> bool:
    """Whether an identity event (``customer.merged``, ``.split``, ``.unmerged``) names one of ``ids``."""
    named = {golden_id} if golden_id else set()
    for value in (payload or {}).values():
        if isinstance(value, str):
            named.add(value)
        elif isinstance(value, list):
            named.update(item for item in value if isinstance(item, str))
    return not named.isdisjoint(ids)
