"""Steward decisions: merge, unmerge, never-merge. They win over the matcher and survive re-resolution.

Each decision is stored (``steward_decision``), audited (who, when, why) and
applied at once by re-resolving the records it concerns. An unknown record
id raises ``UnknownRecord`` before anything is written.

A decision moves only the records it names: a merge joins two customers whole;
an unmerge (or a never-merge of two records in one customer) takes the named
record out while the others keep the customer and its id (``golden._choose_ids``
with ``leaving``), held together by recorded merges where their links ran
through it. A steward can then tell from the records alone where they went.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from c360.errors import IdentityError
from c360.hub.identity.golden import record_event
from c360.hub.identity.resolver import IdentityResolver
from c360.hub.identity.store import current_golden, current_links, golden_members
from c360.hub.models import AuditEntry, SourceRecord, StewardDecision
from c360.hub.models.epoch import hold_identity_lock

__all__ = ["KeptApart", "UnknownRecord", "merge", "never_merge", "unmerge"]


class UnknownRecord(IdentityError):
    """A steward named a source record the hub does not have (or that is not a party)."""

    def __init__(self, record_id: int) -> None:
        super().__init__(f"no party source record with id {record_id}")
        self.record_id = record_id


class KeptApart(IdentityError):
    """A merge would join two records a steward marked never-merge: refused, nothing written."""

    def __init__(self, left: int, right: int) -> None:
        super().__init__(
            f"records {left} and {right} of these customers are marked never-merge; "
            f"merge those two first if they are one customer"
        )
        self.left, self.right = left, right


def _check(session: Session, *ids: int) -> None:
    hold_identity_lock(session)  # first, before any write: one identity writer at a time (``c360.hub.models.epoch``)
    for rid in ids:
        kind = session.execute(select(SourceRecord.kind).where(SourceRecord.id == rid)).scalar_one_or_none()
        if kind != "party":
            raise UnknownRecord(rid)


def _store(session: Session, left: int, right: int, decision: str, actor: str, reason: str | None, cancels: tuple[str, ...]) -> None:
    """Make ``decision`` on the pair the active one (cancelling the decisions it overrides)."""
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


def _decide(
    session: Session, left: int, right: int, decision: str, actor: str, reason: str | None, cancels: tuple[str, ...],
) -> AuditEntry:
    """Store the decision; returns its audit entry (who, when, why), for the caller to add once it is complete.

    The audit log is append-only, so an entry is written once, with what the decision did
    (``_take_out`` adds the merges it recorded to keep records together).
    """
    _store(session, left, right, decision, actor, reason, cancels)
    a, b = min(left, right), max(left, right)
    golden = current_golden(session, [a, b]).get(a)
    return AuditEntry(actor=actor, action="steward", operation=decision, customer_id=golden,
                      detail={"left_record_id": a, "right_record_id": b, "reason": reason})


def _audit(session: Session, entry: AuditEntry) -> None:
    """Write a complete entry: the audit log takes no updates."""
    session.add(entry)
    session.flush()


def _others(session: Session, record_id: int) -> tuple[str | None, set[int]]:
    """The record's golden id and the other records that make up that customer (interaction records aside).

    Interaction records (``event_time`` links) follow the holder of their phone, so they do not
    decide whether a record is alone in its customer.
    """
    golden = current_golden(session, [record_id]).get(record_id)
    if golden is None:
        return None, set()
    members = golden_members(session, [golden]).get(golden, set()) - {record_id}
    links = current_links(session, members)
    return golden, {m for m in members if m in links and links[m][1] != "event_time"}


def _take_out(
    session: Session, record_id: int, rest: set[int], seeds: list[int], entry: AuditEntry, actor: str,
    resolver: IdentityResolver | None,
) -> None:
    """Re-resolve with ``record_id`` leaving its customer and ``rest`` (the others) staying in it, under its id.

    Where the rest was held together only through the record (a chain of merges or matches
    through it), steward merges joining the rest are stored (audited on ``entry``), so
    ``resolve --full`` keeps them together too.
    """
    stats = (resolver or IdentityResolver()).resolve_records(
        session, seeds, actor=actor, leaving=[record_id] if rest else (), together=rest,
    )
    why = f"kept together when record {record_id} was taken out of their customer"
    for a, b in stats.pinned:
        _store(session, a, b, "merge", actor, why, ("never_merge",))
    if stats.pinned:
        entry.detail = {**entry.detail, "kept_together": [[a, b] for a, b in stats.pinned]}
    _audit(session, entry)


def merge(session: Session, left: int, right: int, *, actor: str, reason: str | None = None, resolver: IdentityResolver | None = None) -> str:
    """Force the customers of two records into one; returns the surviving golden id.

    Every record of both customers moves to the survivor (the id holding most of them); an
    unmerged record stays out of automatic matching (it joins only whom a steward names).
    """
    _check(session, left, right)
    _refuse_kept_apart(session, left, right)
    _audit(session, _decide(session, left, right, "merge", actor, reason, ("never_merge",)))
    (resolver or IdentityResolver()).resolve_records(session, [left, right], actor=actor)
    return current_golden(session, [left])[left]


def never_merge(session: Session, left: int, right: int, *, actor: str, reason: str | None = None, resolver: IdentityResolver | None = None) -> None:
    """Keep two records apart for good.

    When they are in one customer now, ``right`` is taken out of it (its merges with the others
    cancelled); the others keep the customer and its id, ``right`` goes to a customer of its own
    (or joins one it matches that holds no record kept apart from it).
    """
    _check(session, left, right)
    golden, others = _others(session, right)
    entry = _decide(session, left, right, "never_merge", actor, reason, ("merge",))
    if golden is None or left not in others:
        _audit(session, entry)
        (resolver or IdentityResolver()).resolve_records(session, [left, right], actor=actor)
        return
    _cancel_merges(session, right, others)
    _take_out(session, right, others, [left, right], entry, actor, resolver)


def unmerge(session: Session, record_id: int, *, actor: str, reason: str | None = None, resolver: IdentityResolver | None = None) -> str:
    """Take one record out of its customer into a new customer of its own; returns its golden id.

    The other records keep the customer and its id; the record is kept out of automatic
    matching from now on (a steward merge still joins it). A record alone in its customer
    keeps its id.
    """
    _check(session, record_id)
    before, others = _others(session, record_id)
    entry = _decide(session, record_id, record_id, "unmerge", actor, reason, ())
    _cancel_merges(session, record_id, None)
    _take_out(session, record_id, others, [record_id], entry, actor, resolver)
    after = current_golden(session, [record_id])[record_id]
    if before and before != after:
        record_event(session, "customer.unmerged", before, {"from": before, "to": after, "record_id": record_id}, actor)
    return after


def _refuse_kept_apart(session: Session, left: int, right: int) -> None:
    """Raise ``KeptApart`` when the two customers hold a never-merge pair other than (left, right) itself.

    Merging them would have to tear one of that pair out of its customer, moving a record
    the steward did not name; the steward decides that pair first.
    """
    golden = current_golden(session, [left, right])
    sides = [golden_members(session, [golden[rid]]).get(golden[rid], set()) | {rid} if rid in golden else {rid}
             for rid in (left, right)]
    if not sides[0].isdisjoint(sides[1]):
        return
    pair = (min(left, right), max(left, right))
    for a, b in session.execute(select(StewardDecision.left_record_id, StewardDecision.right_record_id).where(
        StewardDecision.decision == "never_merge", StewardDecision.active.is_(True),
        StewardDecision.left_record_id.in_(sorted(sides[0] | sides[1])),
    )):
        if (a, b) != pair and ((a in sides[0] and b in sides[1]) or (a in sides[1] and b in sides[0])):
            raise KeptApart(a, b)


def _cancel_merges(session: Session, record_id: int, others: Collection[int] | None) -> None:
    """Deactivate the steward merges pairing ``record_id`` with any of ``others`` (``None``: with anyone)."""
    pairs = (StewardDecision.left_record_id == record_id) | (StewardDecision.right_record_id == record_id)
    if others is not None:
        listed = sorted(others)
        pairs = ((StewardDecision.left_record_id == record_id) & StewardDecision.right_record_id.in_(listed)) | (
            (StewardDecision.right_record_id == record_id) & StewardDecision.left_record_id.in_(listed)
        )
    session.execute(update(StewardDecision).where(pairs, StewardDecision.decision == "merge").values(active=False))
