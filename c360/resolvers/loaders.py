"""DataLoaders of one request: every customer a document asks for, read in one statement per plan.

``Loaders.view.load((golden id, plan))`` answers a :class:`~c360.resolvers.view_rows.CustomerView`
(the golden row and everything ``plan`` reads), a :class:`Split` or None. All the customers of a
document resolved in one tick (``c0: customer(…) c1: customer(…) …``, the persons of every
enterprise contact, search hits) are one DataLoader batch, and a batch is one statement per
distinct plan (``c360.resolvers.view_sql``). Merged ids follow their survivor: the ids whose row is not
active are followed through ``merged_into`` and the redirects, then their survivors read with the
same plan, so a merged id costs a few more statements and an active one none.

``Loaders.owned_page.load((owner id, read))`` answers one page of a list that hangs off something
else than a customer (a service request's status history, when the request did not come from a
360 view that read it already).

Built fresh per request (or per WebSocket operation) on the request's connection
(:class:`~c360.hub.db.request_connection.RequestConnection`); nothing is kept between requests.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from aiodataloader import DataLoader
from sqlalchemy import select

from c360.hub.db.id_lists import any_of
from c360.hub.db.request_connection import RequestConnection
from c360.hub.models import GoldenRedirect
from c360.hub.models.golden import GOLDEN_ACTIVE
from c360.resolvers.lists import LISTS
from c360.resolvers.plan import EMPTY_PLAN, CustomerPlan, ListRead
from c360.resolvers.view_rows import CustomerView, Decoders, ListPage, load_json
from c360.resolvers.view_sql import ViewStatements

__all__ = ["Loaders", "ViewReads", "Split", "MAX_REDIRECT_HOPS"]

MAX_REDIRECT_HOPS = 8
_REDIRECTS = select(GoldenRedirect.from_id, GoldenRedirect.to_id).where(any_of(GoldenRedirect.from_id.expression))


@dataclass(frozen=True)
class Split:
    """The id was split: it now stands for several customers."""

    into: tuple[str, ...]


class ViewReads:
    """What every request's loaders share: compiled statements and decoders (one per app, not per process)."""

    def __init__(self) -> None:
        self.statements = ViewStatements()
        self.decoders = Decoders()


class Loaders:
    def __init__(self, db: RequestConnection, reads: ViewReads) -> None:
        self.db = db
        self._reads = reads
        self.view: DataLoader[tuple[str, CustomerPlan], CustomerView | Split | None] = DataLoader(self._views)
        self.owned_page: DataLoader[tuple[Any, ListRead], ListPage] = DataLoader(self._owned_pages)

    async def customer(self, golden_id: str) -> CustomerView | Split | None:
        """A customer's golden row alone (its view reads nothing more)."""
        return await self.view.load((golden_id, EMPTY_PLAN))

    async def _read(
        self, plan: CustomerPlan, ids: Iterable[str]
    ) -> dict[str, tuple[Any, CustomerView | None]]:
        """id -> (golden row, view when active) for the ids that have a row, in one statement."""
        statement = self._reads.statements.customers(plan, self.db.dialect)
        decoders = self._reads.decoders
        found = {}
        for row in await self.db.execute(statement, {"ids": sorted(set(ids))}):
            view = decoders.view(plan, row, load_json(row.view)) if row.status == GOLDEN_ACTIVE else None
            found[row.id] = (row, view)
        return found

    async def _views(self, keys: Sequence[tuple[str, CustomerPlan]]) -> list[CustomerView | Split | None]:
        by_plan: dict[CustomerPlan, list[str]] = defaultdict(list)
        for golden_id, plan in keys:
            by_plan[plan].append(golden_id)
        answers: dict[tuple[str, CustomerPlan], CustomerView | Split | None] = {}
        for plan, ids in by_plan.items():
            rows = await self._read(plan, ids)
            moved = {golden_id for golden_id in ids if golden_id not in rows or rows[golden_id][1] is None}
            for golden_id in set(ids) - moved:
                answers[(golden_id, plan)] = rows[golden_id][1]
            if moved:
                targets = await self._follow({golden_id: rows.get(golden_id) for golden_id in moved})
                survivors = {target for target in targets.values() if isinstance(target, str)}
                read = await self._read(plan, survivors) if survivors else {}
                for golden_id, target in targets.items():
                    if isinstance(target, str):
                        answers[(golden_id, plan)] = read[target][1] if target in read else None
                    else:
                        answers[(golden_id, plan)] = target
        return [answers[key] for key in keys]

    async def _follow(
        self, start: dict[str, tuple[Any, CustomerView | None] | None]
    ) -> dict[str, str | Split | None]:
        """Where each id that is not an active customer went: a survivor's id, a split, or nowhere (None)."""
        answer: dict[str, str | Split | None] = {}
        rows = {golden_id: found[0] for golden_id, found in start.items() if found is not None}
        current = {golden_id: golden_id for golden_id in start}
        for _hop in range(MAX_REDIRECT_HOPS):
            pending = [golden_id for golden_id in start if golden_id not in answer]
            if not pending:
                break
            wanted = {current[golden_id] for golden_id in pending} - rows.keys()
            if wanted:
                rows.update(
                    {
                        golden_id: found[0]
                        for golden_id, found in (await self._read(EMPTY_PLAN, list(wanted))).items()
                    }
                )
            redirected = []
            for golden_id in pending:
                row = rows.get(current[golden_id])
                if row is None:
                    answer[golden_id] = None
                elif row.status == GOLDEN_ACTIVE:
                    answer[golden_id] = row.id
                elif row.merged_into:
                    current[golden_id] = row.merged_into
                else:
                    redirected.append(golden_id)
            if redirected:
                went: dict[str, set[str]] = defaultdict(set)
                for from_id, to_id in await self.db.execute(
                    _REDIRECTS, {"ids": sorted({current[g] for g in redirected})}
                ):
                    went[from_id].add(to_id)
                for golden_id in redirected:
                    targets = went.get(current[golden_id], set())
                    if len(targets) == 1:
                        current[golden_id] = next(iter(targets))
                    else:
                        answer[golden_id] = Split(tuple(sorted(targets))) if targets else None
        return {golden_id: answer.get(golden_id) for golden_id in start}

    async def _owned_pages(self, keys: Sequence[tuple[Any, ListRead]]) -> list[ListPage]:
        by_read: dict[ListRead, list[Any]] = defaultdict(list)
        for owner, read in keys:
            by_read[read].append(owner)
        pages: dict[tuple[Any, ListRead], ListPage] = {}
        decoders = self._reads.decoders
        for read, owners in by_read.items():
            statement = self._reads.statements.owned_lists(read, self.db.dialect)
            for row in await self.db.execute(statement, {"ids": sorted(set(owners))}):
                pages[(row.owner, read)] = decoders.page(read, load_json(row.view)[0])
        return [
            pages.get(key) or ListPage([], False, LISTS[key[1].name].cursor, 0 if key[1].count else None)
            for key in keys
        ]
