"""An import keeps PostgreSQL's planner statistics current as it fills the tables (``c360.hub.ingest.statistics``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from c360.hub.transfer import import_parties


def test_an_import_analyzes_the_tables_it_fills_as_they_grow(engine: Engine, tmp_path: Path) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's planner statistics")
    path = tmp_path / "boss.jsonl"
    path.write_text("".join(json.dumps({"source_key": f"S{i}", "kind": "person", "name": "王芳", "phone": f"1391234{i:04d}"},
                                       ensure_ascii=False) + "\n" for i in range(5_000)), encoding="utf-8")
    with engine.connect() as connection:
        started = connection.execute(text("SELECT clock_timestamp()")).scalar_one()
    report = import_parties(engine, path, source="boss", page_size=2_500)
    assert report.written == 5_000
    with engine.connect() as connection:
        analyzed = set(connection.execute(text(
            "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() AND last_analyze >= :started"
        ), {"started": started}).scalars())
        sampled = set(connection.execute(text(
            "SELECT attname FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'source_record'"
        )).scalars())
    # the 5,000th record written is the refresher's first step: every table the import fills is analyzed
    assert {"source_record", "identifier", "identity_key", "xref", "golden_customer"} <= analyzed
    assert {"source", "kind", "source_key"} <= sampled  # the columns key lookups filter on
