"""Sync and steward operations behind the GraphQL API: run history, quarantine, connectors, identity decisions.

The sync engine and identity resolution are synchronous (SQLAlchemy ``Engine``
and ``Session``). Everything that writes or runs long here is a plain function
meant for a worker thread (``starlette.concurrency.run_in_threadpool``) on a
short-lived synchronous engine (:func:`sync_engine`); reads of run history,
quarantine and identity events are async keyset pages. Nothing here returns a
personal value in clear: quarantine payloads leave through
:func:`payload_fields` as ``Sensitive`` values for the masking scalar.

Errors are domain exceptions (``BadRef``, ``UnknownRef``, ``StreamsBusy`` from :mod:`c360.resolvers.errors`;
``steward.KeptApart``, ``UnknownTarget``, ``QuarantineNotFound``); ``c360.schema.errors`` maps them to codes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from c360.config import Settings
from c360.connectors import registry
from c360.hub.db import create_db_engine
from c360.hub.events.log import EVENT_LOG_LOCK, NOTIFY_CHANNEL, read_events
from c360.hub.identity import steward
from c360.hub.identity.explain import explain as explain_pair
from c360.hub.identity.matcher import Comparison
from c360.hub.identity.resolver import IdentityResolver
from c360.hub.identity.review import ReviewPair, review_pairs
from c360.hub.identity.store import current_golden
from c360.hub.models import EventLogEntry, QuarantinedRecord, SourceRecord, SyncRun
from c360.hub.models.epoch import hold_identity_lock
from c360.resolvers.errors import BadRef, StreamsBusy, UnknownRef
from c360.resolvers.sensitive import Sensitive
from c360.sync import (
    AlreadyRunning,
    QuarantineNotFound,
    RetryResult,
    RunOutcome,
    UnknownTarget,
    latest_runs,
    retry_quarantined,
    run_stream,
    select_streams,
)
from c360.sync.history import SUCCEEDED, SUCCEEDED_WITH_WARNINGS
from c360.sync.targets import is_enabled

__all__ = [
    "IDENTITY_EVENT_TYPES",
    "BadRef",
    "ConnectorInfo",
    "QuarantineNotFound",
    "RecordInfo",
    "StewardDone",
    "StreamInfo",
    "StreamsBusy",
    "TriggerOutcome",
    "UnknownRef",
    "UnknownTarget",
    "connector_status",
    "sync_status",
    "do_explain",
    "do_steward",
    "identity_events_page",
    "quarantine_filters",
    "sync_run_filters",
    "payload_fields",
    "quarantine_page",
    "quarantined_row",
    "retry",
    "runs_by_id",
    "review_queue",
    "sync_engine",
    "sync_runs_page",
    "trigger_sync",
]

IDENTITY_EVENT_TYPES = ("customer.merged", "customer.split", "customer.unmerged")


@contextmanager
def sync_engine(settings: Settings) -> Iterator[Engine]:
    """A synchronous engine on the hub's database for one operation (the sync engine and resolver need one)."""
    engine = create_db_engine(settings.database_url)
    try:
        yield engine
    finally:
        engine.dispose()


# --- run history and quarantine (async keyset pages, newest first by id) -------------------------------------


def sync_run_filters(
    connector: str | None, stream: str | None, status: str | None, outcome: str | None = None
) -> list[Any]:
    """The ``syncRuns`` filters, shared by its pages and its ``totalCount``.

    ``outcome`` (``c360.sync.history.run_outcome``) splits ``succeeded`` by whether the run quarantined records.
    """
    wanted = ((SyncRun.connector, connector), (SyncRun.stream, stream), (SyncRun.status, status))
    conditions = [column == value for column, value in wanted if value is not None]
    if outcome == SUCCEEDED_WITH_WARNINGS:
        conditions += [SyncRun.status == SUCCEEDED, SyncRun.records_quarantined > 0]
    elif outcome == SUCCEEDED:
        conditions += [SyncRun.status == SUCCEEDED, SyncRun.records_quarantined == 0]
    elif outcome is not None:
        conditions.append(SyncRun.status == outcome)
    return conditions


async def sync_runs_page(
    sessions: async_sessionmaker[AsyncSession],
    *,
    first: int,
    before_id: int | None,
    connector: str | None,
    stream: str | None,
    status: str | None,
    outcome: str | None = None,
) -> tuple[list[SyncRun], bool]:
    statement = (
        select(SyncRun).where(*sync_run_filters(connector, stream, status, outcome)).order_by(SyncRun.id.desc()).limit(first + 1)
    )
    if before_id is not None:
        statement = statement.where(SyncRun.id < before_id)
    async with sessions() as session:
        rows = list((await session.execute(statement)).scalars())
    return rows[:first], len(rows) > first


async def runs_by_id(sessions: async_sessionmaker[AsyncSession], ids: Sequence[int]) -> dict[int, SyncRun]:
    if not ids:
        return {}
    async with sessions() as session:
        return {row.id: row for row in (await session.execute(select(SyncRun).where(SyncRun.id.in_(list(ids))))).scalars()}


def quarantine_filters(status: str | None, connector: str | None) -> list[Any]:
    """The ``quarantine`` filters, shared by its pages and its ``totalCount``."""
    wanted = ((QuarantinedRecord.status, status), (QuarantinedRecord.connector, connector))
    return [column == value for column, value in wanted if value is not None]


async def quarantine_page(
    sessions: async_sessionmaker[AsyncSession],
    *,
    first: int,
    before_id: int | None,
    status: str | None,
    connector: str | None,
) -> tuple[list[QuarantinedRecord], bool]:
    statement = (
        select(QuarantinedRecord)
        .where(*quarantine_filters(status, connector))
        .order_by(QuarantinedRecord.id.desc())
        .limit(first + 1)
    )
    if before_id is not None:
        statement = statement.where(QuarantinedRecord.id < before_id)
    async with sessions() as session:
        rows = list((await session.execute(statement)).scalars())
    return rows[:first], len(rows) > first


async def quarantined_row(sessions: async_sessionmaker[AsyncSession], quarantine_id: int) -> QuarantinedRecord:
    async with sessions() as session:
        row = await session.get(QuarantinedRecord, quarantine_id)
    if row is None:
        raise QuarantineNotFound(f"no quarantined record with id {quarantine_id}")
    return row


# Which masking rule a payload field gets, by words in its name; anything else is masked as unknown.
_FIELD_KINDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("phone", "msisdn", "mobile", "tel"), "phone"),
    (("email", "mail"), "email"),
    (("address", "addr"), "address"),
    (("birth",), "birth_date"),
    (("passport",), "passport"),
    (("id_number", "idno", "id_no", "ric", "cert"), "ric"),
    (("credit_code", "uscc"), "uscc"),
    (("name",), "name"),
)


def _kind_of(name: str) -> str:
    lowered = name.lower()
    for words, kind in _FIELD_KINDS:
        if any(word in lowered for word in words):
            return kind
    return "unknown"


def _protect(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        return [_protect(kind, item) for item in value]
    if isinstance(value, Mapping):
        return Sensitive(kind, json.dumps(value, ensure_ascii=False, default=str))
    return Sensitive(kind, value)


def payload_fields(payload: str) -> list[tuple[str, Any]]:
    """(field name, value for the ``Protected`` scalar) of a stored payload; never a clear value.

    A payload that is not a JSON object comes back as one field named ``(raw)``.
    """
    try:
        raw = json.loads(payload)
    except ValueError:
        return [("(raw)", Sensitive("unknown", payload))]
    if not isinstance(raw, Mapping):
        return [("(raw)", Sensitive("unknown", payload))]
    return [(str(name), _protect(_kind_of(str(name)), value)) for name, value in raw.items()]


def retry(settings: Settings, quarantine_id: int) -> RetryResult:
    """Re-map a quarantined payload with the stream's current mapping and land it (worker thread)."""
    from c360.sync.scheduler import configured_connectors

    connectors = configured_connectors(settings)
    try:
        with sync_engine(settings) as engine:
            return retry_quarantined(engine, quarantine_id, connectors, IdentityResolver())  # type: ignore[arg-type]
    finally:
        for connector in connectors.values():
            connector.close()


# --- connectors, schedules and triggering runs -----------------------------------------------------------------


@dataclass
class StreamInfo:
    name: str
    enabled: bool
    schedule: str | None
    latest: SyncRun | None


@dataclass
class ConnectorInfo:
    name: str
    type: str
    enabled: bool
    schedule: str | None
    streams: list[StreamInfo] = field(default_factory=list)
    error: str | None = None


def _schedule_text(value: Any) -> str | None:
    """The sync engine's schedule syntax as one line: ``every 300s`` or ``cron */5 * * * *``."""
    if value is None:
        return None
    if isinstance(value, str):
        return f"cron {value}"
    if isinstance(value, Mapping) and "interval_seconds" in value:
        return f"every {value['interval_seconds']}s"
    if isinstance(value, Mapping) and "cron" in value:
        return f"cron {value['cron']}"
    return str(value)


def connector_status(settings: Settings, runs: Sequence[SyncRun]) -> list[ConnectorInfo]:
    """Every ``[connectors.NAME]`` table (enabled or not) with its streams, schedules and latest runs.

    Connectors are built only to list their streams and closed at once; a table
    that does not build is reported with its error instead of failing the query.
    """
    from c360.config import ConfigError
    from c360.connectors.errors import ConfigError as ConnectorConfigError

    latest = {(run.connector, run.stream): run for run in runs}
    found: list[ConnectorInfo] = []
    for name, table in sorted(settings.connectors.items()):
        try:
            enabled = is_enabled(table, name)
        except ConfigError as exc:
            found.append(ConnectorInfo(name, str(table.get("type", name)), False, None, error=str(exc)))
            continue
        info = ConnectorInfo(name, str(table.get("type", name)), enabled, _schedule_text(table.get("schedule")))
        try:
            connector = registry.build(name, table)
        except (ConnectorConfigError, ConfigError, KeyError, ValueError) as exc:
            info.error = str(exc).strip("'\"")
            found.append(info)
            continue
        try:
            overrides = table.get("streams", {})
            overrides = overrides if isinstance(overrides, Mapping) else {}
            for stream in connector.streams():
                own = overrides.get(stream.name, {})
                own = own if isinstance(own, Mapping) else {}
                info.streams.append(StreamInfo(
                    name=stream.name,
                    enabled=enabled and own.get("enabled", True) is not False,
                    schedule=_schedule_text(own.get("schedule")) or info.schedule,
                    latest=latest.get((name, stream.name)),
                ))
        finally:
            connector.close()
        found.append(info)
    return found


@dataclass
class TriggerOutcome:
    runs: list[RunOutcome]
    already_running: list[str]


def trigger_sync(settings: Settings, target: str, full: bool) -> TriggerOutcome:
    """Run the streams ``CONNECTOR[.STREAM]`` names, one after another (worker thread).

    A stream someone else is running is skipped; if that leaves nothing to
    run, ``StreamsBusy`` is raised. Identity resolution runs as the pages land.
    """
    from c360.sync.scheduler import configured_connectors

    connectors = configured_connectors(settings)
    try:
        selected = select_streams(connectors, target)  # type: ignore[arg-type]
        outcome = TriggerOutcome([], [])
        with sync_engine(settings) as engine:
            for name, stream in selected:
                try:
                    outcome.runs.append(run_stream(engine, name, stream, full=full, handler=IdentityResolver()))
                except AlreadyRunning:
                    outcome.already_running.append(f"{name}.{stream.name}")
        if outcome.already_running and not outcome.runs:
            raise StreamsBusy(outcome.already_running)
        return outcome
    finally:
        for connector in connectors.values():
            connector.close()


async def sync_status(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> tuple[list[ConnectorInfo], list[str]]:
    """The configured connectors with their streams' latest runs, and the connector types installed."""
    async with sessions() as session:
        runs = await session.run_sync(latest)
    found = await run_in_threadpool(connector_status, settings, runs)  # reads the connector table from disk
    return found, sorted(registry.available())


def latest(session: Session) -> list[SyncRun]:
    return latest_runs(session)


# --- identity: references, explain, review, steward ------------------------------------------------------------


@dataclass(frozen=True)
class RecordInfo:
    id: int
    source: str
    kind: str
    source_key: str
    customer_id: str | None


def resolve_ref(session: Session, argument: str, ref: str) -> int:
    """A source record id, or ``source:kind:sourceKey``; BadRef / UnknownRef name the argument."""
    value = ref.strip()
    if value.isdigit():
        found = session.scalar(select(SourceRecord.id).where(SourceRecord.id == int(value)))
    else:
        parts = value.split(":", 2)
        if len(parts) != 3 or not all(parts):
            raise BadRef(argument, ref)
        found = session.scalar(select(SourceRecord.id).where(
            SourceRecord.source == parts[0], SourceRecord.kind == parts[1], SourceRecord.source_key == parts[2]))
    if found is None:
        raise UnknownRef(argument, ref)
    return int(found)


def record_infos(session: Session, ids: Sequence[int]) -> dict[int, RecordInfo]:
    goldens = current_golden(session, ids)
    rows = session.execute(
        select(SourceRecord.id, SourceRecord.source, SourceRecord.kind, SourceRecord.source_key)
        .where(SourceRecord.id.in_(list(ids)))
    )
    return {rid: RecordInfo(rid, source, kind, key, goldens.get(rid)) for rid, source, kind, key in rows}


def _refs(session: Session, refs: Mapping[str, str]) -> dict[str, int]:
    return {argument: resolve_ref(session, argument, ref) for argument, ref in refs.items()}


@contextmanager
def _named(refs: Mapping[str, str], ids: Mapping[str, int]) -> Iterator[None]:
    """Turn the identity code's ``UnknownRecord`` (e.g. not a party) into UnknownRef naming the argument."""
    try:
        yield
    except steward.UnknownRecord as exc:
        argument = next((name for name, rid in ids.items() if rid == exc.record_id), next(iter(refs)))
        raise UnknownRef(argument, refs[argument]) from None


def do_explain(settings: Settings, left: str, right: str) -> tuple[Comparison, RecordInfo, RecordInfo]:
    """The matcher's score and comparisons for two party records (worker thread)."""
    with sync_engine(settings) as engine, Session(engine) as session:
        refs = {"left": left, "right": right}
        ids = _refs(session, refs)
        with _named(refs, ids):
            result = explain_pair(session, ids["left"], ids["right"])
        infos = record_infos(session, [ids["left"], ids["right"]])
        return result, infos[ids["left"]], infos[ids["right"]]


def review_queue(settings: Settings) -> tuple[list[ReviewPair], dict[int, RecordInfo]]:
    """Every uncertain pair, strongest first, and the records they name (worker thread)."""
    with sync_engine(settings) as engine, Session(engine) as session, session.begin():  # keeps the refreshed pairs
        pairs = review_pairs(session)
        ids = sorted({rid for pair in pairs for rid in (pair.left_record_id, pair.right_record_id)})
        return pairs, record_infos(session, ids)


@dataclass(frozen=True)
class StewardDone:
    operation: str
    customer_id: str | None
    records: list[RecordInfo]
    audit_id: int | None
    events: list[EventLogEntry]


def do_steward(settings: Settings, operation: str, refs: Mapping[str, str], actor: str, reason: str | None) -> StewardDone:
    """Apply one steward decision in one transaction; returns the records' customers afterwards (worker thread).

    The transaction takes the identity lock first (``c360.hub.models.epoch``), then on
    PostgreSQL the event log's append lock, so the ``customer.*`` events it writes
    commit in ``seq`` order like every other event, and rings subscribers' doorbells
    on commit.
    """
    from c360.hub.models import AuditEntry

    with sync_engine(settings) as engine, Session(engine, expire_on_commit=False) as session:
        with session.begin():
            postgres = engine.dialect.name == "postgresql"
            hold_identity_lock(session)  # before the event log's lock, as every identity writer takes them
            if postgres:
                session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": EVENT_LOG_LOCK})
            ids = _refs(session, refs)
            mark = session.scalar(select(EventLogEntry.seq).order_by(EventLogEntry.seq.desc()).limit(1)) or 0
            customer: str | None = None
            with _named(refs, ids):
                if operation == "merge":
                    customer = steward.merge(session, ids["left"], ids["right"], actor=actor, reason=reason)
                elif operation == "never_merge":
                    steward.never_merge(session, ids["left"], ids["right"], actor=actor, reason=reason)
                elif operation == "unmerge":
                    customer = steward.unmerge(session, ids["record"], actor=actor, reason=reason)
                else:  # pragma: no cover - the schema passes only the three above
                    raise ValueError(operation)
            session.flush()
            audit_id = session.scalar(
                select(AuditEntry.id).where(AuditEntry.action == "steward", AuditEntry.actor == actor)
                .order_by(AuditEntry.id.desc()).limit(1)
            )
            events = list(session.scalars(
                select(EventLogEntry).where(EventLogEntry.seq > mark, EventLogEntry.type.in_(IDENTITY_EVENT_TYPES))
                .order_by(EventLogEntry.seq)
            ))
            if postgres and events:
                session.execute(text("SELECT pg_notify(:channel, :seq)"),
                                {"channel": NOTIFY_CHANNEL, "seq": str(events[-1].seq)})
            infos = record_infos(session, list(ids.values()))
        return StewardDone(operation, customer, [infos[rid] for rid in ids.values()], audit_id, events)


async def identity_events_page(
    sessions: async_sessionmaker[AsyncSession], after: int, first: int
) -> tuple[list[EventLogEntry], bool]:
    """The identity events after the cursor, read as the contact feed reads the log (up to its committed horizon)."""
    rows = await read_events(sessions, after, first + 1, types=IDENTITY_EVENT_TYPES)
    return rows[:first], len(rows) > first


async def event_seq_exists(sessions: async_sessionmaker[AsyncSession], seq: int) -> bool:
    async with sessions() as session:
        return (await session.scalar(select(EventLogEntry.seq).where(EventLogEntry.seq == seq))) is not None
