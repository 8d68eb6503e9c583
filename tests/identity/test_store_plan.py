"""Profile and party-row reads look records up by primary key, whatever the planner knows of the table."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, Select
from sqlalchemy.orm import Session

from c360.hub.identity.store import _FORMS, _PARTY_ROWS
from tests.helpers.identity import land, party


@pytest.mark.parametrize("statement", [_FORMS, _PARTY_ROWS], ids=["normalized forms", "party rows"])
def test_reads_look_ids_up_rather_than_scanning_parties(engine: Engine, statement: Select) -> None:  # type: ignore[type-arg]
    """Without statistics SQLite preferred the kind index for such a read: every page scanned all parties."""
    land(engine, [party("boss", f"P{i}", name="张伟") for i in range(3)])
    sqlite = engine.dialect.name == "sqlite"
    with Session(engine) as session:
        sql = str(statement.compile(session.get_bind()))
        # the id list as each driver receives it (``c360.hub.db.id_lists``): JSON text for SQLite, an array for psycopg
        params: object = ("[1, 2]",) if sqlite else {"ids": [1, 2]}
        rows = session.connection().exec_driver_sql(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + sql, params)  # type: ignore[arg-type]
        plan = " ".join(str(value) for row in rows for value in row)
    if engine.dialect.name == "sqlite":
        assert "USING INTEGER PRIMARY KEY" in plan and "kind" not in plan
    else:
        assert "source_record_pkey" in plan or "Seq Scan" in plan  # a three-row table may be scanned; never by kind
        assert "ix_source_record_kind_updated" not in plan
