"""Quarantine: records a silo sent that could not become canonical records, kept with payload and reason.

A run never stops for a bad record. ``retry_quarantined`` re-maps a stored
payload with the stream's current mapping (after the connector was fixed)
and lands it, unless the silo has sent a newer copy in the meantime.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from c360.errors import SyncError
from c360.hub.ingest import LandedRecordsHandler, NoResolution, ingest_page
from c360.hub.models import QuarantinedRecord, SourceRecord, utcnow
from c360.hub.models.epoch import hold_identity_lock
from c360.records import CanonicalRecord, InvalidRecord
from c360.sync._contract import Connector, Stream
from c360.sync.state import stream_name

__all__ = [
    "OPEN",
    "RETRIED",
    "RetryResult",
    "QuarantineNotFound",
    "encode_payload",
    "map_raw",
    "quarantine",
    "list_quarantined",
    "get_quarantined",
    "retry_quarantined",
]

OPEN, RETRIED = "open", "retried"


class QuarantineNotFound(SyncError):
    """Raised when no quarantined record has the id asked for."""


@dataclass(frozen=True)
class RetryResult:
    ok: bool
    message: str
    source_record_ids: tuple[int, ...] = ()


def encode_payload(raw: Any) -> str:
    """The raw record as JSON text when it is JSON-like, else its text as received."""
    if isinstance(raw, (str, bytes)):
        return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    try:
        return json.dumps(raw, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return repr(raw)


def map_raw(stream: Stream[Any, Any], raw: Any) -> Sequence[CanonicalRecord]:
    """``stream.records`` with every way a bad record can fail folded into InvalidRecord.

    The reason names the problem, never field values (they may be personal data).
    """
    if not isinstance(raw, Mapping):
        raise InvalidRecord(f"unparseable record: expected an object, got {type(raw).__name__}")
    try:
        return stream.records(raw)
    except InvalidRecord:
        raise
    except ValidationError as exc:
        raise InvalidRecord.from_validation(exc) from None
    except KeyError as exc:
        raise InvalidRecord(f"missing field {exc.args[0]!s}") from None
    except (TypeError, ValueError) as exc:
        # Sloppy mappings raise these on bad input; only the type is kept, the text may quote values.
        raise InvalidRecord(f"mapping failed ({type(exc).__name__})") from None


def _record_key(stream: Stream[Any, Any], raw: Any, error: InvalidRecord) -> str | None:
    if error.source_key:
        return error.source_key[:128]
    if not isinstance(raw, Mapping):
        return None
    try:
        key = stream.record_key(raw)
    except (KeyError, TypeError, ValueError):
        return None
    return None if key is None else str(key)[:128]


def quarantine(
    session: Session, connector: str, stream: Stream[Any, Any], raw: Any, error: InvalidRecord, run_id: int | None
) -> str | None:
    """Stage a quarantine row in the page's transaction; returns the record's key when known."""
    key = _record_key(stream, raw, error)
    session.add(
        QuarantinedRecord(
            connector=connector, stream=stream.name, source_key=key, payload=encode_payload(raw),
            reason=error.reason, status=OPEN, run_id=run_id,
        )
    )
    return key


def list_quarantined(session: Session, *, status: str | None = OPEN, limit: int = 100) -> list[QuarantinedRecord]:
    query = select(QuarantinedRecord).order_by(QuarantinedRecord.id.desc()).limit(limit)
    if status is not None:
        query = query.where(QuarantinedRecord.status == status)
    return list(session.scalars(query))


def get_quarantined(session: Session, quarantine_id: int) -> QuarantinedRecord:
    row = session.get(QuarantinedRecord, quarantine_id)
    if row is None:
        raise QuarantineNotFound(f"no quarantined record with id {quarantine_id}")
    return row


def _superseded(session: Session, record: CanonicalRecord) -> bool:
    """The silo sent a newer copy since: landing the old payload would turn the clock back."""
    newer = session.scalar(
        select(SourceRecord.source_updated_at).where(
            SourceRecord.source == record.source, SourceRecord.kind == record.kind,
            SourceRecord.source_key == record.source_key,
        )
    )
    return newer is not None and record.updated_at is not None and newer > record.updated_at


def retry_quarantined(
    engine: Engine,
    quarantine_id: int,
    connectors: Mapping[str, Connector],
    handler: LandedRecordsHandler | None = None,
) -> RetryResult:
    handler = handler or NoResolution()
    with Session(engine) as session, session.begin():
        hold_identity_lock(session)  # as a sync page: before any write (``c360.hub.models.epoch``)
        row = get_quarantined(session, quarantine_id)
        if row.status != OPEN:
            return RetryResult(False, f"quarantined record {quarantine_id} is already {row.status}")
        connector = connectors.get(row.connector)
        if connector is None:
            return RetryResult(False, f"connector {row.connector!r} is not configured")
        stream = next((s for s in connector.streams() if s.name == row.stream), None)
        if stream is None:
            return RetryResult(False, f"connector {row.connector!r} has no stream {row.stream!r}")
        try:
            raw = json.loads(row.payload)
            records = map_raw(stream, raw)
        except ValueError:
            return RetryResult(False, "still fails: the stored payload is not JSON")
        except InvalidRecord as exc:
            row.reason = exc.reason
            return RetryResult(False, f"still fails: {exc.reason}")
        fresh = [record for record in records if not _superseded(session, record)]
        result = ingest_page(session, fresh, seen_at=utcnow(), stream=stream_name(row.connector, row.stream))
        handler.records_landed(session, result.changed_ids, result.parties)
        row.status, row.retried_at = RETRIED, utcnow()
        skipped = len(records) - len(fresh)
        note = f" ({skipped} superseded by newer data)" if skipped else ""
        return RetryResult(True, f"landed {result.written} record(s){note}", tuple(result.changed_ids))
