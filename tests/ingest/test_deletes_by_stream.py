"""Unseen-record deletion by stream: a full read judges only the records its own stream delivers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from c360.hub.ingest import ingest_page, mark_unseen_deleted
from c360.hub.models import PartyRelation, SourceRecord
from c360.records import CanonicalRecord, PartyRecord, PartyRelationRecord

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
ENTERPRISES, CONTACTS = "keyaccount.enterprises", "keyaccount.contacts"
KINDS = {("keyaccount", "party"), ("keyaccount", "party_relation")}


def _party(key: str, name: str = "闽江科技有限公司") -> PartyRecord:
    return PartyRecord(source="keyaccount", source_key=key, party_type="organization", name=name, updated_at=T0)


def _manager(key: str) -> PartyRelationRecord:
    return PartyRelationRecord(source="keyaccount", source_key=key, party_source="keyaccount", party_key=key,
                               relation="account_manager", related_source="keyaccount", related_key="AM1", updated_at=T0)


def _land(engine: Engine, records: list[CanonicalRecord], at: datetime, stream: str | None) -> None:
    with Session(engine) as session, session.begin():
        ingest_page(session, records, seen_at=at, stream=stream)


def _sweep(engine: Engine, stream: str, started: datetime) -> list[int]:
    with Session(engine) as session, session.begin():
        return mark_unseen_deleted(session, KINDS, stream=stream, seen_since=started, now=started + timedelta(minutes=5))


def _state(engine: Engine) -> dict[tuple[str, str], tuple[bool, list[str]]]:
    with Session(engine) as session:
        rows = session.execute(select(SourceRecord.kind, SourceRecord.source_key, SourceRecord.deleted, SourceRecord.streams))
        return {(kind, key): (deleted, streams) for kind, key, deleted, streams in rows}


def test_a_full_read_of_one_stream_leaves_the_records_of_another_alone(engine: Engine) -> None:
    _land(engine, [_party("ent:1"), _manager("ent:1")], T0, ENTERPRISES)
    _land(engine, [_party("contact:7", "王芳")], T0 + timedelta(minutes=1), CONTACTS)
    assert len(_sweep(engine, CONTACTS, T0 + timedelta(hours=1))) == 1  # contacts read nothing: only its own goes
    state = _state(engine)
    assert state[("party", "ent:1")] == (False, [ENTERPRISES])
    assert state[("party_relation", "ent:1")] == (False, [ENTERPRISES])
    assert state[("party", "contact:7")] == (True, [CONTACTS])
    with Session(engine) as session:
        assert session.scalars(select(PartyRelation.deleted)).all() == [False]


def test_a_record_two_streams_deliver_is_flagged_only_when_neither_does(engine: Engine) -> None:
    _land(engine, [_party("ent:1")], T0, ENTERPRISES)
    _land(engine, [_party("ent:1", "闽江科技股份有限公司")], T0 + timedelta(minutes=1), CONTACTS)  # changed content
    assert _state(engine)[("party", "ent:1")] == (False, [CONTACTS, ENTERPRISES])

    assert _sweep(engine, ENTERPRISES, T0 + timedelta(hours=1)) == []
    assert _state(engine)[("party", "ent:1")] == (False, [CONTACTS])  # contacts still delivers it

    _land(engine, [_party("ent:1", "闽江科技股份有限公司")], T0 + timedelta(hours=2), CONTACTS)
    assert _sweep(engine, ENTERPRISES, T0 + timedelta(hours=3)) == []  # no longer its record at all
    assert _state(engine)[("party", "ent:1")] == (False, [CONTACTS])

    assert len(_sweep(engine, CONTACTS, T0 + timedelta(hours=4))) == 1
    assert _state(engine)[("party", "ent:1")] == (True, [CONTACTS])


def test_a_stream_that_delivers_a_known_record_for_the_first_time_joins_it(engine: Engine) -> None:
    _land(engine, [_party("ent:1")], T0, ENTERPRISES)
    _land(engine, [_party("ent:1")], T0 + timedelta(minutes=1), CONTACTS)  # unchanged content
    assert _state(engine)[("party", "ent:1")] == (False, [CONTACTS, ENTERPRISES])


def test_records_written_outside_a_stream_are_never_judged_by_a_full_read(engine: Engine) -> None:
    _land(engine, [_party("ent:9")], T0, None)  # an import: no stream delivers it
    _land(engine, [_party("ent:1")], T0, None)
    _land(engine, [_party("ent:1")], T0 + timedelta(minutes=1), ENTERPRISES)  # ... until one does
    assert _sweep(engine, ENTERPRISES, T0 + timedelta(hours=1)) != []
    state = _state(engine)
    assert state[("party", "ent:9")] == (False, [])
    assert state[("party", "ent:1")] == (True, [ENTERPRISES])


def test_a_flagged_record_seen_again_is_revived_and_keeps_its_streams(engine: Engine) -> None:
    _land(engine, [_party("ent:1"), _manager("ent:1")], T0, ENTERPRISES)
    assert len(_sweep(engine, ENTERPRISES, T0 + timedelta(hours=1))) == 2
    _land(engine, [_party("ent:1"), _manager("ent:1")], T0 + timedelta(hours=2), ENTERPRISES)
    state = _state(engine)
    assert state[("party", "ent:1")] == state[("party_relation", "ent:1")] == (False, [ENTERPRISES])
    with Session(engine) as session:
        assert session.scalars(select(PartyRelation.deleted)).all() == [False]
