"""DataLoaders for one request: every lookup of the 360 view is batched.

Built fresh per request (or per WebSocket connection) by ``Loaders(sessions)``;
nothing is cached across requests. The batches of a request share one pooled
connection (:class:`SharedConnection`) and run one after another on it: one
checkout per wave of batches instead of one per list kind, which on SQLite
also avoids opening overflow connections under load. Lists are read as Core
rows (attribute access by column name), not ORM objects; golden customers
stay ORM objects because callers test ``isinstance(row, GoldenCustomer)``.

``naive=True`` (bench only: ``C360_BENCH_NAIVE_RESOLVERS=1`` in the server's
environment) answers every ``load`` with its own statement, without batching
or caching, so ``bench/query_360.py`` can compare against the batched path.
"""

from __future__ import annotations

import asyncio
import os
import weakref
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from aiodataloader import DataLoader
from sqlalchemy import and_, event, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from hub.models import AccountManager, Balance, GoldenCustomer, GoldenRedirect, PartyRelation, ServiceRequestStatus
from hub.models.golden import GOLDEN_ACTIVE
from resolvers.lists import LISTS
from resolvers.pages import Page, PageArgs, load_pages

__all__ = ["Loaders", "Split", "BalanceTotals", "SharedConnection", "MAX_REDIRECT_HOPS", "NAIVE_ENV"]

MAX_REDIRECT_HOPS = 8
NAIVE_ENV = "C360_BENCH_NAIVE_RESOLVERS"  # bench only: resolve without dataloaders
SQLITE_THREAD_READS_ENV = "C360_SQLITE_THREAD_READS"  # "1": SQLite reads through aiosqlite's thread, as before
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


class SharedConnection:
    """One pooled connection lent to the batches of a request, one batch at a time.

    The first batch checks a connection out; it goes back to the pool when no
    batch is using or waiting for it, so nothing is held between waves or after
    the request. Batches that are dispatched together queue on the lock.

    On a SQLite file the batches instead read through :class:`_SqliteReads`, in the event loop's
    own thread (see there); ``execute`` and the ORM ``session`` look the same to the batches.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._connection: AsyncConnection | None = None
        self._users = 0
        self._lock = asyncio.Lock()
        self._sqlite = _sqlite_reads(engine)

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[Any]:
        if self._sqlite is not None:
            with self._sqlite.connect() as connection:
                yield connection
            return
        self._users += 1
        try:
            async with self._lock:
                if self._connection is None:
                    self._connection = await self._engine.connect()
                yield self._connection
        finally:
            self._users -= 1
            if self._users == 0 and self._connection is not None:
                connection, self._connection = self._connection, None
                await connection.close()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[Any]:
        """An ORM session on the shared connection (for golden customers, which stay ORM objects)."""
        async with self() as connection:
            if isinstance(connection, _SqliteConnection):
                with Session(bind=connection.connection, expire_on_commit=False) as session:
                    yield _SqliteConnection(session)
            else:
                async with AsyncSession(bind=connection, expire_on_commit=False) as session:
                    yield session


class _SqliteConnection:
    """``await x.execute(statement, params)`` over a synchronous connection or session: the statement runs now."""

    def __init__(self, target: Any) -> None:
        self.connection = target

    async def execute(self, statement: Any, parameters: Any = None) -> Any:
        return self.connection.execute(statement, parameters)


class _SqliteReads:
    """The loaders' reads of a SQLite file, run in the event loop's thread.

    Through aiosqlite every statement is several hops to its worker thread and back, which cost
    more CPU than the statement itself (≈ 0.1 ms for a page of the 360 view); see
    docs/benchmarks.md. These reads use a synchronous engine on the same file instead. In WAL mode
    (hub.db sets it) a reader never waits for a writer, and the busy timeout here is short, so the
    loop is not held up. Every statement is also reported to the async engine's
    ``before_cursor_execute``/``after_cursor_execute`` listeners, so statement counters (tests,
    bench) see the same statements as before.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        from hub.db import create_db_engine

        self.engine = create_db_engine(engine.url.render_as_string(hide_password=False))
        target = weakref.ref(engine.sync_engine)  # weak: this object is the value of a weak-keyed cache of it
        event.listen(self.engine, "connect", _short_busy_timeout)

        def before(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
            owner = target()
            if owner is not None:
                owner.dispatch.before_cursor_execute(conn, cursor, statement, parameters, context, many)

        def after(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
            owner = target()
            if owner is not None:
                owner.dispatch.after_cursor_execute(conn, cursor, statement, parameters, context, many)

        event.listen(self.engine, "before_cursor_execute", before)
        event.listen(self.engine, "after_cursor_execute", after)

    @contextmanager
    def connect(self) -> Iterator[_SqliteConnection]:
        with self.engine.connect() as connection:
            yield _SqliteConnection(connection)


def _short_busy_timeout(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_READ_BUSY_MS}")
    cursor.close()


SQLITE_READ_BUSY_MS = 2000  # a WAL reader waits only in rare cases (recovery); never hold the loop long
_SQLITE_READS: weakref.WeakKeyDictionary[Any, _SqliteReads] = weakref.WeakKeyDictionary()


def _sqlite_reads(engine: AsyncEngine) -> _SqliteReads | None:
    """The in-loop readers of a SQLite *file* engine (shared by every request on it), else None."""
    url = engine.url
    if not url.get_backend_name() == "sqlite" or not url.database or url.database == ":memory:" or "memory" in str(url.query):
        return None
    if os.environ.get(SQLITE_THREAD_READS_ENV) == "1":
        return None
    reads = _SQLITE_READS.get(engine.sync_engine)
    if reads is None:
        reads = _SQLITE_READS[engine.sync_engine] = _SqliteReads(engine)
    return reads


class _Unbatched(Generic[K, V]):
    """The DataLoader interface without batching or caching: one call of the batch function per key."""

    def __init__(self, batch: Callable[[Sequence[K]], Awaitable[list[V]]]) -> None:
        self._batch = batch

    async def load(self, key: K) -> V:
        return (await self._batch([key]))[0]

    async def load_many(self, keys: Sequence[K]) -> list[V]:
        return [await self.load(key) for key in keys]


class Loaders:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, naive: bool | None = None) -> None:
        self._sessions = sessions
        engine = sessions.kw["bind"]
        self._connection = SharedConnection(engine)
        self.naive = os.environ.get(NAIVE_ENV) == "1" if naive is None else naive
        self.customer = self._loader(self._customers)
        self.account_manager = self._loader(self._account_managers)
        self.status_history = self._loader(self._status_history)
        self.balance_totals = self._loader(self._balance_totals)
        self._lists: dict[str, Any] = {}

    def _loader(self, batch: Callable[[Sequence[Any]], Awaitable[list[Any]]]) -> Any:
        return _Unbatched(batch) if self.naive else DataLoader(batch)

    def page(self, name: str) -> DataLoader[tuple[str, PageArgs], Page[Any]]:
        """The loader of one per-customer list (see resolvers.lists.LISTS)."""
        if name not in self._lists:
            spec = LISTS[name]

            async def batch(keys: Sequence[tuple[str, PageArgs]]) -> list[Page[Any]]:
                async with self._connection() as connection:
                    return await load_pages(connection, spec, keys)

            self._lists[name] = self._loader(batch)
        return self._lists[name]  # type: ignore[no-any-return]

    async def _customers(self, ids: Sequence[str]) -> list[GoldenCustomer | Split | None]:
        """Golden customers by id; merged ids follow their survivor, split ids say where they went."""
        current = {requested: requested for requested in ids}
        answer: dict[str, GoldenCustomer | Split | None] = {}
        rows: dict[str, GoldenCustomer] = {}
        async with self._connection.session() as session:
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

    async def _account_managers(self, golden_ids: Sequence[str]) -> list[Any | None]:
        """The latest account-manager relation per customer, as one row: the manager's columns and ``assigned_at``."""
        statement = (
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
                PartyRelation.golden_id.in_(set(golden_ids)),
                PartyRelation.relation == "account_manager",
                PartyRelation.deleted.is_(False),
            )
            .order_by(PartyRelation.recorded_at.desc(), PartyRelation.id.desc())
        )
        latest: dict[str, Any] = {}
        async with self._connection() as connection:
            for row in await connection.execute(statement):
                latest.setdefault(row.golden_id or "", row)
        return [latest.get(golden_id) for golden_id in golden_ids]

    async def _status_history(self, keys: Sequence[tuple[str, str]]) -> list[list[Any]]:
        """Status steps per (source, request key), oldest first, as Core rows of ``service_request_status``."""
        statement = (
            select(*ServiceRequestStatus.__table__.c)
            .where(tuple_(ServiceRequestStatus.source, ServiceRequestStatus.request_key).in_(list(set(keys))))
            .order_by(ServiceRequestStatus.changed_at, ServiceRequestStatus.id)
        )
        history: dict[tuple[str, str], list[Any]] = defaultdict(list)
        async with self._connection() as connection:
            for step in await connection.execute(statement):
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
        async with self._connection() as connection:
            totals = {
                golden_id: BalanceTotals(Decimal(balance), Decimal(arrears), count)
                for golden_id, balance, arrears, count in (await connection.execute(statement)).all()
            }
        empty = BalanceTotals(Decimal("0"), Decimal("0"), 0)
        return [totals.get(golden_id, empty) for golden_id in golden_ids]
