"""Sync and steward operations: run history, connector status, quarantine, explain, review, steward decisions.

Queries: ``syncRuns``, ``syncStatus``, ``quarantine``, ``quarantinedRecord``,
``explain``, ``reviewQueue``, ``identityEvents``. Mutations: ``triggerSync``,
``retryQuarantined``, ``stewardMerge``, ``stewardNeverMerge``, ``stewardUnmerge``.
Long or writing work runs in a worker thread (``run_in_threadpool``) so the
event loop keeps serving. Two seams for access control live here, each one
function: :func:`steward_actor` (who is deciding) and the quarantine payload,
which leaves only through the ``Protected`` masking scalar.
"""

from __future__ import annotations

import enum
import math
from datetime import datetime
from typing import Any

import strawberry
from starlette.concurrency import run_in_threadpool

from c360.hub.identity.review import ReviewPair as ReviewRow
from c360.hub.identity.steward import KeptApart
from c360.hub.models import EventLogEntry, QuarantinedRecord
from c360.hub.models import SyncRun as SyncRunRow
from c360.resolvers import operations as ops
from c360.resolvers.counts import count_rows
from c360.resolvers.pages import MAX_FIRST, InvalidCursor, Page, decode_cursor, encode_cursor
from c360.schema.context import ANONYMOUS, HubContext, Info
from c360.schema.errors import BadUserInput, NotFound, api_error
from c360.schema.masking import Protected
from c360.schema.pagination import DEFAULT_FIRST, Connection, Total, known_total, to_connection
from c360.sync.history import FAILED, RUNNING, SUCCEEDED, SUCCEEDED_WITH_WARNINGS, run_outcome

__all__ = ["OperationsQuery", "OperationsMutation", "OPERATIONS_PERMISSIONS", "steward_actor", "ACTOR_HEADER"]

ACTOR_HEADER = "X-C360-Actor"
_MAX_ACTOR = 128
_MAX_REASON = 2000
MAX_EVENT_PAGE = 500


# The scope each root field of this module needs, for the access-control table (c360.schema.permissions.PERMISSIONS).
OPERATIONS_PERMISSIONS: dict[tuple[str, str], str] = {
    ("Query", "syncRuns"): "sync:admin",
    ("Query", "syncStatus"): "sync:admin",
    ("Query", "quarantine"): "sync:admin",
    ("Query", "quarantinedRecord"): "sync:admin",
    ("Mutation", "triggerSync"): "sync:admin",
    ("Mutation", "retryQuarantined"): "sync:admin",
    ("Query", "explain"): "steward",
    ("Query", "reviewQueue"): "steward",
    ("Mutation", "stewardMerge"): "steward",
    ("Mutation", "stewardNeverMerge"): "steward",
    ("Mutation", "stewardUnmerge"): "steward",
    ("Query", "identityEvents"): "steward",
}


def steward_actor(context: HubContext) -> str:
    """Who a steward decision is recorded as. The one place access control swaps in the authenticated caller.

    Until then: the caller's name when it is not anonymous, else the
    ``X-C360-Actor`` request header (trimmed, ≤ 128 characters), else "anonymous".
    """
    caller = context.caller
    if caller is not ANONYMOUS and caller.name != ANONYMOUS.name:
        return caller.name[:_MAX_ACTOR]
    request = context.request
    header = request.headers.get(ACTOR_HEADER) if request is not None else None
    return (header or "").strip()[:_MAX_ACTOR] or ANONYMOUS.name


# --- types --------------------------------------------------------------------------------------------------------


@strawberry.enum(description="How a sync run stands.")
class SyncRunStatus(enum.Enum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@strawberry.enum(
    description="How a sync run ended, telling a success that quarantined records (SUCCEEDED_WITH_WARNINGS) from a clean one."
)
class SyncRunOutcome(enum.Enum):
    RUNNING = RUNNING
    SUCCEEDED = SUCCEEDED
    SUCCEEDED_WITH_WARNINGS = SUCCEEDED_WITH_WARNINGS
    FAILED = FAILED


@strawberry.enum(description="Whether a quarantined record still waits for a retry.")
class QuarantineStatus(enum.Enum):
    OPEN = "open"
    RETRIED = "retried"
    RESOLVED = "resolved"


@strawberry.type(description="One run of one stream of a connector.")
class SyncRun:
    id: strawberry.ID
    connector: str
    stream: str
    full: bool
    status: str = strawberry.field(description="running, succeeded or failed")
    outcome: SyncRunOutcome = strawberry.field(
        description="The status, with SUCCEEDED_WITH_WARNINGS for a run that succeeded but quarantined records "
        "(`recordsQuarantined` > 0; see `quarantine`). `status` stays `succeeded` for those runs."
    )
    started_at: datetime
    finished_at: datetime | None
    records_read: int
    records_written: int
    records_quarantined: int
    records_deleted: int
    error: str | None = strawberry.field(description="One line, never a payload.")

    @classmethod
    def of(cls, row: SyncRunRow) -> SyncRun:
        return cls(
            id=strawberry.ID(str(row.id)), connector=row.connector, stream=row.stream, full=row.full,
            status=row.status, outcome=SyncRunOutcome(run_outcome(row.status, row.records_quarantined)),
            started_at=row.started_at, finished_at=row.finished_at,
            records_read=row.records_read, records_written=row.records_written,
            records_quarantined=row.records_quarantined, records_deleted=row.records_deleted, error=row.error,
        )


@strawberry.type(description="A configured stream: its schedule and its latest run.")
class StreamStatus:
    name: str
    enabled: bool
    schedule: str | None = strawberry.field(description="e.g. 'every 300s' or 'cron */5 * * * *'; null: on demand only.")
    latest_run: SyncRun | None


@strawberry.type(description="A configured connector (a [connectors.NAME] table).")
class ConnectorStatus:
    name: str
    type: str
    enabled: bool
    schedule: str | None
    error: str | None = strawberry.field(description="Why the table does not build, if it does not.")
    streams: list[StreamStatus]


@strawberry.type(description="Connectors, streams, schedules and the latest run of every stream.")
class SyncStatus:
    connectors: list[ConnectorStatus]
    available_connector_types: list[str]


@strawberry.type(description="One field of a quarantined payload; the value only ever leaves masked.")
class PayloadField:
    name: str
    value: Protected | None


@strawberry.type(name="QuarantinedRecord", description="A record a silo sent that could not become a canonical record.")
class QuarantinedRecordType:
    id: strawberry.ID
    connector: str
    stream: str
    source_key: str | None
    status: str = strawberry.field(description="open, retried or resolved")
    reason: str = strawberry.field(description="What was wrong, naming fields, never their values.")
    run_id: strawberry.ID | None
    created_at: datetime
    retried_at: datetime | None
    payload: list[PayloadField] = strawberry.field(
        description="The raw record field by field, through the masking policy (access control may add a clear view)."
    )

    @classmethod
    def of(cls, row: QuarantinedRecord) -> QuarantinedRecordType:
        return cls(
            id=strawberry.ID(str(row.id)), connector=row.connector, stream=row.stream, source_key=row.source_key,
            status=row.status, reason=row.reason, run_id=strawberry.ID(str(row.run_id)) if row.run_id else None,
            created_at=row.created_at, retried_at=row.retried_at,
            payload=[PayloadField(name=name, value=value) for name, value in ops.payload_fields(row.payload)],
        )


@strawberry.type(description="What triggerSync did: the runs it made and the streams others were already running.")
class TriggerSyncResult:
    runs: list[SyncRun]
    already_running: list[str] = strawberry.field(description="CONNECTOR.STREAM skipped because a run holds them.")


@strawberry.type(description="The outcome of retrying one quarantined record.")
class RetryQuarantinedResult:
    ok: bool
    message: str
    record: QuarantinedRecordType
    source_record_ids: list[strawberry.ID]


@strawberry.type(description="A source record as identity resolution sees it.")
class RecordRef:
    id: strawberry.ID
    source: str
    kind: str
    source_key: str
    customer_id: strawberry.ID | None = strawberry.field(description="Its golden customer now, if resolved.")

    @classmethod
    def of(cls, info: ops.RecordInfo) -> RecordRef:
        return cls(id=strawberry.ID(str(info.id)), source=info.source, kind=info.kind, source_key=info.source_key,
                   customer_id=strawberry.ID(info.customer_id) if info.customer_id else None)


@strawberry.type(description="One comparison of the matcher: field, outcome and its weight (never the values).")
class FieldComparison:
    field: str
    outcome: str = strawberry.field(description="agree, agree_sound, partial, disagree, ignored …")
    weight: float | None = strawberry.field(description="Null when a rule decides alone (e.g. different ID numbers).")


@strawberry.type(description="Why two records would (not) be one customer.")
class MatchExplanation:
    left: RecordRef
    right: RecordRef
    score: float | None = strawberry.field(description="Summed weights; null when a rule decided alone (±infinity).")
    decision: str = strawberry.field(description="match, review, non_match or never")
    rule: str | None = strawberry.field(description="The deterministic rule that decided, if any.")
    comparisons: list[FieldComparison]


@strawberry.type(description="An uncertain pair for a steward: score in the review band.")
class ReviewPair:
    left: RecordRef
    right: RecordRef
    score: float
    reasons: list[FieldComparison]


@strawberry.type(description="A steward decision as applied and audited.")
class StewardResult:
    operation: str = strawberry.field(description="merge, never_merge or unmerge")
    actor: str
    reason: str | None
    customer_id: strawberry.ID | None = strawberry.field(description="Survivor (merge) or new customer (unmerge).")
    records: list[RecordRef] = strawberry.field(description="The records named, with their customers afterwards.")
    audit_id: strawberry.ID | None
    events: list[IdentityEvent]


@strawberry.type(description="An identity event of the hub's log: customer ids that became others.")
class IdentityEvent:
    cursor: str = strawberry.field(description="Pass as `after` to resume right after this event.")
    seq: int
    event_id: strawberry.ID
    type: str = strawberry.field(description="customer.merged, customer.split or customer.unmerged")
    customer_id: strawberry.ID | None
    from_ids: list[strawberry.ID] = strawberry.field(description="Customer ids before.")
    to_ids: list[strawberry.ID] = strawberry.field(description="Customer ids after (X became Y).")
    record_id: strawberry.ID | None = strawberry.field(description="The source record moved (unmerge).")
    occurred_at: datetime
    recorded_by: str | None

    @classmethod
    def of(cls, row: EventLogEntry) -> IdentityEvent:
        payload: dict[str, Any] = row.payload or {}

        def ids(value: Any) -> list[strawberry.ID]:
            values = value if isinstance(value, list) else [] if value is None else [value]
            return [strawberry.ID(str(v)) for v in values]

        if row.type == "customer.merged":
            before, after = ids(payload.get("merged")), ids(payload.get("survivor"))
        else:  # customer.split / customer.unmerged: {"from": X, "to": Y or [Y…]}
            before, after = ids(payload.get("from")), ids(payload.get("to"))
        record = payload.get("record_id")
        return cls(
            cursor=encode_cursor(["event", row.seq]), seq=row.seq, event_id=strawberry.ID(row.event_id),
            type=row.type, customer_id=strawberry.ID(row.golden_id) if row.golden_id else None,
            from_ids=before, to_ids=after, record_id=strawberry.ID(str(record)) if record is not None else None,
            occurred_at=row.occurred_at, recorded_by=row.recorded_by,
        )


# --- helpers ------------------------------------------------------------------------------------------------------


def _first(first: int | None, limit: int = MAX_FIRST) -> int:
    count = DEFAULT_FIRST if first is None else first
    if not 0 <= count <= limit:
        raise BadUserInput("first", f"must be between 0 and {limit}")
    return count


def _after_id(after: str | None, list_name: str) -> int | None:
    if after is None:
        return None
    try:
        payload = decode_cursor(after, list_name)
    except InvalidCursor as exc:
        raise api_error(exc, field="after") from None
    if len(payload) != 2 or not isinstance(payload[1], int):
        raise BadUserInput("after", f"not a cursor of the {list_name} list")
    return payload[1]


def _connection(rows: list[Any], has_next: bool, cursor: Any, convert: Any, total: Total) -> Connection[Any]:
    return to_connection(Page(rows, has_next, cursor), convert, total)


def _counted(info: Info, model: Any, conditions: list[Any]) -> Total:
    """``totalCount`` of a list read straight from one table: one statement, only when the field is asked for."""

    async def total() -> int:
        return await count_rows(info.context.sessions, model, *conditions)

    return total


def _int_id(value: strawberry.ID, argument: str) -> int:
    text = str(value).strip()
    if not text.isdigit():
        raise BadUserInput(argument, "must be a numeric id")
    return int(text)


def _reason(reason: str | None) -> str | None:
    if reason is not None and len(reason) > _MAX_REASON:
        raise BadUserInput("reason", f"at most {_MAX_REASON} characters")
    return reason.strip() or None if reason is not None else None


async def _identity(call: Any, *args: Any) -> Any:
    """Run an identity operation in a worker thread, mapping bad and unknown references to codes."""
    try:
        return await run_in_threadpool(call, *args)
    except (ops.BadRef, ops.UnknownRef) as exc:
        raise api_error(exc, field=exc.argument) from None
    except KeptApart as exc:
        raise api_error(exc, keptApart=[str(exc.left), str(exc.right)]) from None


def _finite(value: float) -> float | None:
    """A score or weight for JSON: rules that decide alone use ±inf, shown as null (see `decision`/`rule`)."""
    return round(value, 2) if math.isfinite(value) else None


def _comparisons(verdicts: Any) -> list[FieldComparison]:
    return [FieldComparison(field=v.field, outcome=v.outcome, weight=_finite(v.weight)) for v in verdicts]


def _steward_result(done: ops.StewardDone, actor: str, reason: str | None) -> StewardResult:
    return StewardResult(
        operation=done.operation, actor=actor, reason=reason,
        customer_id=strawberry.ID(done.customer_id) if done.customer_id else None,
        records=[RecordRef.of(r) for r in done.records],
        audit_id=strawberry.ID(str(done.audit_id)) if done.audit_id is not None else None,
        events=[IdentityEvent.of(e) for e in done.events],
    )


def _review_cursor(pair: ReviewRow) -> str:
    return encode_cursor(["review", pair.score, pair.left_record_id, pair.right_record_id])


# --- root fields --------------------------------------------------------------------------------------------------


@strawberry.type
class OperationsQuery:
    @strawberry.field(description="Sync runs, newest first. `outcome: SUCCEEDED_WITH_WARNINGS` finds the runs that "
                                  "quarantined records; `status: SUCCEEDED` finds every run that succeeded, as always.")
    async def sync_runs(
        self, info: Info, connector: str | None = None, stream: str | None = None,
        status: SyncRunStatus | None = None, first: int | None = None, after: str | None = None,
        outcome: SyncRunOutcome | None = None,
    ) -> Connection[SyncRun]:
        count, before = _first(first), _after_id(after, "syncRun")
        wanted = status.value if status else None
        ended = outcome.value if outcome else None
        rows, more = await ops.sync_runs_page(
            info.context.sessions, first=count, before_id=before, connector=connector, stream=stream, status=wanted,
            outcome=ended,
        )
        total = _counted(info, SyncRunRow, ops.sync_run_filters(connector, stream, wanted, ended))
        return _connection(rows, more, lambda r: encode_cursor(["syncRun", r.id]), SyncRun.of, total)

    @strawberry.field(description="Configured connectors and streams, their schedules and latest runs.")
    async def sync_status(self, info: Info) -> SyncStatus:
        found, available = await ops.sync_status(info.context.sessions, info.context.settings)
        return SyncStatus(
            connectors=[
                ConnectorStatus(
                    name=c.name, type=c.type, enabled=c.enabled, schedule=c.schedule, error=c.error,
                    streams=[StreamStatus(name=s.name, enabled=s.enabled, schedule=s.schedule,
                                          latest_run=SyncRun.of(s.latest) if s.latest else None) for s in c.streams],
                )
                for c in found
            ],
            available_connector_types=available,
        )

    @strawberry.field(description="Quarantined records, newest first (open ones unless `status` says otherwise).")
    async def quarantine(
        self, info: Info, status: QuarantineStatus | None = QuarantineStatus.OPEN, connector: str | None = None,
        first: int | None = None, after: str | None = None,
    ) -> Connection[QuarantinedRecordType]:
        count, before = _first(first), _after_id(after, "quarantine")
        wanted = status.value if status else None
        rows, more = await ops.quarantine_page(
            info.context.sessions, first=count, before_id=before, status=wanted, connector=connector,
        )
        total = _counted(info, QuarantinedRecord, ops.quarantine_filters(wanted, connector))
        return _connection(rows, more, lambda r: encode_cursor(["quarantine", r.id]), QuarantinedRecordType.of, total)

    @strawberry.field(description="One quarantined record: where it came from, why, and its (masked) payload.")
    async def quarantined_record(self, info: Info, id: strawberry.ID) -> QuarantinedRecordType:
        try:
            row = await ops.quarantined_row(info.context.sessions, _int_id(id, "id"))
        except ops.QuarantineNotFound as exc:
            raise api_error(exc, field="id") from None
        return QuarantinedRecordType.of(row)

    @strawberry.field(description="The score of two party records and the comparisons that drove it. "
                                  "`left`/`right`: a source record id or source:kind:sourceKey.")
    async def explain(self, info: Info, left: strawberry.ID, right: strawberry.ID) -> MatchExplanation:
        result, a, b = await _identity(ops.do_explain, info.context.settings, str(left), str(right))
        return MatchExplanation(left=RecordRef.of(a), right=RecordRef.of(b), score=_finite(result.score),
                                decision=result.decision, rule=result.rule, comparisons=_comparisons(result.verdicts))

    @strawberry.field(description="Uncertain pairs (score in the review band) for a steward, strongest first.")
    async def review_queue(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[ReviewPair]:
        count = _first(first)
        start: tuple[float, int, int] | None = None
        if after is not None:
            try:
                payload = decode_cursor(after, "review")
            except InvalidCursor as exc:
                raise api_error(exc, field="after") from None
            if len(payload) != 4 or not isinstance(payload[1], (int, float)) or not all(isinstance(p, int) for p in payload[2:]):
                raise BadUserInput("after", "not a cursor of the review list")
            start = (-float(payload[1]), payload[2], payload[3])
        pairs, infos = await run_in_threadpool(ops.review_queue, info.context.settings)
        total = known_total(len(pairs))
        if start is not None:
            pairs = [p for p in pairs if (-p.score, p.left_record_id, p.right_record_id) > start]
        return _connection(
            pairs[:count], len(pairs) > count, _review_cursor,
            lambda p: ReviewPair(left=RecordRef.of(infos[p.left_record_id]), right=RecordRef.of(infos[p.right_record_id]),
                                 score=_finite(p.score) or 0.0, reasons=_comparisons(p.reasons)),
            total,
        )

    @strawberry.field(description="Merges, splits and unmerges in log order: which customer ids became which. "
                                  "Cursors are those of the event log (contactEvents).")
    async def identity_events(self, info: Info, after: str | None = None, first: int = 100) -> Connection[IdentityEvent]:
        count = _first(first, MAX_EVENT_PAGE)
        seq = _after_id(after, "event") or 0
        if after is not None and not await ops.event_seq_exists(info.context.sessions, seq):
            raise NotFound("no event with this cursor in the log", field="after")
        rows, more = await ops.identity_events_page(info.context.sessions, seq, count)
        total = _counted(info, EventLogEntry, [EventLogEntry.type.in_(ops.IDENTITY_EVENT_TYPES)])
        return _connection(rows, more, lambda r: encode_cursor(["event", r.seq]), IdentityEvent.of, total)


@strawberry.type
class OperationsMutation:
    @strawberry.mutation(description="Run CONNECTOR or CONNECTOR.STREAM now (identity resolution included); "
                                     "CONFLICT when every named stream is already running.")
    async def trigger_sync(self, info: Info, target: str, full: bool = False) -> TriggerSyncResult:
        try:
            done = await run_in_threadpool(ops.trigger_sync, info.context.settings, target.strip(), full)
        except ops.UnknownTarget as exc:
            raise api_error(exc, field="target") from None
        except ops.StreamsBusy as exc:
            raise api_error(exc, streams=exc.streams) from None
        rows = await ops.runs_by_id(info.context.sessions, [run.run_id for run in done.runs])
        runs = [SyncRun.of(rows[run.run_id]) for run in done.runs if run.run_id in rows]
        return TriggerSyncResult(runs=runs, already_running=done.already_running)

    @strawberry.mutation(description="Map a quarantined payload again with the stream's current mapping and land it.")
    async def retry_quarantined(self, info: Info, id: strawberry.ID) -> RetryQuarantinedResult:
        quarantine_id = _int_id(id, "id")
        try:
            result = await run_in_threadpool(ops.retry, info.context.settings, quarantine_id)
        except ops.QuarantineNotFound as exc:
            raise api_error(exc, field="id") from None
        row = await ops.quarantined_row(info.context.sessions, quarantine_id)
        return RetryQuarantinedResult(
            ok=result.ok, message=result.message, record=QuarantinedRecordType.of(row),
            source_record_ids=[strawberry.ID(str(i)) for i in result.source_record_ids],
        )

    @strawberry.mutation(description="Join the customers of two party records into one (audited; wins over the matcher). "
                                     "CONFLICT (keptApart) when they hold a pair marked never-merge.")
    async def steward_merge(self, info: Info, left: strawberry.ID, right: strawberry.ID, reason: str | None = None) -> StewardResult:
        actor, why = steward_actor(info.context), _reason(reason)
        done = await _identity(ops.do_steward, info.context.settings, "merge", {"left": str(left), "right": str(right)}, actor, why)
        return _steward_result(done, actor, why)

    @strawberry.mutation(description="Keep two party records apart for good (audited). If they are in one customer, "
                                     "right is taken out of it; the others keep its id.")
    async def steward_never_merge(self, info: Info, left: strawberry.ID, right: strawberry.ID, reason: str | None = None) -> StewardResult:
        actor, why = steward_actor(info.context), _reason(reason)
        done = await _identity(ops.do_steward, info.context.settings, "never_merge", {"left": str(left), "right": str(right)}, actor, why)
        return _steward_result(done, actor, why)

    @strawberry.mutation(description="Take one party record out of its customer into a new customer (audited); "
                                     "the others keep the customer and its id.")
    async def steward_unmerge(self, info: Info, record: strawberry.ID, reason: str | None = None) -> StewardResult:
        actor, why = steward_actor(info.context), _reason(reason)
        done = await _identity(ops.do_steward, info.context.settings, "unmerge", {"record": str(record)}, actor, why)
        return _steward_result(done, actor, why)
