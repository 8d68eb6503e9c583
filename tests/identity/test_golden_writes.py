"""Golden writes: the SQLite driver path stores what the portable SQLAlchemy statements store; landed facts find their golden."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.orm import Session

from c360.hub.db.bulk_writes import insert_many, update_many
from c360.hub.identity.golden import refresh_landed_facts
from c360.hub.identity.resolver import IdentityResolver
from c360.hub.ingest import ingest_page
from c360.hub.models import (
    Contact,
    CrossReference,
    GoldenCustomer,
    PartyRelation,
    SourceRecord,
    Subscription,
    new_golden_id,
)
from c360.records import ContactRecord, PartyRecord, PartyRelationRecord, PhoneRef, SubscriptionRecord

T0 = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
NOW = dt.datetime(2025, 3, 4, 5, 6, 7, 890123, tzinfo=dt.timezone(dt.timedelta(hours=8)))
GOLDENS = GoldenCustomer.__table__
XREFS = CrossReference.__table__


def _profile(name: str | None) -> dict[str, Any]:
    return {
        "name": {"value": name, "source": "boss", "source_key": "C1", "updated_at": "2024-06-01T00:00:00+00:00"},
        "phones": {"value": ["13812340001", "+86 10 1234"], "source": "boss", "source_key": "C1", "updated_at": None},
        "address": {"value": {"city": "北京", "line": "朝阳区 \"建国路\" 1号\n", "zip": None}, "source": "keyaccount",
                    "source_key": "ent:Ä", "updated_at": "2024-06-01T08:00:00.123456+00:00"},
        "birth_date": {"value": 0, "source": "boss", "source_key": "C1", "updated_at": None},
    }


def _golden(gid: str, name: str | None, resolvable: bool) -> dict[str, Any]:
    return {"id": gid, "kind": "person", "profile": _profile(name), "display_name": name, "name_key": None if name is None else "wang fang",
            "resolvable": resolvable, "status": "active", "created_at": NOW, "updated_at": NOW}


def _read(session: Session, table: Any, key: str, ids: list[Any]) -> list[dict[str, Any]]:
    rows = session.execute(select(table).where(table.c[key].in_(ids)).order_by(table.c[key])).mappings()
    return [{name: value for name, value in row.items() if name != key} for row in rows]


def _stored_text(session: Session, table: Any, key: str, ids: list[Any]) -> list[tuple[Any, ...]]:
    """The values as the database holds them (JSON and timestamps as text on SQLite), without the key."""
    names = [c.name for c in table.c if c.name != key]
    marks = ", ".join("?" for _ in ids)
    sql = f"SELECT {', '.join(names)} FROM {table.name} WHERE {key} IN ({marks}) ORDER BY {key}"
    return list(session.connection().exec_driver_sql(sql, tuple(ids)).all())


def test_goldens_inserted_and_updated_through_the_driver_read_back_as_the_portable_statements_write(engine: Engine, backend: str) -> None:
    names = ["王芳", None, "Zoë O'Brien"]
    fast = [_golden(f"GFAST{i}", name, i % 2 == 0) for i, name in enumerate(names)]
    slow = [_golden(f"GSLOW{i}", name, i % 2 == 0) for i, name in enumerate(names)]
    with Session(engine) as session, session.begin():
        insert_many(session, GOLDENS, fast)
        session.execute(insert(GOLDENS), slow)
    with Session(engine) as session:
        fast_rows = _read(session, GOLDENS, "id", [r["id"] for r in fast])
        assert fast_rows == _read(session, GOLDENS, "id", [r["id"] for r in slow])
        assert fast_rows[0]["profile"] == _profile("王芳") and fast_rows[1]["display_name"] is None
        assert fast_rows[0]["created_at"] == NOW and fast_rows[0]["created_at"].tzinfo == dt.UTC
        if backend == "sqlite":
            stored = _stored_text(session, GOLDENS, "id", [r["id"] for r in fast])
            assert stored == _stored_text(session, GOLDENS, "id", [r["id"] for r in slow])
            assert "2025-03-03 21:06:07.890123" in stored[0]  # naive UTC, as UTCDateTime stores it

    later = NOW + dt.timedelta(days=1)
    changes = [{"kind": "organization", "merged_into": None, "profile": _profile("李 ✓"), "display_name": "李 ✓", "name_key": None,
                "resolvable": False, "updated_at": later}]
    with Session(engine) as session, session.begin():
        update_many(session, GOLDENS, "id", [{**changes[0], "id": "GFAST0"}])
        session.execute(update(GOLDENS).where(GOLDENS.c.id == "GSLOW0").values(**changes[0]))
    with Session(engine) as session:
        fast_row, slow_row = _read(session, GOLDENS, "id", ["GFAST0"]), _read(session, GOLDENS, "id", ["GSLOW0"])
        assert fast_row == slow_row
        assert fast_row[0]["kind"] == "organization" and fast_row[0]["updated_at"] == later and fast_row[0]["resolvable"] is False
        assert _read(session, GOLDENS, "id", ["GFAST1"]) == _read(session, GOLDENS, "id", ["GSLOW1"])  # untouched


def test_cross_references_through_the_driver_match_the_portable_insert(engine: Engine, backend: str) -> None:
    with Session(engine) as session, session.begin():
        session.execute(insert(GOLDENS), [_golden("GX", "王芳", True)])
        result = ingest_page(session, [PartyRecord(source="boss", source_key=f"C{i}", updated_at=T0, party_type="person",
                                                   name="王芳") for i in range(4)], seen_at=T0)
    a, b, c, d = sorted(result.changed_ids)

    def xref(rid: int, score: float | None, evidence: dict[str, Any]) -> dict[str, Any]:
        return {"source_record_id": rid, "golden_id": "GX", "role": "self", "method": "probabilistic", "score": score,
                "evidence": evidence, "matched_at": NOW}

    evidence = {"name": "同音 ✓", "weights": [1.5, -2.0], "phone": None, "nested": {"k": "Ä"}}
    with Session(engine) as session, session.begin():
        insert_many(session, XREFS, [xref(a, 12.25, evidence), xref(b, None, {})])
        session.execute(insert(XREFS), [xref(c, 12.25, evidence), xref(d, None, {})])
    with Session(engine) as session:
        assert _read(session, XREFS, "source_record_id", [a, b]) == _read(session, XREFS, "source_record_id", [c, d])
        assert _read(session, XREFS, "source_record_id", [a])[0]["evidence"] == evidence
        if backend == "sqlite":
            assert _stored_text(session, XREFS, "source_record_id", [a, b]) == _stored_text(session, XREFS, "source_record_id", [c, d])


def test_driver_writes_of_nothing_are_no_ops(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        insert_many(session, GOLDENS, [])
        update_many(session, GOLDENS, "id", [])
        assert session.execute(select(GOLDENS.c.id)).all() == []


def _party(key: str, name: str, phone: str, **fields: Any) -> PartyRecord:
    fields.setdefault("party_type", "person")
    return PartyRecord(source="boss", source_key=key, updated_at=T0, name=name, phones=(PhoneRef(number=phone),), **fields)


def _golden_of(session: Session, key: str) -> str:
    return session.execute(
        select(CrossReference.golden_id).join(SourceRecord, SourceRecord.id == CrossReference.source_record_id)
        .where(SourceRecord.source_key == key, SourceRecord.kind == "party")
    ).scalar_one()


def _ingest(session: Session, records: list[Any]) -> dict[str, list[int]]:
    """Land records without the resolution hook; their source record ids by kind."""
    ids = ingest_page(session, records, seen_at=T0).changed_ids
    kinds = dict(session.execute(select(SourceRecord.id, SourceRecord.kind).where(SourceRecord.id.in_(ids))).all())
    out: dict[str, list[int]] = {}
    for rid in ids:
        out.setdefault(kinds[rid], []).append(rid)
    return out


def test_landed_facts_take_their_parties_goldens(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        landed = ingest_page(session, [_party("F", "赵敏", "13812340005"), _party("G", "钱伟", "13812340006"),
                                       _party("ent:H", "北京示例科技有限公司", "01012345678", party_type="organization")], seen_at=T0)
        IdentityResolver().records_landed(session, landed.changed_ids)
    with Session(engine) as session, session.begin():
        facts = _ingest(session, [
            ContactRecord(source="callcenter", source_key="K1", party_source="boss", party_key="F", phone="13812340005"),
            ContactRecord(source="callcenter", source_key="K2", party_source="boss", party_key="NOBODY", phone="13812340009"),
            SubscriptionRecord(source="boss", source_key="S1", party_source="boss", party_key="G", msisdn="13812340006"),
            PartyRelationRecord(source="boss", source_key="R1", party_source="boss", party_key="ent:H", relation="contact",
                                related_source="boss", related_key="G"),
            PartyRelationRecord(source="boss", source_key="R2", party_source="boss", party_key="NOBODY", relation="contact",
                                related_source="boss", related_key="F"),
        ])
        assert session.execute(select(Contact.golden_id)).scalars().all() == [None, None]  # not resolved yet
        refresh_landed_facts(session, {**facts, "no_such_kind": [1]})
    with Session(engine) as session:
        f, g, h = _golden_of(session, "F"), _golden_of(session, "G"), _golden_of(session, "ent:H")
        assert len({f, g, h}) == 3
        contacts = dict(session.execute(select(Contact.source_key, Contact.golden_id)).all())
        assert contacts == {"K1": f, "K2": None}  # an unknown party leaves its fact without a golden
        assert session.execute(select(Subscription.golden_id)).scalar_one() == g
        relations = {key: (gid, related) for key, gid, related in session.execute(
            select(PartyRelation.source_key, PartyRelation.golden_id, PartyRelation.related_golden_id))}
        assert relations == {"R1": (h, g), "R2": (None, f)}


def test_landed_facts_replace_a_stale_golden_and_leave_other_facts_alone(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        landed = ingest_page(session, [_party("F", "赵敏", "13812340005")], seen_at=T0)
        IdentityResolver().records_landed(session, landed.changed_ids)
        session.execute(insert(GOLDENS), [_golden("GSTALE", "赵敏", True)])
    with Session(engine) as session, session.begin():
        first = _ingest(session, [ContactRecord(source="callcenter", source_key="K1", party_source="boss", party_key="F", phone="1")])
        second = _ingest(session, [ContactRecord(source="callcenter", source_key="K2", party_source="boss", party_key="F", phone="2")])
        session.execute(update(Contact).values(golden_id="GSTALE"))
        refresh_landed_facts(session, second)
        assert first["contact"] != second["contact"]
    with Session(engine) as session:
        contacts = dict(session.execute(select(Contact.source_key, Contact.golden_id)).all())
        assert contacts == {"K1": "GSTALE", "K2": _golden_of(session, "F")}


@pytest.mark.parametrize("millis, random_bits, expected", [
    (0, 0, "G000000000000000000"),
    (0, 1, "G000000000000000001"),
    (0, 2**40 - 1, "G0000000000ZZZZZZZZ"),
    (1, 0, "G000000000100000000"),
    (2**48 - 1, 2**40 - 1, "G7ZZZZZZZZZZZZZZZZZ"),
])
def test_golden_ids_encode_time_and_random_bits_in_crockford_base32(
    monkeypatch: pytest.MonkeyPatch, millis: int, random_bits: int, expected: str,
) -> None:
    monkeypatch.setattr("c360.hub.models.golden.time.time", lambda: (millis + 0.5) / 1000)
    monkeypatch.setattr("c360.hub.models.golden.secrets.randbits", lambda bits: random_bits if bits == 40 else -1)
    assert new_golden_id() == expected


def test_golden_id_digits_spell_the_value() -> None:
    digits = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    gid = new_golden_id()
    value = 0
    for char in gid[1:]:
        value = value * 32 + digits.index(char)
    assert value >> 88 == 0 and abs((value >> 40) - dt.datetime.now(dt.UTC).timestamp() * 1000) < 60_000
