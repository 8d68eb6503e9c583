"""Right to erasure: remove one person's personal data from the index and the event log, keep the aggregates.

:func:`erase_customer` works on a golden customer (its id or any id merged
or split into it) in one transaction:

* its party source records (``xref``) lose every personal field in ``raw``
  and ``normalized`` (name, ID number, gender, birth date, phones, e-mails,
  address, free-form ``extra`` values) but keep their keys, kinds and
  timestamps; their ``identifier`` and ``identity_key`` rows are deleted,
  their match evidence cleared and their earlier versions
  (``source_record_version``) deleted. They are pinned together (steward
  merges, ``pin_together``) so a later full resolution keeps them in this
  customer instead of splitting them into anonymous singletons;
* its facts lose personal free text and numbers: contact summaries and
  outcomes, service-request summaries, status notes, caller names and phones; a subscription's MSISDN is
  masked (``138****8000``); bills, payments, balances, accounts, orders,
  contracts, analysis and a subscription's plan and status stay. The fact's
  source record is scrubbed the same way;
* its event-log payloads (its id and every id merged into it) lose the same
  free text (``summary``, ``outcome``, ``note``) and any contact detail;
* the golden row (and every golden merged into it) loses ``profile``,
  ``display_name`` and ``name_key``;
* every source record touched gets ``erased_at``, so a later sync of the same
  silo record keeps it erased (see :mod:`c360.hub.ingest.page`) unless
  :func:`allow_restore` set the audited override for that one record;
* one ``audit_log`` row (action ``erase``) records actor, reason and counts.

Names of staff (``agent``) are not the customer's personal data and stay.

The identifier normalizers memoize raw values per process; once an erasure has committed, the
caller empties them with :func:`forget_erased_values` (``c360.resolvers.privacy``, ``c360 erase``), and
other hub processes do when told (``c360.hub.privacy.forget``, PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.orm import Session

from c360.errors import PrivacyError
from c360.hub.identity.review import forget
from c360.hub.models import (
    AuditEntry,
    Contact,
    CrossReference,
    EventLogEntry,
    GoldenCustomer,
    GoldenRedirect,
    Identifier,
    PartyRelation,
    ServiceRequest,
    ServiceRequestStatus,
    SourceRecord,
    SourceRecordVersion,
    StewardDecision,
    Subscription,
    utcnow,
)
from c360.hub.models.epoch import advance_epoch, hold_identity_lock
from c360.hub.models.golden import GOLDEN_ACTIVE, GOLDEN_MERGED
from c360.hub.models.identity_key import IdentityKey
from c360.hub.normalize import forget_cached_values
from c360.hub.privacy.forget import announce_erasure

__all__ = [
    "ErasureError",
    "UnknownCustomer",
    "UnknownSourceRecord",
    "ErasureResult",
    "RestoreResult",
    "erase_customer",
    "forget_erased_values",
    "allow_restore",
    "resolve_customer",
    "pin_together",
    "scrub_party",
    "scrub_fact",
    "scrub_event",
    "mask_msisdn",
    "ERASED_KINDS",
]

# Party payload fields that identify or describe the person; blanked (lists emptied).
PARTY_PERSONAL = ("name", "id_number", "gender", "birth_date", "address")
PARTY_LISTS = ("phones", "emails")
# Fact and event payload fields that carry personal data or free text about the person. Free text
# (summary, outcome, note) can hold anything, a phone or an ID number included: blanked, not filtered.
FACT_PERSONAL = (
    "summary", "outcome", "note", "caller_name", "caller_phone", "phone", "callerName", "callerPhone", "email", "name",
    "id_number", "idNumber", "address",
)
ERASED_KINDS = ["name", "ric", "phone", "email", "address", "birth_date", "gender", "free_text", "msisdn"]
_MAX_HOPS = 16


class ErasureError(PrivacyError):
    """Raised when an erasure (or restore flag) cannot be done; nothing was changed."""


class UnknownCustomer(ErasureError):
    """Raised when the customer to erase does not exist, or its id was merged or split away."""

    def __init__(self, reference: str, why: str = "no golden customer with that id") -> None:
        super().__init__(f"{why}: {reference}")
        self.reference = reference


class UnknownSourceRecord(ErasureError):
    """Raised when the source record a restore flag names does not exist."""

    def __init__(self, reference: str) -> None:
        super().__init__(f"no source record {reference} (give its id or SOURCE:KIND:SOURCE_KEY)")
        self.reference = reference


@dataclass
class ErasureResult:
    customer_id: str
    erased_at: datetime
    actor: str
    reason: str
    audit_id: int
    aliases: list[str] = field(default_factory=list)
    party_records: int = 0
    fact_records: int = 0
    identifiers: int = 0
    identity_keys: int = 0
    events: int = 0


@dataclass
class RestoreResult:
    record_id: int
    source: str
    kind: str
    source_key: str
    audit_id: int


# --- pure scrubbing of payloads --------------------------------------------------------------------------------


def mask_msisdn(value: str | None) -> str | None:
    """``+8613800138000`` → ``+86138****8000``: enough to tell lines apart on a bill, not to call anyone."""
    if not value or "*" in value:
        return value
    digits = "".join(ch for ch in value if ch.isdigit())
    prefix = "+86" if value.startswith("+86") and len(digits) == 13 else ""
    local = digits[2:] if prefix else digits
    if len(local) >= 8:
        return prefix + local[:3] + "*" * (len(local) - 7) + local[-4:]
    return "*" * len(local)


def scrub_party(payload: Mapping[str, Any]) -> dict[str, Any]:
    """A party payload without personal values; keys, kinds (party type, ID type) and timestamps stay."""
    out = dict(payload)
    for name in PARTY_PERSONAL:
        if name in out:
            out[name] = None
    for name in PARTY_LISTS:
        if name in out:
            out[name] = []
    if isinstance(out.get("extra"), Mapping):
        out["extra"] = {key: None for key in out["extra"]}
    if out.get("party_type") == "person" and "credit_code" in out:
        out["credit_code"] = None
    if out.get("observed_at"):
        # a caller without a phone cannot be attached by time any more: it stays with the customer by its pin
        out["observed_at"] = None
    return out


def scrub_fact(payload: Mapping[str, Any]) -> dict[str, Any]:
    """A fact payload (contact, service request, status step, subscription) without personal values."""
    out = dict(payload)
    for name in FACT_PERSONAL:
        if name in out:
            out[name] = None
    if isinstance(out.get("msisdn"), str):
        out["msisdn"] = mask_msisdn(out["msisdn"])
    return out


def scrub_event(payload: Mapping[str, Any]) -> dict[str, Any]:
    """An event payload without free text or contact details; ids, types, statuses and times stay."""
    return scrub_fact(payload)


# --- finding what to erase --------------------------------------------------------------------------------------


def resolve_customer(session: Session, reference: str) -> tuple[GoldenCustomer, list[str]]:
    """The active golden customer ``reference`` names (following merges/splits) and every id merged into it."""
    ref = reference.strip()
    current = session.get(GoldenCustomer, ref) if ref else None
    if current is None:
        raise UnknownCustomer(reference)
    for _ in range(_MAX_HOPS):
        if current.status == GOLDEN_ACTIVE:
            break
        target: str | None = current.merged_into
        if target is None:
            went = sorted(set(session.scalars(select(GoldenRedirect.to_id).where(GoldenRedirect.from_id == current.id))))
            if len(went) != 1:
                raise UnknownCustomer(reference, f"that id was split into {', '.join(went)}; name one of them" if went else "that id leads nowhere")
            target = went[0]
        nxt = session.get(GoldenCustomer, target)
        if nxt is None:
            raise UnknownCustomer(reference, "that id leads nowhere")
        current = nxt
    else:
        raise UnknownCustomer(reference, "too many redirects from")
    return current, _aliases(session, current.id)


def _aliases(session: Session, golden_id: str) -> list[str]:
    """Every golden id that was merged into ``golden_id`` (directly or through others)."""
    found: set[str] = set()
    frontier = {golden_id}
    for _ in range(_MAX_HOPS):
        rows = set(session.scalars(select(GoldenCustomer.id).where(GoldenCustomer.merged_into.in_(frontier), GoldenCustomer.status == GOLDEN_MERGED)))
        rows |= set(session.scalars(select(GoldenRedirect.from_id).where(GoldenRedirect.to_id.in_(frontier), GoldenRedirect.reason == "merge")))
        rows -= found | {golden_id}
        if not rows:
            break
        found |= rows
        frontier = rows
    return sorted(found)


def _chunks(items: Iterable[Any], size: int = 500) -> Iterable[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _scrub_records(session: Session, ids: Iterable[int], scrub: Any, now: datetime) -> int:
    count = 0
    for part in _chunks(sorted(set(ids))):
        for record in session.scalars(select(SourceRecord).where(SourceRecord.id.in_(part))):
            record.raw = scrub(record.raw or {})
            record.normalized = {}  # derived from raw: dropped whole, built again from the scrubbed raw when needed
            record.erased_at = now
            record.restore_allowed_at = None
            count += 1
        session.execute(delete(SourceRecordVersion).where(SourceRecordVersion.source_record_id.in_(part)))
    return count


# --- the operations ----------------------------------------------------------------------------------------------


def erase_customer(session: Session, reference: str, *, actor: str, reason: str, operation: str = "erase") -> ErasureResult:
    """Erase one person's personal data (see the module docstring). The caller owns the transaction."""
    actor, reason = actor.strip(), reason.strip()
    if not actor:
        raise ErasureError("an erasure needs an actor (who asked for it)")
    if not reason:
        raise ErasureError("an erasure needs a reason (e.g. the request's reference)")
    hold_identity_lock(session)  # before any write: keys, payloads and pins change under every resolver
    golden, aliases = resolve_customer(session, reference)
    if golden.kind != "person":
        raise ErasureError(f"{golden.id} is an organization; erasure applies to a person's data")
    gid = golden.id
    everyone = [gid, *aliases]
    now = utcnow()
    result = ErasureResult(customer_id=gid, erased_at=now, actor=actor, reason=reason, audit_id=0, aliases=aliases)

    # Party records and their keys.
    parties = list(session.scalars(
        select(CrossReference.source_record_id).join(SourceRecord, SourceRecord.id == CrossReference.source_record_id)
        .where(CrossReference.golden_id == gid, SourceRecord.kind == "party")
    ))
    result.party_records = _scrub_records(session, parties, scrub_party, now)
    for part in _chunks(parties):  # a DELETE's result is a CursorResult; Session.execute's stubs say only Result
        result.identifiers += cast(CursorResult[Any], session.execute(delete(Identifier).where(Identifier.source_record_id.in_(part)))).rowcount or 0
        result.identity_keys += cast(CursorResult[Any], session.execute(delete(IdentityKey).where(IdentityKey.source_record_id.in_(part)))).rowcount or 0
        session.execute(update(CrossReference).where(CrossReference.source_record_id.in_(part)).values(evidence={}))
    pinned = pin_together(session, parties, actor)
    forget(session, parties)

    # Facts with personal free text or numbers, and their source records.
    fact_records: set[int] = set()
    for contact in session.scalars(select(Contact).where(Contact.golden_id == gid)):
        contact.summary, contact.outcome, contact.phone = None, None, None
        fact_records.add(contact.source_record_id)
    requests = list(session.scalars(select(ServiceRequest).where(ServiceRequest.golden_id == gid)))
    for request in requests:
        request.summary, request.caller_phone = None, None
        fact_records.add(request.source_record_id)
    for part in _chunks([(r.source, r.source_key) for r in requests], 200):
        for source, key in part:
            steps = list(session.scalars(select(ServiceRequestStatus).where(
                ServiceRequestStatus.source == source, ServiceRequestStatus.request_key == key)))
            for step in steps:
                step.note = None
                if step.source_record_id is not None:
                    fact_records.add(step.source_record_id)
    for subscription in session.scalars(select(Subscription).where(Subscription.golden_id == gid)):
        subscription.msisdn = mask_msisdn(subscription.msisdn)
        fact_records.add(subscription.source_record_id)
    session.execute(update(PartyRelation).where(PartyRelation.related_golden_id == gid).values(attributes={}))
    result.fact_records = _scrub_records(session, fact_records - set(parties), scrub_fact, now)

    # Event-log payloads of this customer and of every id merged into it.
    for event in session.scalars(select(EventLogEntry).where(EventLogEntry.golden_id.in_(everyone))):
        scrubbed = scrub_event(event.payload or {})
        if scrubbed != (event.payload or {}):
            event.payload = scrubbed
            result.events += 1

    # The golden rows.
    session.execute(update(GoldenCustomer).where(GoldenCustomer.id.in_(everyone)).values(
        profile={}, display_name=None, name_key=None, updated_at=now))

    advance_epoch(session)  # payloads and keys changed under every resolver's resident state
    announce_erasure(session)  # other hub processes empty their memos of raw values when this commits
    entry = AuditEntry(
        at=now, actor=actor[:128], action="erase", operation=operation[:128], customer_id=gid, fields=list(ERASED_KINDS),
        detail={
            "reason": reason, "aliases": aliases, "party_records": result.party_records, "fact_records": result.fact_records,
            "identifiers": result.identifiers, "identity_keys": result.identity_keys, "events": result.events,
            "pinned": pinned,
        },
    )
    session.add(entry)
    session.flush()
    result.audit_id = entry.id
    return result


def forget_erased_values() -> None:
    """After an erasure commits: drop this process's memo of normalized values (raw ID numbers, phones, names)."""
    forget_cached_values()


def pin_together(session: Session, record_ids: Iterable[int], actor: str) -> int:
    """Keep erased party records in one customer for good: a steward merge of the first with each other one.

    Without their identifying attributes they would become unresolvable
    singletons at the next full resolution, each under a new golden id.
    Returns how many merges were added or re-activated.
    """
    ids = sorted(set(record_ids))
    added = 0
    for other in ids[1:]:
        pair = (ids[0], other)
        row = session.scalar(select(StewardDecision).where(
            StewardDecision.left_record_id == pair[0], StewardDecision.right_record_id == pair[1], StewardDecision.decision == "merge"))
        if row is None:
            session.add(StewardDecision(left_record_id=pair[0], right_record_id=pair[1], decision="merge", decided_by=actor[:128],
                                        reason="erasure: the erased records stay one customer"))
            added += 1
        elif not row.active:
            row.active, row.decided_by, row.reason = True, actor[:128], "erasure: the erased records stay one customer"
            added += 1
    session.flush()
    return added


def _record(session: Session, reference: str) -> SourceRecord:
    value = reference.strip()
    record: SourceRecord | None = None
    if value.isdigit():
        record = session.get(SourceRecord, int(value))
    else:
        parts = value.split(":", 2)
        if len(parts) == 3 and all(parts):
            record = session.scalar(select(SourceRecord).where(
                SourceRecord.source == parts[0], SourceRecord.kind == parts[1], SourceRecord.source_key == parts[2]))
    if record is None:
        raise UnknownSourceRecord(reference)
    return record


def allow_restore(session: Session, reference: str, *, actor: str, reason: str) -> RestoreResult:
    """Let the next sync of one erased source record bring its content back (audited). The caller commits."""
    actor, reason = actor.strip(), reason.strip()
    if not actor or not reason:
        raise ErasureError("allowing a restore needs an actor and a reason")
    record = _record(session, reference)
    if record.erased_at is None:
        raise ErasureError(f"source record {record.id} ({record.source}:{record.kind}:{record.source_key}) is not erased")
    now = utcnow()
    record.restore_allowed_at = now
    golden = session.scalar(select(CrossReference.golden_id).where(CrossReference.source_record_id == record.id))
    entry = AuditEntry(
        at=now, actor=actor[:128], action="erase", operation="erase.allow-restore", customer_id=golden, fields=[],
        detail={"reason": reason, "record_id": record.id, "source": record.source, "kind": record.kind, "source_key": record.source_key},
    )
    session.add(entry)
    session.flush()
    return RestoreResult(record.id, record.source, record.kind, record.source_key, entry.id)
