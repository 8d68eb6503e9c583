"""The SQLite driver-level read of party rows gives what the portable SQLAlchemy read gives."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from hub.identity.store import _PARTY_ROWS_SQL, _party_rows_core, _party_rows_sqlite
from hub.models import SourceRecord
from hub.records import PartyRecord, PhoneRef
from tests.identity.test_resolve_db import land, party


def test_driver_read_matches_the_portable_read(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("the driver-level read is SQLite's")
    land(engine, [
        PartyRecord(source="boss", source_key="A", party_type="person", name="王芳", phones=(PhoneRef(number="13812340001"),),
                    address="北京市朝阳区建国路88号", updated_at=dt.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=dt.UTC)),
        party("boss", "B", name="Zoë O'Brien \"Z\"", birth_date="1980-01-02"),
        party("boss", "C", name="李娜"),
    ])
    with Session(engine) as session, session.begin():
        session.execute(update(SourceRecord).where(SourceRecord.source_key == "C").values(deleted=True))
    with Session(engine) as session:
        ids = list(session.execute(select(SourceRecord.id)).scalars()) + [10_000]
        fast, portable = _party_rows_sqlite(session, ids), _party_rows_core(session, ids)
    assert len(fast) == 2
    assert {rid: tuple(row) for rid, row in fast.items()} == {rid: tuple(row) for rid, row in portable.items()}
    assert all(row.source_updated_at is None or row.source_updated_at.tzinfo is not None for row in fast.values())


def test_sqlite_party_read_looks_ids_up_rather_than_scanning_parties(engine: Engine) -> None:
    """Without statistics SQLite preferred the kind index for this read: every page scanned all parties."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's planner")
    land(engine, [party("boss", f"P{i}", name="张伟") for i in range(3)])
    with Session(engine) as session:
        raw = session.connection().connection.driver_connection
        plan = " ".join(row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {_PARTY_ROWS_SQL}", ("[1, 2]",)))
    assert "USING INTEGER PRIMARY KEY" in plan and "kind" not in plan
