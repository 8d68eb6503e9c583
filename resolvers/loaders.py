"""DataLoaders for one request: every lookup of the 360 view is batched.

Built fresh per request (or per WebSocket connection) by ``Loaders(sessions)``;
nothing is cached across requests. The pages of every list, the account
managers and the balance totals asked for in one tick are one batch (one
statement per kind). The batches of
a request share one pooled connection (:class:`SharedConnection`) and run one
after another on it: one checkout per wave of batches instead of one per list
kind, which on SQLite also avoids opening overflow connections under load (a
SQLite file is read on one connection per event-loop thread). Everything is read as Core
rows (attribute access by column name), not through an ORM session; golden customers are then
made detached ORM objects (callers test ``isinstance(row, GoldenCustomer)``).

``naive=True`` (bench only: ``C360_BENCH_NAIVE_RESOLVERS=1`` in the server's
environment) answers every ``load`` with its own statement, without batching
or caching, so ``bench/query_360.py`` can compare against the batched path.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any, Generic, TypeVar

from aiodataloader import DataLoader
from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import make_transient_to_detached

from hub.db.request_reads import SharedConnection
from hub.models import AccountManager, Balance, GoldenCustomer, GoldenRedirect, PartyRelation
from hub.models.golden import GOLDEN_ACTIVE
from resolvers.counts import Counts
from resolvers.lists import LISTS
from resolvers.pages import Page, PageArgs, load_pages, owned_by, owners_parameter

__all__ = ["Loaders", "Split", "BalanceTotals", "SharedConnection", "MAX_REDIRECT_HOPS", "NAIVE_ENV"]

MAX_REDIRECT_HOPS = 8
ACCOUNT_MANAGER = "@accountManager"  # wave kinds that are not lists (list names never start with @)
BALANCE_TOTALS = "@balanceTotals"
NAIVE_ENV = "C360_BENCH_NAIVE_RESOLVERS"  # bench only: resolve without dataloaders
K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class Split:
    """The id was split: it now stands for several customers."""

    into: tuple[str, ...]


@dataclass(frozen=True)
class BalanceTotals:
    balance: Decimal
    arrears: Decimal
    accounts: int


class _Unbatched(Generic[K, V]):
    """The DataLoader interface without batching or caching: one call of the batch function per key."""

    def __init__(self, batch: Callable[[Sequence[K]], Awaitable[list[V]]]) -> None:
        self._batch = batch

    async def load(self, key: K) -> V:
        return (await self._batch([key]))[0]

    async def load_many(self, keys: Sequence[K]) -> list[V]:
        return [await self.load(key) for key in keys]


class _Part:
    """One kind of look-up (a list, the balance totals, ...) as a part of the request's wave loader.

    ``load(key)`` is ``wave.load((name, key))``: the look-ups of all kinds asked for in one tick
    are one DataLoader batch (``Loaders._wave``).
    """

    def __init__(self, wave: DataLoader[tuple[str, Any], Any], name: str) -> None:
        self._wave = wave
        self._name = name

    def load(self, key: Any) -> Awaitable[Any]:
        return self._wave.load((self._name, key))

    def load_many(self, keys: Sequence[Any]) -> Awaitable[list[Any]]:
        return self._wave.load_many([(self._name, key) for key in keys])


class Loaders:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, naive: bool | None = None) -> None:
        self._sessions = sessions
        engine = sessions.kw["bind"]
        self._connection = SharedConnection(engine)
        self.naive = os.environ.get(NAIVE_ENV) == "1" if naive is None else naive
        self.customer = self._loader(self._customers)
        self._lists: dict[str, Any] = {}
        self._wave = DataLoader(self._read_wave)
        self._parts: dict[str, Callable[[Any, Sequence[Any]], Awaitable[list[Any]]]] = {
            ACCOUNT_MANAGER: _account_managers,
            BALANCE_TOTALS: _balance_totals,
        }
        self.account_manager = self._loader(self._account_managers) if self.naive else _Part(self._wave, ACCOUNT_MANAGER)
        self.balance_totals = self._loader(self._balance_totals) if self.naive else _Part(self._wave, BALANCE_TOTALS)
        self.count = Counts(self._connection, self._loader)  # totalCount of the lists (resolvers.counts)

    def _loader(self, batch: Callable[[Sequence[Any]], Awaitable[list[Any]]]) -> Any:
        return _Unbatched(batch) if self.naive else DataLoader(batch)

    def page(self, name: str) -> Any:
        """The loader of one per-customer list (see resolvers.lists.LISTS): ``load((owner, args))`` answers a page.

        Batched, the pages of all lists asked for in one tick share one batch: a 360 document's dozen
        lists are one task and one connection checkout instead of a dozen (a batch per list cost
        more in scheduling than its statement).
        """
        if not self.naive:
            return _Part(self._wave, name)
        if name not in self._lists:
            spec = LISTS[name]

            async def batch(keys: Sequence[tuple[str, PageArgs]]) -> list[Page[Any]]:
                async with self._connection() as connection:
                    return await load_pages(connection, spec, keys)

            self._lists[name] = self._loader(batch)
        return self._lists[name]  # type: ignore[no-any-return]

    async def _read_wave(self, keys: Sequence[tuple[str, Any]]) -> list[Any]:
        """Everything asked for in one tick, keyed (kind, key): list pages (key: owner and args), the
        account managers and the balance totals (key: golden id). One batch, one statement per kind
        (per list kind and arguments), one after another on the request's connection."""
        by_kind: dict[str, list[Any]] = defaultdict(list)
        for kind, key in keys:
            by_kind[kind].append(key)
        found: dict[tuple[str, Any], Any] = {}
        async with self._connection() as connection:
            for kind, wanted in by_kind.items():
                part = self._parts.get(kind)
                if part is not None:
                    answers = await part(connection, wanted)
                else:
                    answers = await load_pages(connection, LISTS[kind], wanted)
                found.update(((kind, key), answer) for key, answer in zip(wanted, answers, strict=True))
        return [found[key] for key in keys]

    async def _customers(self, ids: Sequence[str]) -> list[GoldenCustomer | Split | None]:
        """Golden customers by id; merged ids follow their survivor, split ids say where they went."""
        current = {requested: requested for requested in ids}
        answer: dict[str, GoldenCustomer | Split | None] = {}
        rows: dict[str, GoldenCustomer] = {}
        async with self._connection() as connection:
            for _hop in range(MAX_REDIRECT_HOPS):
                pending = [requested for requested in ids if requested not in answer]
                if not pending:
                    break
                wanted = {current[requested] for requested in pending} - rows.keys()
                if wanted:
                    found = await connection.execute(_statements(len(wanted) == 1).customers, owners_parameter(wanted))
                    rows.update({row.id: row for row in map(_golden, found)})
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
                    sources = {current[requested] for requested in redirected}
                    found_redirects = await connection.execute(
                        _statements(len(sources) == 1).redirects, owners_parameter(sources)
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

    async def _account_managers(self, golden_ids: Sequence[str]) -> list[Any | None]:
        async with self._connection() as connection:
            return await _account_managers(connection, golden_ids)

    async def _balance_totals(self, golden_ids: Sequence[str]) -> list[BalanceTotals]:
        async with self._connection() as connection:
            return await _balance_totals(connection, golden_ids)


async def _account_managers(connection: Any, golden_ids: Sequence[str]) -> list[Any | None]:
    """The latest account-manager relation per customer, as one row: the manager's columns and ``assigned_at``."""
    latest: dict[str, Any] = {}
    statement = _statements(len(set(golden_ids)) == 1).account_managers
    for row in await connection.execute(statement, owners_parameter(golden_ids)):
        latest.setdefault(row.golden_id or "", row)
    return [latest.get(golden_id) for golden_id in golden_ids]


async def _balance_totals(connection: Any, golden_ids: Sequence[str]) -> list[BalanceTotals]:
    statement = _statements(len(set(golden_ids)) == 1).balance_totals
    totals = {
        golden_id: BalanceTotals(Decimal(balance), Decimal(arrears), count)
        for golden_id, balance, arrears, count in await connection.execute(statement, owners_parameter(golden_ids))
    }
    empty = BalanceTotals(Decimal("0"), Decimal("0"), 0)
    return [totals.get(golden_id, empty) for golden_id in golden_ids]


_GOLDEN_COLUMNS = [(attribute.key, attribute.columns[0]) for attribute in GoldenCustomer.__mapper__.column_attrs]


def _golden(row: Any) -> GoldenCustomer:
    """A golden customer from a Core row of all its columns, as a query through a session would leave it
    (detached, every attribute loaded): the ORM's loading machinery cost more than the read."""
    customer = GoldenCustomer(**{key: getattr(row, key) for key, _column in _GOLDEN_COLUMNS})
    make_transient_to_detached(customer)
    return customer


@dataclass(frozen=True)
class _Statements:
    """The loaders' own statements, built once: building one costs more than running it."""

    customers: Any
    redirects: Any
    account_managers: Any
    balance_totals: Any


@lru_cache(maxsize=2)
def _statements(single: bool) -> _Statements:
    """The statements for a batch of one id (``= :owners``) or of several (``IN :owners``)."""
    return _Statements(
        customers=select(*(column.label(key) for key, column in _GOLDEN_COLUMNS)).where(owned_by(GoldenCustomer.id, single)),
        redirects=select(GoldenRedirect.from_id, GoldenRedirect.to_id).where(owned_by(GoldenRedirect.from_id, single)),
        account_managers=(
            select(
                PartyRelation.golden_id,
                PartyRelation.recorded_at.label("assigned_at"),
                AccountManager.source,
                AccountManager.source_key,
                AccountManager.name,
                AccountManager.phone,
                AccountManager.email,
                AccountManager.region,
            )
            .join(
                AccountManager,
                and_(
                    AccountManager.source == func.coalesce(PartyRelation.related_source, PartyRelation.source),
                    AccountManager.source_key == PartyRelation.related_key,
                ),
            )
            .where(
                owned_by(PartyRelation.golden_id, single),
                PartyRelation.relation == "account_manager",
                PartyRelation.deleted.is_(False),
            )
            .order_by(PartyRelation.recorded_at.desc(), PartyRelation.id.desc())
        ),
        balance_totals=(
            select(
                Balance.golden_id,
                func.coalesce(func.sum(Balance.balance), 0),
                func.coalesce(func.sum(Balance.arrears), 0),
                func.count(),
            )
            .where(owned_by(Balance.golden_id, single), Balance.deleted.is_(False))
            .group_by(Balance.golden_id)
        ),
    )
