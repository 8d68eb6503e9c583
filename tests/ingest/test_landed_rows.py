"""The party rows ``ingest_page`` hands to the landed-records hook (``IngestResult.parties``) equal what reading them back returns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from c360.hub.identity.store import load_profiles, party_rows
from c360.hub.ingest import IngestResult, ingest_page, mark_unseen_deleted
from c360.hub.models import SourceRecord
from c360.records import PartyRecord, PhoneRef, SubscriptionRecord

T0 = datetime(2024, 5, 1, 8, 30, 15, 123456, tzinfo=UTC)
STREAM = "boss.customers"


def _party(key: str, name: str = "张伟", **extra: object) -> PartyRecord:
    return PartyRecord(
        source="boss", source_key=key, party_type="person", name=name, id_type="RIC",
        id_number="11010519491231002X", phones=(PhoneRef(number="138 0013 8000", since=T0),),
        emails=("Zhang.Wei@Example.COM",), updated_at=T0, extra={"vip": True, "tier": "gold", "score": 1.5}, **extra,  # type: ignore[arg-type]
    )


def _landed(engine: Engine, records: list, at: datetime = T0) -> tuple[dict, dict]:  # type: ignore[type-arg]
    """What the page hands over, and what a read of the same ids in the same transaction returns."""
    with Session(engine) as session, session.begin():
        result = ingest_page(session, records, seen_at=at, stream=STREAM)
        handed = dict(result.parties)
        read = party_rows(session, result.changed_ids)
        forms = dict(session.execute(select(SourceRecord.id, SourceRecord.normalized).where(SourceRecord.id.in_(result.changed_ids))).all())
    return handed, {rid: row._replace(normalized=forms[rid]) for rid, row in read.items()}


def _same(handed: dict, read: dict) -> None:  # type: ignore[type-arg]
    assert handed.keys() == read.keys()
    for rid, row in handed.items():
        stored_form = read[rid][-1]
        assert tuple(row)[:-1] == tuple(read[rid])[:-1]
        assert row.normalized in (None, stored_form)  # a revived record is handed over without its form
        assert row.source_updated_at.utcoffset() == read[rid][3].utcoffset() == timedelta(0)


def test_new_changed_and_revived_parties_are_handed_over_as_stored(engine: Engine) -> None:
    handed, read = _landed(engine, [_party("C1"), _party("C2", name="李娜")])
    assert len(handed) == 2
    _same(handed, read)

    handed, read = _landed(engine, [_party("C1", name="张伟伟"), _party("C2", name="李娜")], T0 + timedelta(hours=1))
    assert [row.raw["name"] for row in handed.values()] == ["张伟伟"]  # only the changed one landed
    _same(handed, read)

    with Session(engine) as session, session.begin():
        mark_unseen_deleted(session, {("boss", "party")}, stream=STREAM, seen_since=T0 + timedelta(hours=2), now=T0 + timedelta(hours=2))
    handed, read = _landed(engine, [_party("C2", name="李娜")], T0 + timedelta(hours=3))
    assert len(handed) == 1  # revived: the same content is live again
    _same(handed, read)


def test_tombstones_and_facts_are_not_handed_over(engine: Engine) -> None:
    _landed(engine, [_party("C1")])
    sub = SubscriptionRecord(
        source="boss", source_key="S1", party_source="boss", party_key="C1", msisdn="+8613800138000",
        plan_code="4G58", status="active", updated_at=T0,
    )
    with Session(engine) as session, session.begin():
        landed = ingest_page(session, [_party("C1", name="张伟伟"), sub], seen_at=T0)
        assert len(landed.parties) == 1 and len(landed.changed_ids) == 2  # the subscription is not a party row
        tombstoned = ingest_page(session, [_party("C1", deleted=True)], seen_at=T0)  # the same transaction
        assert tombstoned.parties == {} and tombstoned.unlanded == set(landed.parties)
    total = IngestResult()
    total.add(landed)
    total.add(tombstoned)
    assert total.parties == {}  # the tombstone wins: a read must see the database


def test_profiles_built_from_handed_rows_equal_profiles_built_from_the_database(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        result = ingest_page(session, [_party("C1"), _party("C2", name="王小明")], seen_at=T0)
        rows: dict = {}  # type: ignore[type-arg]
        from_handed = load_profiles(session, result.changed_ids, rows, landed=result.parties)
        from_database = load_profiles(session, result.changed_ids)
    assert from_handed == from_database
    assert set(rows) == set(result.changed_ids)
