"""Reading the master index back in tests: the partition of party records, and what must always hold."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Engine, and_, func, select
from sqlalchemy.orm import Session

from c360.hub.models import FACT_MODELS, CrossReference, GoldenCustomer, GoldenRedirect, SourceRecord
from c360.hub.models.golden import GOLDEN_ACTIVE
from c360.hub.transfer.xref_export import xref_rows

__all__ = ["partition", "index_problems", "golden_ids", "follow", "issued_id_problems"]


def partition(engine: Engine) -> dict[str, frozenset[str]]:
    """Each party record (``source:key``) → the set of records in its customer (independent of golden ids)."""
    groups: dict[str, set[str]] = {}
    for source, key, gid in xref_rows(engine, include_deleted=True):
        if gid is not None:
            groups.setdefault(gid, set()).add(f"{source}:{key}")
    return {member: frozenset(group) for group in groups.values() for member in group}


def golden_ids(engine: Engine) -> dict[int, str]:
    """Each party record's golden id, by source record id."""
    with Session(engine) as session:
        rows = session.execute(
            select(CrossReference.source_record_id, CrossReference.golden_id)
            .join(SourceRecord, SourceRecord.id == CrossReference.source_record_id)
            .where(SourceRecord.kind == "party")
        )
        return {rid: gid for rid, gid in rows}


def follow(session: Session, golden_id: str, hops: int = 32) -> set[str]:
    """The live ids an issued golden id leads to (itself when live); raises when a chain cycles or ends nowhere."""

    def walk(gid: str, path: tuple[str, ...]) -> set[str]:
        assert gid not in path, f"redirects from {golden_id} cycle through {gid}"
        assert len(path) < hops, f"{golden_id}: more than {hops} redirects"
        row = session.execute(select(GoldenCustomer.status, GoldenCustomer.merged_into).where(GoldenCustomer.id == gid)).one()
        if row.status == GOLDEN_ACTIVE:
            return {gid}
        if row.merged_into is not None:
            return walk(row.merged_into, (*path, gid))
        targets = set(session.scalars(select(GoldenRedirect.to_id).where(GoldenRedirect.from_id == gid)))
        assert targets, f"{gid} is {row.status} and leads nowhere"
        return {live for target in sorted(targets) for live in walk(target, (*path, gid))}

    return walk(golden_id, ())


def issued_id_problems(engine: Engine) -> list[str]:
    """Golden ids that are neither live (active, with records) nor one redirect away from live ids only."""
    problems: list[str] = []
    with Session(engine) as session:
        status = {gid: state for gid, state in session.execute(select(GoldenCustomer.id, GoldenCustomer.status))}
        merged = select(GoldenCustomer.id, GoldenCustomer.merged_into).where(GoldenCustomer.merged_into.is_not(None))
        merged_into = {gid: into for gid, into in session.execute(merged)}
        held = set(session.scalars(select(CrossReference.golden_id).distinct()))
        went: dict[str, set[str]] = defaultdict(set)
        for from_id, to_id in session.execute(select(GoldenRedirect.from_id, GoldenRedirect.to_id)):
            went[from_id].add(to_id)
    for gid, state in sorted(status.items()):
        if state == GOLDEN_ACTIVE:
            if gid not in held:
                problems.append(f"{gid} is active without records")
            continue
        targets = {merged_into[gid]} if gid in merged_into else went.get(gid, set())
        if not targets:
            problems.append(f"{gid} is {state} and leads nowhere")
        elif any(status.get(t) != GOLDEN_ACTIVE for t in targets):
            problems.append(f"{gid} is {state} and leads to {sorted(targets)}, not all live")
    return problems


def index_problems(engine: Engine) -> list[str]:
    """What is wrong with the index: a live party without a golden, a golden that is not live, a fact behind its party."""
    problems: list[str] = []
    with Session(engine) as session:
        unresolved = session.scalar(
            select(func.count()).select_from(SourceRecord)
            .outerjoin(CrossReference, CrossReference.source_record_id == SourceRecord.id)
            .where(SourceRecord.kind == "party", SourceRecord.deleted.is_(False), CrossReference.golden_id.is_(None))
        )
        if unresolved:
            problems.append(f"{unresolved} live party records without a cross-reference")
        retired = session.scalar(
            select(func.count()).select_from(CrossReference)
            .join(GoldenCustomer, GoldenCustomer.id == CrossReference.golden_id)
            .where(GoldenCustomer.status != GOLDEN_ACTIVE)
        )
        if retired:
            problems.append(f"{retired} cross-references to a golden that is not active")
        for model in FACT_MODELS:
            table = model.__table__
            party = SourceRecord.__table__.alias("party")
            behind = session.scalar(
                select(func.count()).select_from(table)
                .join(party, and_(party.c.source == table.c.party_source, party.c.source_key == table.c.party_key,
                                  party.c.kind == "party"))
                .join(CrossReference.__table__, CrossReference.__table__.c.source_record_id == party.c.id)
                .where(table.c.golden_id.is_distinct_from(CrossReference.__table__.c.golden_id))
            )
            if behind:
                problems.append(f"{behind} {table.name} rows not on their party's golden")
    return problems


def runs_by_status(engine: Engine) -> dict[str, int]:
    from c360.hub.models import SyncRun

    counts: dict[str, int] = defaultdict(int)
    with Session(engine) as session:
        for status, in session.execute(select(SyncRun.status)):
            counts[status] += 1
    return dict(counts)
