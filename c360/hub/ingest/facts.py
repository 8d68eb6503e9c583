"""Typed fact rows: which table each record kind lands in, and the row a record becomes.

Columns are matched to record fields by name, once per kind, so a new
column on both sides needs no code here. Writes are bulk Core statements
keyed by ``source_record_id`` (unique per fact table).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from c360.hub.models import (
    Account,
    AccountManager,
    Analysis,
    Balance,
    Bill,
    Contact,
    Contract,
    Order,
    PartyRelation,
    Payment,
    ServiceRequest,
    ServiceRequestStatus,
    Subscription,
)
from c360.records import RECORD_KINDS, CanonicalRecord

__all__ = ["FACT_TABLES", "fact_columns", "fact_row", "write_facts", "mark_facts_deleted", "chunks"]

FACT_TABLES: dict[str, Table] = {
    "account": Account.__table__,
    "subscription": Subscription.__table__,
    "order": Order.__table__,
    "bill": Bill.__table__,
    "payment": Payment.__table__,
    "balance": Balance.__table__,
    "service_request": ServiceRequest.__table__,
    "service_request_status": ServiceRequestStatus.__table__,
    "contact": Contact.__table__,
    "analysis": Analysis.__table__,
    "account_manager": AccountManager.__table__,
    "contract": Contract.__table__,
    "party_relation": PartyRelation.__table__,
}

# Kept by the hub itself (resolution, defaults), never taken from a record.
_HUB_COLUMNS = {"id", "golden_id", "related_golden_id", "source_record_id", "source_updated_at", "recorded_at"}
# Append-only history: a row is written once, when its source record first lands.
APPEND_ONLY = {"service_request_status"}
_CHUNK = 900


def chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    """Bounded IN-lists and executemany batches (SQLite caps bound parameters)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


@cache
def fact_columns(kind: str) -> tuple[str, ...]:
    """Columns of the kind's table that a record of that kind fills, by field name."""
    table = FACT_TABLES[kind]
    fields = RECORD_KINDS[kind].model_fields
    return tuple(c.name for c in table.columns if c.name in fields and c.name not in _HUB_COLUMNS)


def fact_row(record: CanonicalRecord, source_record_id: int) -> dict[str, Any]:
    row = {name: getattr(record, name) for name in fact_columns(record.kind)}
    row["source_record_id"] = source_record_id
    if "source_updated_at" in FACT_TABLES[record.kind].c:
        row["source_updated_at"] = record.updated_at
    return row


def write_facts(session: Session, kind: str, landed: Sequence[tuple[CanonicalRecord, int]]) -> None:
    """Insert or update the fact rows of records that are new or changed (not tombstones)."""
    table = FACT_TABLES.get(kind)
    if table is None or not landed:
        return
    ids = [source_record_id for _, source_record_id in landed]
    existing: set[int] = set()
    for part in chunks(ids):
        existing.update(
            session.execute(select(table.c.source_record_id).where(table.c.source_record_id.in_(part))).scalars()
        )
    fresh = [fact_row(record, rid) for record, rid in landed if rid not in existing]
    if fresh:
        session.execute(insert(table), fresh)
    if kind in APPEND_ONLY:
        return
    changed = [fact_row(record, rid) for record, rid in landed if rid in existing]
    if changed:
        columns = [name for name in changed[0] if name != "source_record_id"]
        statement = (
            update(table)
            .where(table.c.source_record_id == bindparam("b_srid"))
            .values({name: bindparam(f"v_{name}", type_=table.c[name].type) for name in columns})
        )
        params = [{"b_srid": row["source_record_id"], **{f"v_{n}": row[n] for n in columns}} for row in changed]
        session.execute(statement, params)


def mark_facts_deleted(session: Session, kind: str, source_record_ids: Sequence[int]) -> None:
    """A deleted source record keeps its fact row, flagged, so history stays readable."""
    table = FACT_TABLES.get(kind)
    if table is None or "deleted" not in table.c or not source_record_ids:
        return
    for part in chunks(list(source_record_ids)):
        session.execute(update(table).where(table.c.source_record_id.in_(part)).values(deleted=True))
