"""Steward decisions: merge, unmerge, never-merge. They win over the matcher and survive re-resolution.

Each decision is stored (``steward_decision``), audited (who, when, why) and
applied at once by re-resolving the records it concerns. An unknown record
id raises ``UnknownRecord`` before anything is written.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hub.identity.golden import record_event
from hub.identity.resolver import IdentityResolver
from hub.identity.store import current_golden
from hub.models import AuditEntry, SourceRecord, StewardDecision
from hub.models.epoch import hold_identity_lock

__all__ = ["UnknownRecord", "merge", "unmerge", "never_merge"]


class UnknownRecord(LookupError):
    """A steward named a source record the hub does not have (or that is not a party)."""

    def __init__(self, record_id: int) -> None:
        super().__init__(f"no party source record with id {record_id}")
        self.record_id = record_id


def _check(session: Session, *ids: int) -> None:
    hold_identity_lock(session)  # first, before any write: one identity writer at a time (``hub.models.epoch``)
    for rid in ids:
        kind = session.execute(select(SourceRecord.kind).where(SourceRecord.id == rid)).scalar_one_or_none()
        if kind != "party":
            raise UnknownRecord(rid)


def _decide(session: Session, left: int, right: int, decision: str, actor: str, reason: str | None, cancels: tuple[str, ...]) -> None:
    a, b = min(left, right), max(left, right)
    session.execute(
        update(StewardDecision)
        .where(StewardDecision.left_record_id == a, StewardDecision.right_record_id == b)
        .where(StewardDecision.decision.in_((*cancels, decision)))
        .values(active=False)
    )
    existing = session.execute(
        select(StewardDecision).where(
            StewardDecision.left_record_id == a, StewardDecision.right_record_id == b, StewardDecision.decision == decision
        )
    ).scalar_one_or_none()
    if existing is None:
        session.add(StewardDecision(left_record_id=a, right_record_id=b, decision=decision, decided_by=actor, reason=reason))
    else:
        existing.active, existing.decided_by, existing.reason = True, actor, reason
    golden = current_golden(session, [a, b]).get(a)
    session.add(AuditEntry(actor=actor, action="steward", operation=decision, customer_id=golden,
                           detail={"left_record_id": a, "right_record_id": b, "reason": reason}))
    session.flush()


def merge(session: Session, left: int, right: int, *, actor: str, reason: str | None = None, resolver: IdentityResolver | None = None) -> str:
    """Force two records into one customer; returns the surviving golden id."""
    _check(session, left, right)
    _decide(session, left, right, "merge", actor, reason, ("never_merge",))
    for rid in (left, right):
        session.execute(update(StewardDecision).where(StewardDecision.left_record_id == rid, StewardDecision.decision == "unmerge").values(active=False))
    (resolver or IdentityResolver()).resolve_records(session, [left, right], actor=actor)
    return current_golden(session, [left])[left]


def never_merge(session: Session, left: int, right: int, *, actor: str, reason: str | None = None, resolver: IdentityResolver | None = None) -> None:
    """Keep two records apart for good (splits them now if they are together)."""
    _check(session, left, right)
    _decide(session, left, right, "never_merge", actor, reason, ("merge",))
    (resolver or IdentityResolver()).resolve_records(session, [left, right], actor=actor)


def unmerge(session: Session, record_id: int, *, actor: str, reason: str | None = None, resolver: IdentityResolver | None = None) -> str:
    """Take one record out of its customer into a customer of its own; returns its new golden id."""
    _check(session, record_id)
    before = current_golden(session, [record_id]).get(record_id)
    _decide(session, record_id, record_id, "unmerge", actor, reason, ())
    session.execute(update(StewardDecision).where(
        (StewardDecision.left_record_id == record_id) | (StewardDecision.right_record_id == record_id),
        StewardDecision.decision == "merge").values(active=False))
    (resolver or IdentityResolver()).resolve_records(session, [record_id], actor=actor)
    after = current_golden(session, [record_id])[record_id]
    if before and before != after:
        record_event(session, "customer.unmerged", before, {"from": before, "to": after, "record_id": record_id}, actor)
    return after
