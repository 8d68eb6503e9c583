"""A customer's identifiers, one per (type, value), with every source record that carries it.

The same phone or ID number usually reaches the hub from several silos (BOSS, billing, the call
centre); the 360 view shows it once, with its lineage. A group is ordered and paged by the id of
the first identifier row the hub stored for it (newest first), which does not change when another
silo reports the same value later. One statement serves one page request for every customer of a
batch: the groups are ranked per customer and the page's groups joined back to their rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import aliased

from hub.models import CrossReference, Identifier, SourceRecord
from resolvers.pages import ListSpec, Page, PageArgs, encode_cursor, owned_by, owners_parameter

__all__ = ["IdentifierGroup", "load_identifier_pages"]


@dataclass(frozen=True)
class IdentifierGroup:
    """One (type, value) of a customer and its identifier rows (with ``source`` and ``record_key``), oldest first."""

    id: int  # the first identifier row of the group
    type: str
    value: str
    rows: tuple[Any, ...]


@lru_cache(maxsize=256)
def _statement(spec: ListSpec, args: PageArgs, single: bool) -> Select[Any]:
    """Cached per arguments, like the other page statements; the owners are the expanding ``owners``."""
    owner = CrossReference.golden_id
    groups = (
        select(owner.label("owner"), Identifier.type, Identifier.value, func.min(Identifier.id).label("group_id"))
        .join(CrossReference, CrossReference.source_record_id == Identifier.source_record_id)
        .where(owned_by(owner, single))
        .group_by(owner, Identifier.type, Identifier.value)
    )
    for name, values in args.filters:
        groups = groups.where(spec.filters[name].in_(values))
    grouped = groups.subquery()
    rank = func.row_number().over(partition_by=grouped.c.owner, order_by=grouped.c.group_id.desc())
    ranked_select = select(grouped, rank.label("rank"))
    if args.after is not None:
        _, group_id = spec.parse_after(args.after)
        ranked_select = ranked_select.where(grouped.c.group_id < group_id)
    ranked = ranked_select.subquery()
    link = aliased(CrossReference)
    return (
        select(
            *Identifier.__table__.c,
            SourceRecord.source,
            SourceRecord.source_key.label("record_key"),
            ranked.c.owner,
            ranked.c.group_id,
        )
        .select_from(ranked)
        .join(link, link.golden_id == ranked.c.owner)
        .join(
            Identifier,
            and_(
                Identifier.source_record_id == link.source_record_id,
                Identifier.type == ranked.c.type,
                Identifier.value == ranked.c.value,
            ),
        )
        .join(SourceRecord, SourceRecord.id == Identifier.source_record_id)
        .where(ranked.c.rank <= args.first + 1)
        .order_by(ranked.c.owner, ranked.c.rank, Identifier.id)
    )


async def load_identifier_pages(
    connection: Any, spec: ListSpec, keys: Sequence[tuple[str, PageArgs]]
) -> list[Page[IdentifierGroup]]:
    """One page of identifier groups per (golden id, args) key; one statement per distinct args."""
    owners_by_args: dict[PageArgs, list[str]] = defaultdict(list)
    for owner, args in keys:
        owners_by_args[args].append(owner)
    found: dict[tuple[str, PageArgs], dict[int, list[Any]]] = defaultdict(dict)
    for args, owners in owners_by_args.items():
        statement = _statement(spec, args, len(set(owners)) == 1)
        for row in await connection.execute(statement, owners_parameter(owners)):
            found[(row.owner, args)].setdefault(row.group_id, []).append(row)
    pages = []
    for owner, args in keys:
        groups = [
            IdentifierGroup(id=group_id, type=rows[0].type, value=rows[0].value, rows=tuple(rows))
            for group_id, rows in found.get((owner, args), {}).items()
        ]
        items = [(group, encode_cursor([spec.name, None, group.id])) for group in groups[: args.first]]
        pages.append(Page(items, len(groups) > args.first))
    return pages
