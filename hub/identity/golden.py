"""Turning a partition of source records into golden customers with stable ids.

Each cluster keeps the existing golden id that holds most of its (non
event-time) members; a golden left without members is merged into the
cluster that took them (or split when they went several ways), with a
redirect and an event of its own in the event log. Survivorship and the
facts' denormalized ``golden_id`` follow.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, text, update
from sqlalchemy.orm import Session

from hub.events.log import EVENT_LOG_LOCK, NOTIFY_CHANNEL
from hub.identity.normalize import normalize_name
from hub.identity.store import chunked, current_golden
from hub.identity.survivorship import DEFAULT_RULES, Member, SurvivorshipRules, survive
from hub.models import (
    FACT_MODELS,
    CrossReference,
    EventLogEntry,
    GoldenCustomer,
    GoldenRedirect,
    PartyRelation,
    SourceRecord,
    new_golden_id,
    utcnow,
)
from hub.models.golden import GOLDEN_ACTIVE, GOLDEN_MERGED, GOLDEN_SPLIT

__all__ = ["Group", "Link", "apply_partition", "record_event", "refresh_facts"]


@dataclass(frozen=True)
class Link:
    """Why one record sits in its group: how it was matched and with what score/evidence."""

    method: str  # new | deterministic | probabilistic | steward | event_time | unresolvable
    score: float | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Group:
    members: list[int]
    anchors: set[int]  # members that are not event-time parties (they decide which id survives)
    kind: str
    resolvable: bool = True
    links: dict[int, Link] = field(default_factory=dict)


def record_event(session: Session, type_: str, golden_id: str, payload: dict[str, Any], actor: str | None = None) -> int:
    """Append an identity event to the event log the way ``hub.events.log.append_event`` does, synchronously.

    On PostgreSQL the row is inserted under the event log's ordering lock
    (``pg_advisory_xact_lock(EVENT_LOG_LOCK)``, held until this transaction
    commits, so no row with a lower ``seq`` can become visible later) and a
    ``pg_notify`` wake-up is queued for the commit. SQLite serializes writers
    already. Returns the event's ``seq``.
    """
    now = utcnow()
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": EVENT_LOG_LOCK})
    seq = session.execute(
        insert(EventLogEntry).values(
            event_id=str(uuid.uuid4()), type=type_, golden_id=golden_id, payload=payload,
            occurred_at=now, recorded_at=now, recorded_by=actor or "identity-resolution",
        ).returning(EventLogEntry.seq)
    ).scalar_one()
    if dialect == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, :seq)"), {"channel": NOTIFY_CHANNEL, "seq": str(seq)})
    return seq


def _choose_ids(groups: list[Group], before: Mapping[int, str]) -> list[str | None]:
    """Greedy, deterministic: the (group, golden) pairs sharing most anchors keep their id."""
    pairs: list[tuple[int, str, int]] = []
    for index, group in enumerate(groups):
        counts = Counter(before[m] for m in group.anchors if m in before)
        if not counts:
            counts = Counter(before[m] for m in group.members if m in before)
        pairs.extend((-count, gid, index) for gid, count in counts.items())
    chosen: list[str | None] = [None] * len(groups)
    taken: set[str] = set()
    for _, gid, index in sorted(pairs, key=lambda p: (p[0], p[1], groups[p[2]].members[0])):
        if chosen[index] is None and gid not in taken:
            chosen[index] = gid
            taken.add(gid)
    return chosen


def apply_partition(session: Session, groups: list[Group], rules: SurvivorshipRules = DEFAULT_RULES, actor: str | None = None) -> set[int]:
    """Write xrefs/goldens for ``groups`` (which must hold every member of every golden they touch).

    Returns the ids of records whose golden changed.
    """
    members = [m for g in groups for m in g.members]
    before = current_golden(session, members)
    chosen = _choose_ids(groups, before)
    now = utcnow()
    after: dict[int, str] = {}
    fresh = []
    for group, gid in zip(groups, chosen, strict=True):
        if gid is None:
            gid = new_golden_id()
            fresh.append({"id": gid, "kind": group.kind, "status": GOLDEN_ACTIVE, "resolvable": group.resolvable,
                          "profile": {}, "created_at": now, "updated_at": now})
        for m in group.members:
            after[m] = gid
    for start in range(0, len(fresh), 1000):
        session.execute(insert(GoldenCustomer), fresh[start : start + 1000])
    _retire(session, before, after, actor)
    changed = {m for m in members if before.get(m) != after[m]}
    _write_xrefs(session, groups, after, before, now)
    _refresh_goldens(session, groups, after, rules)
    refresh_facts(session, changed)
    return changed


def _retire(session: Session, before: Mapping[int, str], after: Mapping[int, str], actor: str | None) -> None:
    """Goldens that lost members: merged (all went one way) or split (several ways)."""
    kept = set(after.values())
    went: dict[str, set[str]] = defaultdict(set)
    for rid, old in before.items():
        if after.get(rid, old) != old:
            went[old].add(after[rid])
    for old, targets in sorted(went.items()):
        if old not in kept and len(targets) == 1:
            (target,) = targets
            session.execute(update(GoldenCustomer).where(GoldenCustomer.id == old).values(status=GOLDEN_MERGED, merged_into=target))
            session.add(GoldenRedirect(from_id=old, to_id=target, reason="merge"))
            record_event(session, "customer.merged", target, {"survivor": target, "merged": [old]}, actor)
        else:
            if old not in kept:
                session.execute(update(GoldenCustomer).where(GoldenCustomer.id == old).values(status=GOLDEN_SPLIT))
            for target in sorted(targets):
                session.add(GoldenRedirect(from_id=old, to_id=target, reason="split"))
            record_event(session, "customer.split", old, {"from": old, "kept": old in kept, "to": sorted(targets)}, actor)


def _write_xrefs(session: Session, groups: list[Group], after: Mapping[int, str], before: Mapping[int, str], now: dt.datetime) -> None:
    rows = []
    for group in groups:
        for m in group.members:
            link = group.links.get(m, Link("new"))
            rows.append({
                "source_record_id": m, "golden_id": after[m], "role": "self", "method": link.method,
                "score": None if link.score is None or link.score in (float("inf"), float("-inf")) else float(link.score),
                "evidence": dict(link.evidence), "matched_at": now,
            })
    existing = [r["source_record_id"] for r in rows if r["source_record_id"] in before]
    for part in chunked(existing):
        session.execute(delete(CrossReference).where(CrossReference.source_record_id.in_(part)))
    for start in range(0, len(rows), 1000):
        session.execute(insert(CrossReference), rows[start : start + 1000])


def _refresh_goldens(session: Session, groups: list[Group], after: Mapping[int, str], rules: SurvivorshipRules) -> None:
    anchors = {m for g in groups for m in g.anchors}
    by_golden: dict[str, list[int]] = defaultdict(list)
    for group in groups:
        gid = after[group.members[0]]
        by_golden[gid].extend(m for m in group.members if m in anchors)
    ids = {m for ms in by_golden.values() for m in ms}
    records: dict[int, Any] = {}
    for part in chunked(ids):
        for row in session.execute(
            select(SourceRecord.id, SourceRecord.source, SourceRecord.source_key, SourceRecord.source_updated_at, SourceRecord.raw)
            .where(SourceRecord.id.in_(part))
        ):
            records[row.id] = row
    kinds = {after[g.members[0]]: (g.kind, g.resolvable) for g in groups}
    now = utcnow()
    params = []
    for gid, rids in by_golden.items():
        members = [Member(r.source, r.source_key, r.source_updated_at, r.raw) for r in (records[i] for i in sorted(rids) if i in records)]
        profile = survive(members, rules)
        name = profile.get("name", {}).get("value")
        key = normalize_name(name).pronunciation_key if name else None
        kind, resolvable = kinds[gid]
        params.append({"b_id": gid, "v_kind": kind, "v_profile": profile, "v_name": name, "v_key": key or None, "v_resolvable": resolvable})
    table = GoldenCustomer.__table__
    statement = update(table).where(table.c.id == bindparam("b_id")).values(
        kind=bindparam("v_kind"), status=GOLDEN_ACTIVE, merged_into=None, profile=bindparam("v_profile"),
        display_name=bindparam("v_name"), name_key=bindparam("v_key"), resolvable=bindparam("v_resolvable"), updated_at=now,
    )
    for start in range(0, len(params), 1000):
        session.execute(statement, params[start : start + 1000])


def refresh_facts(session: Session, record_ids: Iterable[int]) -> None:
    """Point the facts of these party records (by the silo's party reference) at their current golden."""
    rows = []
    for part in chunked(record_ids):
        rows.extend(
            session.execute(
                select(SourceRecord.source, SourceRecord.source_key, CrossReference.golden_id)
                .join(CrossReference, CrossReference.source_record_id == SourceRecord.id)
                .where(SourceRecord.id.in_(part))
            )
        )
    if not rows:
        return
    params = [{"b_source": s, "b_key": k, "v_golden": g} for s, k, g in rows]
    for model in FACT_MODELS:
        table = model.__table__
        session.execute(
            update(table)
            .where(table.c.party_source == bindparam("b_source"), table.c.party_key == bindparam("b_key"))
            .values(golden_id=bindparam("v_golden")),
            params,
        )
    relations = PartyRelation.__table__
    session.execute(
        update(relations)
        .where(relations.c.related_source == bindparam("b_source"), relations.c.related_key == bindparam("b_key"))
        .values(related_golden_id=bindparam("v_golden")),
        params,
    )
