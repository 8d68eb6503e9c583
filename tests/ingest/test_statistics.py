"""Planner statistics during bulk loads: the hub's own tables and the identity hook's are analyzed."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from c360.hub.ingest.statistics import StatisticsRefresher


def test_analyze_covers_the_records_facts_and_identity_tables(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's planner statistics")
    refresher = StatisticsRefresher(engine)
    refresher.wrote(4_999, ["subscription"])
    refresher.wrote(1, ["party"])  # 5,000 written: the first step
    with engine.connect() as connection:
        analyzed = set(connection.execute(text(
            "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() AND last_analyze IS NOT NULL"
        )).scalars())
    assert {"source_record", "identifier", "subscription", "identity_key", "xref", "golden_customer"} <= analyzed
    assert refresher.next_at == 10_000
