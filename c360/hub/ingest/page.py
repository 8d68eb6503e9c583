"""``ingest_page``: one page of canonical records into the master index, in bulk.

Per (source, kind) one SELECT finds the records already known; new ones
are inserted in one executemany, changed ones get their previous content
copied to ``source_record_version`` by one INSERT ... SELECT and are
updated in one executemany, unchanged ones only get ``last_seen``. The
caller owns the transaction: records, facts, identifiers (and the stream's
cursor) commit together or not at all. Each record's payload is built once,
for its hash and its row, and the live party rows written are left in the
session for the ingest hook (``c360.hub.ingest.landed``).

Each record keeps the set of streams that deliver it (``source_record.streams``):
the stream landing the page joins it, so a later full read of one stream can
tell its records from those another stream of the silo brings
(``c360.hub.ingest.deletes``). Joining costs a write only the first time a stream
delivers a record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import bindparam, insert, literal, select, update
from sqlalchemy.orm import Session

from c360.hub.db.bulk_writes import insert_many
from c360.hub.ingest.facts import chunks, mark_facts_deleted, write_facts
from c360.hub.ingest.hashing import payload_hash
from c360.hub.ingest.identifiers import rewrite_identifiers
from c360.hub.ingest.landed import PartyRow
from c360.hub.ingest.status import apply_latest_status
from c360.hub.models import SourceRecord, SourceRecordVersion
from c360.hub.normalize.normal_form import normal_form
from c360.hub.normalize.profile import build_profile
from c360.records import CanonicalRecord, PartyRecord

__all__ = ["IngestResult", "ingest_page"]

_SR = SourceRecord.__table__
_VERSIONS = SourceRecordVersion.__table__


@dataclass
class IngestResult:
    """What one page did to the index: the hand-over to identity resolution.

    ``changed_ids`` go to the landed-records hook, with ``parties``: the live party rows as this page
    wrote them (payload and normalized form), so the hook need not read them back.
    """

    written: int = 0
    unchanged: int = 0
    deleted: int = 0
    erased_kept: int = 0
    changed_ids: list[int] = field(default_factory=list)
    parties: dict[int, PartyRow] = field(default_factory=dict)
    unlanded: set[int] = field(default_factory=set)  # party rows deleted by this page: a read must see the database

    def add(self, other: IngestResult) -> None:
        self.written += other.written
        self.unchanged += other.unchanged
        self.deleted += other.deleted
        self.erased_kept += other.erased_kept
        self.changed_ids.extend(other.changed_ids)
        for rid in other.unlanded:
            self.parties.pop(rid, None)
        self.unlanded |= other.unlanded
        self.parties.update(other.parties)


@dataclass(frozen=True)
class _Known:
    id: int
    content_hash: str
    deleted: bool
    erased: bool
    restore: bool = False  # an audited `c360 erase --allow-restore` lets the next sync bring it back
    streams: tuple[str, ...] = ()


def _known(session: Session, source: str, kind: str, keys: Sequence[str]) -> dict[str, _Known]:
    found: dict[str, _Known] = {}
    for part in chunks(keys):
        rows = session.execute(
            select(
                _SR.c.source_key, _SR.c.id, _SR.c.content_hash, _SR.c.deleted, _SR.c.erased_at, _SR.c.restore_allowed_at,
                _SR.c.streams,
            ).where(_SR.c.source == source, _SR.c.kind == kind, _SR.c.source_key.in_(part))
        )
        for key, id_, hash_, deleted, erased_at, restore_at, streams in rows:
            found[key] = _Known(id_, hash_, bool(deleted), erased_at is not None, restore_at is not None, tuple(streams or ()))
    return found


def _joined(streams: Sequence[str], stream: str | None) -> list[str]:
    """The record's streams once ``stream`` delivered it (sorted, so equal sets compare equal)."""
    return sorted({*streams, stream}) if stream is not None else list(streams)


def _content(
    record: CanonicalRecord, payload: dict[str, Any], hash_: str, seen_at: datetime, streams: list[str],
    normalized: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "raw": payload,
        "normalized": normalized or {},
        "content_hash": hash_,
        "source_updated_at": record.updated_at,
        "last_seen": seen_at,
        "deleted": record.deleted,
        "deleted_at": seen_at if record.deleted else None,
        "erased_at": None,
        "restore_allowed_at": None,
        "streams": streams,
    }


def _insert_new(
    session: Session, source: str, kind: str, new: list[tuple[CanonicalRecord, str]], seen_at: datetime,
    payloads: dict[str, dict[str, Any]], forms: dict[str, dict[str, Any]], stream: str | None,
) -> dict[str, int]:
    """Plain executemany, then one keyed SELECT for the ids.

    Cheaper than INSERT ... RETURNING here: psycopg pipelines an executemany,
    while a RETURNING batch becomes one huge statement to build and parse.
    """
    streams = _joined((), stream)
    rows = [
        {"source": source, "kind": kind, "source_key": r.source_key, "version": 1, "first_seen": seen_at,
         **_content(r, payloads[r.source_key], h, seen_at, streams, forms.get(r.source_key))}
        for r, h in new
    ]
    insert_many(session, _SR, rows)
    return {key: known.id for key, known in _known(session, source, kind, [r.source_key for r, _ in new]).items()}


def _update_changed(
    session: Session, changed: list[tuple[CanonicalRecord, str, _Known]], seen_at: datetime, payloads: dict[str, dict[str, Any]],
    forms: dict[str, dict[str, Any]], stream: str | None,
) -> None:
    ids = [known.id for _, _, known in changed]
    for part in chunks(ids):
        history = select(
            _SR.c.id, _SR.c.version, _SR.c.raw, _SR.c.content_hash, _SR.c.source_updated_at,
            literal(seen_at, _VERSIONS.c.recorded_at.type),
        ).where(_SR.c.id.in_(part))
        session.execute(
            insert(_VERSIONS).from_select(
                ["source_record_id", "version", "raw", "content_hash", "source_updated_at", "recorded_at"], history
            )
        )
    first = changed[0][0]
    names = list(_content(first, payloads[first.source_key], changed[0][1], seen_at, [], forms.get(first.source_key)))
    statement = (
        update(_SR)
        .where(_SR.c.id == bindparam("b_id"))
        .values(version=_SR.c.version + 1, **{n: bindparam(f"v_{n}", type_=_SR.c[n].type) for n in names})
    )
    params = [
        {"b_id": known.id,
         **{f"v_{n}": v for n, v in _content(
             r, payloads[r.source_key], h, seen_at, _joined(known.streams, stream), forms.get(r.source_key)).items()}}
        for r, h, known in changed
    ]
    session.execute(statement, params)


def _touch(session: Session, ids: Sequence[int], seen_at: datetime, *, delete: bool = False) -> None:
    values: dict[str, Any] = {"last_seen": seen_at}
    if delete:
        values |= {"deleted": True, "deleted_at": seen_at}
    for part in chunks(list(ids)):
        session.execute(update(_SR).where(_SR.c.id.in_(part)).values(**values))


def _join_streams(session: Session, joining: Sequence[_Known], stream: str) -> None:
    """Records this stream delivers for the first time (content unchanged): it joins their streams."""
    statement = update(_SR).where(_SR.c.id == bindparam("b_id")).values(streams=bindparam("v_streams", type_=_SR.c.streams.type))
    session.execute(statement, [{"b_id": known.id, "v_streams": _joined(known.streams, stream)} for known in joining])


def _revive(session: Session, ids: Sequence[int], seen_at: datetime) -> None:
    """Seen again after a full sync missed it: the same content is live once more."""
    for part in chunks(list(ids)):
        session.execute(update(_SR).where(_SR.c.id.in_(part)).values(last_seen=seen_at, deleted=False, deleted_at=None))


def _ingest_group(
    session: Session, source: str, kind: str, records: Sequence[CanonicalRecord], seen_at: datetime, stream: str | None
) -> IngestResult:
    result = IngestResult()
    known = _known(session, source, kind, [r.source_key for r in records])
    new: list[tuple[CanonicalRecord, str]] = []
    changed: list[tuple[CanonicalRecord, str, _Known]] = []
    unchanged: list[int] = []
    revived: list[tuple[CanonicalRecord, int]] = []
    erased_deleted: list[int] = []
    payloads: dict[str, dict[str, Any]] = {}
    for record in records:
        payload = payloads[record.source_key] = record.payload()
        hash_ = payload_hash(payload)
        old = known.get(record.source_key)
        if old is None:
            new.append((record, hash_))
        elif old.erased and not old.restore:
            # Erased personal data stays erased unless the audited override is set for this record.
            result.erased_kept += 1
            (erased_deleted if record.deleted and not old.deleted else unchanged).append(old.id)
        elif old.content_hash != hash_ or old.erased:
            changed.append((record, hash_, old))
        elif old.deleted and not record.deleted:
            revived.append((record, old.id))
        else:
            unchanged.append(old.id)

    # A party is normalized once, as it lands (``c360.hub.normalize.normal_form``); tombstones need no form
    forms = {
        r.source_key: normal_form(build_profile(0, source, r.source_key, payloads[r.source_key]))
        for r in (*(n[0] for n in new), *(c[0] for c in changed)) if kind == "party" and not r.deleted
    }
    landed: list[tuple[CanonicalRecord, int]] = []
    if new:
        ids = _insert_new(session, source, kind, new, seen_at, payloads, forms, stream)
        landed.extend((record, ids[record.source_key]) for record, _ in new)
    if changed:
        _update_changed(session, changed, seen_at, payloads, forms, stream)
        landed.extend((record, known_.id) for record, _, known_ in changed)
    if stream is not None:
        rewritten = {known_.id for _, _, known_ in changed}
        joining = [old for old in known.values() if stream not in old.streams and old.id not in rewritten]
        if joining:
            _join_streams(session, joining, stream)
    if unchanged:
        _touch(session, unchanged, seen_at)
    if erased_deleted:
        _touch(session, erased_deleted, seen_at, delete=True)
        mark_facts_deleted(session, kind, erased_deleted)
    if revived:
        _revive(session, [rid for _, rid in revived], seen_at)
        landed.extend(revived)

    tombstones = [rid for record, rid in landed if record.deleted]
    live = [(record, rid) for record, rid in landed if not record.deleted]
    known_ids = {k.id for k in known.values()}
    first_tombstones = [(record, rid) for record, rid in landed if record.deleted and rid not in known_ids]
    write_facts(session, kind, live + first_tombstones)
    mark_facts_deleted(session, kind, tombstones)
    if kind == "party":
        parties = [(cast(PartyRecord, record), rid) for record, rid in live]
        rewrite_identifiers(session, parties, replace=bool(changed or revived))
        # The rows as just written, handed to the landed-records hook with the result: it need not read them back
        result.parties = {
            rid: PartyRow(rid, source, record.source_key, record.updated_at, payloads[record.source_key], forms.get(record.source_key))
            for record, rid in live
        }
        result.unlanded = {*tombstones, *erased_deleted}
    if kind in ("service_request", "service_request_status"):
        request_keys = {getattr(r, "request_key", None) or r.source_key for r, _ in landed}
        apply_latest_status(session, source, sorted(request_keys))

    result.written = len(landed)
    result.unchanged = len(unchanged)
    result.deleted = len(tombstones) + len(erased_deleted)
    result.changed_ids = [rid for _, rid in landed] + erased_deleted
    return result


def ingest_page(
    session: Session, records: Sequence[CanonicalRecord], *, seen_at: datetime, stream: str | None = None
) -> IngestResult:
    """Upsert one page of canonical records; the caller commits (with the cursor that covers them).

    ``stream`` (``connector.stream``, ``c360.sync.state.stream_name``) is the sync stream delivering the
    page; None for writers outside a stream (``c360 import``), which leave the records' streams as they are.
    """
    groups: dict[tuple[str, str], dict[str, CanonicalRecord]] = defaultdict(dict)
    for record in records:
        groups[(record.source, record.kind)][record.source_key] = record  # the last copy in a page wins
    total = IngestResult()
    # Parties first, so facts of the same page find their party's identifiers in place.
    for (source, kind), by_key in sorted(groups.items(), key=lambda item: (item[0][1] != "party", item[0])):
        total.add(_ingest_group(session, source, kind, list(by_key.values()), seen_at, stream))
    return total
