from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from c360.hub.db import (
    DatabaseUnavailable,
    InvalidDatabaseUrl,
    SchemaOutdated,
    create_db_engine,
    describe_url,
    ping,
)
from c360.hub.db.migrate import current_revision, ensure_current, head_revision
from c360.hub.models import Base, EventLogEntry, GoldenCustomer, SourceRecord, new_golden_id


def test_migration_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata
        )
    assert differences == []
    assert current_revision(engine) == head_revision()


def test_timestamps_come_back_aware_in_utc(engine: Engine) -> None:
    shanghai = timezone(timedelta(hours=8))
    with Session(engine) as session:
        session.add(
            SourceRecord(
                source="boss",
                kind="party",
                source_key="C1",
                content_hash="x" * 64,
                source_updated_at=datetime(2024, 5, 1, 8, 0, tzinfo=shanghai),
            )
        )
        session.commit()
    with Session(engine) as session:
        stored = session.scalars(select(SourceRecord.source_updated_at)).one()
    assert stored == datetime(2024, 5, 1, 0, 0, tzinfo=UTC)
    assert stored.tzinfo is not None


def test_naive_timestamps_are_refused(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(SourceRecord(source="boss", kind="party", source_key="C2", content_hash="x", first_seen=datetime(2024, 1, 1)))
        with pytest.raises(Exception, match="naive datetime"):
            session.commit()


def test_event_log_sequence_is_monotonic(engine: Engine) -> None:
    now = datetime.now(UTC)
    with Session(engine) as session:
        for n in range(5):
            session.add(EventLogEntry(event_id=f"e{n}", type="contact.recorded", occurred_at=now))
            session.flush()
        session.commit()
        seqs = session.scalars(select(EventLogEntry.seq).order_by(EventLogEntry.event_id)).all()
    assert seqs == sorted(seqs) and len(set(seqs)) == 5


def test_golden_ids_are_unique_and_sortable(engine: Engine) -> None:
    ids = [new_golden_id() for _ in range(2000)]
    assert len(set(ids)) == 2000
    assert all(i.startswith("G") and len(i) == 19 for i in ids)
    time_parts = [i[1:10] for i in ids]  # the leading characters encode the minting millisecond
    assert time_parts == sorted(time_parts)
    with Session(engine) as session:
        session.add(GoldenCustomer(id=ids[0], kind="person"))
        session.commit()
        assert session.get(GoldenCustomer, ids[0]) is not None


@pytest.mark.parametrize("url", ["not a url", "mysql://root@localhost/db", "://"])
def test_invalid_url_is_one_clear_error(url: str) -> None:
    with pytest.raises(InvalidDatabaseUrl) as caught:
        create_db_engine(url)
    assert "\n" not in str(caught.value)


def test_unreachable_server_is_one_clear_error() -> None:
    engine = create_db_engine("postgresql://postgres:secret@127.0.0.1:1/nowhere")
    with pytest.raises(DatabaseUnavailable) as caught:
        ping(engine)
    message = str(caught.value)
    assert message.startswith("cannot reach database postgresql+psycopg://postgres:***@127.0.0.1:1/nowhere")
    assert "secret" not in message and "\n" not in message


def test_unmigrated_database_is_reported(fresh_database_url: object) -> None:
    engine = create_db_engine(fresh_database_url())  # type: ignore[operator]
    try:
        with pytest.raises(SchemaOutdated, match="run `c360 db upgrade`"):
            ensure_current(engine)
    finally:
        engine.dispose()


def test_describe_url_hides_password() -> None:
    assert describe_url("postgresql://u:pw@h/db") == "postgresql://u:***@h/db"
