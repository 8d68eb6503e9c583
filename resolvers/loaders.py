"""DataLoaders for one request: every lookup of the 360 view is batched.

Built fresh per request (or per WebSocket connection) by ``Loaders(sessions)``;
nothing is cached across requests. Each batch opens its own short session,
because one AsyncSession must not be used by concurrent batches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from aiodataloader import DataLoader
from sqlalchemy import and_, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.models import AccountManager, Balance, GoldenCustomer, GoldenRedirect, PartyRelation, ServiceRequestStatus
from hub.models.golden import GOLDEN_ACTIVE
from resolvers.lists import LISTS
from resolvers.pages import Page, PageArgs, load_pages

__all__ = ["Loaders", "Split", "BalanceTotals", "MAX_REDIRECT_HOPS"]

MAX_REDIRECT_HOPS = 8


@dataclass(frozen=True)
class Split:
    """The id was split: it now stands for several customers."""

    into: tuple[str, ...]


@dataclass(frozen=True)
class BalanceTotals:
    balance: Decimal
    arrears: Decimal
    accounts: int


class Loaders:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self.customer = DataLoader(self._customers)
        self.account_manager = DataLoader(self._account_managers)
        self.status_history = DataLoader(self._status_history)
        self.balance_totals = DataLoader(self._balance_totals)
        self._lists: dict[str, DataLoader[tuple[str, PageArgs], Page[Any]]] = {}

    def page(self, name: str) -> DataLoader[tuple[str, PageArgs], Page[Any]]:
        """The loader of one per-customer list (see resolvers.lists.LISTS)."""
        if name not in self._lists:
            spec = LISTS[name]

            async def batch(keys: Sequence[tuple[str, PageArgs]]) -> list[Page[Any]]:
                return await load_pages(self._sessions, spec, keys)

            self._lists[name] = DataLoader(batch)
        return self._lists[name]

    async def _customers(self, ids: Sequence[str]) -> list[GoldenCustomer | Split | None]:
        """Golden customers by id; merged ids follow their survivor, split ids say where they went."""
        current = {requested: requested for requested in ids}
        answer: dict[str, GoldenCustomer | Split | None] = {}
        rows: dict[str, GoldenCustomer] = {}
        async with self._sessions() as session:
            for _hop in range(MAX_REDIRECT_HOPS):
                pending = [requested for requested in ids if requested not in answer]
                if not pending:
                    break
                wanted = {current[requested] for requested in pending} - rows.keys()
                if wanted:
                    found = await session.execute(select(GoldenCustomer).where(GoldenCustomer.id.in_(wanted)))
                    rows.update({row.id: row for row in found.scalars()})
                redirected: list[str] = []  # requested ids whose current row is merged or split without a pointer
                for requested in pending:
                    row = rows.get(current[requested])
                    if row is None:
                        answer[requested] = None
                    elif row.status == GOLDEN_ACTIVE:
                        answer[requested] = row
                    elif row.merged_into:
                        current[requested] = row.merged_into
                    else:
                        redirected.append(requested)
                if redirected:
                    targets: dict[str, set[str]] = defaultdict(set)
                    found_redirects = await session.execute(
                        select(GoldenRedirect.from_id, GoldenRedirect.to_id).where(
                            GoldenRedirect.from_id.in_({current[requested] for requested in redirected})
                        )
                    )
                    for from_id, to_id in found_redirects:
                        targets[from_id].add(to_id)
                    for requested in redirected:
                        went = targets.get(current[requested], set())
                        if len(went) == 1:
                            current[requested] = next(iter(went))
                        else:
                            answer[requested] = Split(tuple(sorted(went))) if went else None
        return [answer.get(requested) for requested in ids]

    async def _account_managers(self, golden_ids: Sequence[str]) -> list[tuple[PartyRelation, AccountManager] | None]:
        statement = (
            select(PartyRelation, AccountManager)
            .join(
                AccountManager,
                and_(
                    AccountManager.source == func.coalesce(PartyRelation.related_source, PartyRelation.source),
                    AccountManager.source_key == PartyRelation.related_key,
                ),
            )
            .where(
                PartyRelation.golden_id.in_(set(golden_ids)),
                PartyRelation.relation == "account_manager",
                PartyRelation.deleted.is_(False),
            )
            .order_by(PartyRelation.recorded_at.desc(), PartyRelation.id.desc())
        )
        latest: dict[str, tuple[PartyRelation, AccountManager]] = {}
        async with self._sessions() as session:
            for relation, manager in (await session.execute(statement)).all():
                latest.setdefault(relation.golden_id or "", (relation, manager))
        return [latest.get(golden_id) for golden_id in golden_ids]

    async def _status_history(self, keys: Sequence[tuple[str, str]]) -> list[list[ServiceRequestStatus]]:
        statement = (
            select(ServiceRequestStatus)
            .where(tuple_(ServiceRequestStatus.source, ServiceRequestStatus.request_key).in_(list(set(keys))))
            .order_by(ServiceRequestStatus.changed_at, ServiceRequestStatus.id)
        )
        history: dict[tuple[str, str], list[ServiceRequestStatus]] = defaultdict(list)
        async with self._sessions() as session:
            for step in (await session.execute(statement)).scalars():
                history[(step.source, step.request_key)].append(step)
        return [history.get(key, []) for key in keys]

    async def _balance_totals(self, golden_ids: Sequence[str]) -> list[BalanceTotals]:
        statement = (
            select(
                Balance.golden_id,
                func.coalesce(func.sum(Balance.balance), 0),
                func.coalesce(func.sum(Balance.arrears), 0),
                func.count(),
            )
            .where(Balance.golden_id.in_(set(golden_ids)), Balance.deleted.is_(False))
            .group_by(Balance.golden_id)
        )
        async with self._sessions() as session:
            totals = {
                golden_id: BalanceTotals(Decimal(balance), Decimal(arrears), count)
                for golden_id, balance, arrears, count in (await session.execute(statement)).all()
            }
        empty = BalanceTotals(Decimal("0"), Decimal("0"), 0)
        return [totals.get(golden_id, empty) for golden_id in golden_ids]
