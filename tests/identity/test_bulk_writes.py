"""Bulk writes from tuple rows, JSON bound without ``json.dumps``' per-call set-up, and blocking keys written without a DELETE."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from c360.hub.db.bulk_writes import insert_many
from c360.hub.identity.golden import refresh_landed_facts
from c360.hub.identity.resident import ResidentState
from c360.hub.identity.resolver import IdentityResolver
from c360.hub.identity.store import load_profiles, write_keys
from c360.hub.ingest import ingest_page
from c360.hub.models import Contact, CrossReference, GoldenCustomer, PartyRelation, SourceRecord
from c360.hub.models.identity_key import IdentityKey
from c360.hub.normalize.profile import block_keys
from c360.records import ContactRecord, PartyRecord, PartyRelationRecord, PhoneRef
from tests.helpers.identity import land, party, record_id

T0 = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
NOW = dt.datetime(2025, 3, 4, 5, 6, 7, 890123, tzinfo=dt.timezone(dt.timedelta(hours=8)))
XREFS = CrossReference.__table__
KEYS = IdentityKey.__table__
COLUMNS = ("source_record_id", "golden_id", "role", "method", "score", "evidence", "matched_at")
EVIDENCE: list[Any] = [
    {"name": "同音 ✓", "weights": [1.5, -2.0, 1e-7, 3e20], "phone": None, "nested": {"k": "Ä\n\"q\"", "t": True, "f": False}},
    {}, {"zero": 0, "big": 2**70, "ctl": "\x01\u2028\ud7ff\U0001f600"}, [], [{"a": []}],
]


def _landed(engine: Engine, count: int) -> list[int]:
    with Session(engine) as session, session.begin():
        session.execute(insert(GoldenCustomer.__table__), [{"id": "GX", "kind": "person", "profile": {}, "status": "active",
                                                            "resolvable": True, "created_at": NOW, "updated_at": NOW}])
        result = ingest_page(session, [PartyRecord(source="boss", source_key=f"C{i}", updated_at=T0, party_type="person", name="王芳")
                                       for i in range(count)], seen_at=T0)
    return sorted(result.changed_ids)


def _stored(session: Session, ids: list[int]) -> list[tuple[Any, ...]]:
    """The rows as the database holds them (JSON and timestamps as text on SQLite), without the record id."""
    rows = session.execute(select(*(XREFS.c[c] for c in COLUMNS[1:])).where(XREFS.c.source_record_id.in_(ids))
                           .order_by(XREFS.c.source_record_id)).all()
    if session.get_bind().dialect.name == "sqlite":
        marks = ", ".join("?" for _ in ids)
        sql = f"SELECT {', '.join(COLUMNS[1:])} FROM xref WHERE source_record_id IN ({marks}) ORDER BY source_record_id"
        rows += session.connection().exec_driver_sql(sql, tuple(ids)).all()
    return [tuple(row) for row in rows]


def test_tuple_rows_store_what_the_portable_insert_stores(engine: Engine) -> None:
    ids = _landed(engine, 2 * len(EVIDENCE))
    fast, slow = ids[: len(EVIDENCE)], ids[len(EVIDENCE):]
    with Session(engine) as session, session.begin():
        insert_many(session, XREFS, [(rid, "GX", "self", "probabilistic", 1.25 * i, ev, NOW) for i, (rid, ev) in
                                     enumerate(zip(fast, EVIDENCE, strict=True))], COLUMNS)
        session.execute(insert(XREFS), [dict(zip(COLUMNS, (rid, "GX", "self", "probabilistic", 1.25 * i, ev, NOW), strict=True))
                                        for i, (rid, ev) in enumerate(zip(slow, EVIDENCE, strict=True))])
    with Session(engine) as session:
        assert _stored(session, fast) == _stored(session, slow)
        assert [row[4] for row in _stored(session, fast)[: len(EVIDENCE)]] == EVIDENCE


def test_tuple_rows_without_bound_columns_go_to_the_driver_as_given(engine: Engine) -> None:
    ids = _landed(engine, 2)
    rows = [(ids[0], "id:phone:1"), (ids[0], "nm:王芳|北京"), (ids[1], "id:phone:1")]
    with Session(engine) as session, session.begin():
        insert_many(session, KEYS, rows, ("source_record_id", "key"))
    with Session(engine) as session:
        assert sorted(session.execute(select(KEYS.c.source_record_id, KEYS.c.key)).all()) == sorted(rows)


def test_a_record_known_to_hold_no_keys_is_written_without_a_delete_and_the_others_are_replaced(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        landed = ingest_page(session, [party("boss", "A", name="王芳", phones=(PhoneRef(number="13812340001"),)),
                                       party("boss", "B", name="李娜", phones=(PhoneRef(number="13812340002"),))], seen_at=T0)
        a, b = sorted(landed.changed_ids)
        profiles = load_profiles(session, [a, b])
        write_keys(session, [a], profiles)
        session.execute(insert(KEYS), [{"source_record_id": b, "key": "stale"}])  # what a wrong ``keyless`` would leave behind
        write_keys(session, [a, b], profiles, keyless={b})
        stored = sorted(session.execute(select(KEYS.c.source_record_id, KEYS.c.key)).all())
    assert stored == sorted([(a, k) for k in block_keys(profiles[a])] + [(b, k) for k in (*block_keys(profiles[b]), "stale")])


@pytest.mark.parametrize("preload_after", [0, 10_000])
def test_resident_state_knows_keyless_records_only_while_holding_the_whole_key_index(engine: Engine, preload_after: int) -> None:
    resolver = IdentityResolver()
    resolver.resident.preload_after = preload_after
    land(engine, [party("boss", "A", name="王芳", phones=(PhoneRef(number="13812340001"),))], resolver)
    land(engine, [party("boss", "A", name="王芳", phones=(PhoneRef(number="13912340009"),)),  # A's keys change: replaced
                  party("boss", "B", name="李娜", phones=(PhoneRef(number="13812340002"),))], resolver)
    a, b = record_id(engine, "boss", "A"), record_id(engine, "boss", "B")
    state = resolver.resident
    assert state.keyless([a, b, -1]) == ({-1} if preload_after == 0 else set())
    with Session(engine) as session:
        stored = sorted(session.execute(select(KEYS.c.source_record_id, KEYS.c.key)).all())
        profiles = load_profiles(session, [a, b])
    assert stored == sorted((rid, k) for rid in (a, b) for k in block_keys(profiles[rid]))
    assert ResidentState().keyless([a, -1]) == set()


def test_landed_facts_keep_a_golden_their_party_lacks_and_take_the_one_it_has(engine: Engine) -> None:
    land(engine, [party("boss", "F", name="赵敏", phones=(PhoneRef(number="13812340005"),))])
    with Session(engine) as session, session.begin():
        ids = ingest_page(session, [
            ContactRecord(source="callcenter", source_key="K1", party_source="boss", party_key="F", phone="1"),
            ContactRecord(source="callcenter", source_key="K2", party_source="boss", party_key="NOBODY", phone="2"),
            ContactRecord(source="callcenter", source_key="K3", party_source="boss", party_key="F", phone="3"),
            PartyRelationRecord(source="boss", source_key="R1", party_source="boss", party_key="NOBODY", relation="contact",
                                related_source="boss", related_key="F"),
        ], seen_at=T0).changed_ids
        kinds = dict(session.execute(select(SourceRecord.id, SourceRecord.kind).where(SourceRecord.id.in_(ids))).all())
        session.execute(insert(GoldenCustomer.__table__), [{"id": "GKEPT", "kind": "person", "profile": {}, "status": "active",
                                                            "resolvable": True, "created_at": NOW, "updated_at": NOW}])
        session.execute(Contact.__table__.update().values(golden_id="GKEPT"))
        session.execute(PartyRelation.__table__.update().values(golden_id="GKEPT", related_golden_id="GKEPT"))
        landed = {kind: [rid for rid in ids if kinds[rid] == kind] for kind in set(kinds.values())}
        landed["contact"] = [rid for rid in landed["contact"] if rid != max(landed["contact"])]  # K3 did not land: left alone
        refresh_landed_facts(session, landed)
    with Session(engine) as session:
        f = session.execute(select(CrossReference.golden_id)).scalar_one()
        assert dict(session.execute(select(Contact.source_key, Contact.golden_id)).all()) == {"K1": f, "K2": "GKEPT", "K3": "GKEPT"}
        assert session.execute(select(PartyRelation.golden_id, PartyRelation.related_golden_id)).one() == ("GKEPT", f)


def test_a_row_without_a_column_that_has_a_default_is_refused_on_every_database(engine: Engine) -> None:
    """``insert(table)`` fills such a column in and the driver path would not: both refuse, naming it."""
    rows = [{"source": "boss", "kind": "party", "source_key": "K1", "content_hash": "0" * 64}]
    with Session(engine) as session, session.begin(), pytest.raises(ValueError, match="deleted"):
        insert_many(session, SourceRecord.__table__, rows)


def test_source_records_landed_store_what_the_portable_insert_stores(engine: Engine) -> None:
    """The ingest writes new source records through ``insert_many``: the same stored text as ``insert(table)``."""
    (landed,) = _landed(engine, 1)
    table = SourceRecord.__table__
    with Session(engine) as session, session.begin():
        row = session.execute(select(table).where(table.c.id == landed)).mappings().one()
        session.execute(insert(table), [{k: v for k, v in row.items() if k != "id"} | {"source_key": "copy"}])
    with Session(engine) as session:
        names = [c.name for c in table.columns if c.name not in ("id", "source_key")]
        text = session.connection().exec_driver_sql(
            f"SELECT {', '.join(names)} FROM source_record ORDER BY id").all()
        assert len(text) == 2 and text[0] == text[1]


def test_a_refused_row_fails_the_batch_as_any_statement_does(engine: Engine) -> None:
    ids = _landed(engine, 1)
    with Session(engine) as session, pytest.raises(IntegrityError):  # SQLAlchemy's error, whichever way the rows went
        with session.begin():
            insert_many(session, KEYS, [(ids[0], "id:phone:refused"), (10**15, "id:phone:refused")], ("source_record_id", "key"))
    with Session(engine) as session:
        assert session.execute(select(KEYS.c.key).where(KEYS.c.key == "id:phone:refused")).all() == []


def test_a_connection_lost_during_a_copy_is_invalidated_and_the_next_session_gets_a_new_one(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's COPY")
    ids = _landed(engine, 1)
    with Session(engine) as session, pytest.raises(OperationalError) as lost:
        with session.begin():
            pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
            with engine.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            insert_many(session, KEYS, [(ids[0], "id:phone:lost")], ("source_record_id", "key"))
    assert lost.value.connection_invalidated
    with Session(engine) as session, session.begin():
        insert_many(session, KEYS, [(ids[0], "id:phone:kept")], ("source_record_id", "key"))
    with Session(engine) as session:
        assert session.execute(select(KEYS.c.key).where(KEYS.c.key.like("id:phone:%")).order_by(KEYS.c.key)).scalars().all() == ["id:phone:kept"]
