"""The review queue keeps its scored pairs and scores again only what changed: always what a fresh scoring gives."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from c360.hub.identity import steward
from c360.hub.identity.full_run import resolve_full
from c360.hub.identity.matcher import MatchConfig
from c360.hub.identity.review import refresh, review_pairs
from c360.hub.models import ReviewState, SourceRecord
from c360.hub.privacy import erase_customer
from c360.records import PartyRecord, PhoneRef, SubscriptionRecord
from tests.helpers.identity import golden_of, land, record_id

T0 = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
P1, P2, P3, P4 = "13800001111", "13900002222", "13700003333", "13600004444"


def party(key: str, **fields: object) -> PartyRecord:
    return PartyRecord(source="crm", source_key=key, party_type="person", updated_at=T0, **fields)  # type: ignore[arg-type]


def phone(number: str) -> tuple[PhoneRef, ...]:
    return (PhoneRef(number=number),)


def kept(engine: Engine, config: MatchConfig | None = None) -> list[dict[str, object]]:
    """The queue from the kept pairs (committed, as the CLI does)."""
    with Session(engine) as session, session.begin():
        return [p.as_dict() for p in review_pairs(session, config, include_same_customer=True)]


def scored_afresh(engine: Engine, config: MatchConfig | None = None) -> list[dict[str, object]]:
    """The queue scored from nothing (nothing kept; rolled back)."""
    with Session(engine) as session:
        session.execute(delete(ReviewState))
        return [p.as_dict() for p in review_pairs(session, config, include_same_customer=True)]


def pairs(engine: Engine, config: MatchConfig | None = None) -> set[tuple[str, str]]:
    listed = kept(engine, config)
    assert listed == scored_afresh(engine, config)
    with Session(engine) as session:
        names = {rid: key for rid, key in session.execute(select(SourceRecord.id, SourceRecord.source_key))}
    return {(names.get(p["left_record_id"], "?"), names.get(p["right_record_id"], "?")) for p in listed}  # type: ignore[call-overload]


def rescored(engine: Engine) -> int:
    with Session(engine) as session, session.begin():
        return refresh(session, MatchConfig())


def test_kept_pairs_follow_every_change(engine: Engine) -> None:
    land(engine, [party("A", name="王芳", phones=phone(P1)), party("B", phones=phone(P1)),
                  party("C", name="刘洋", phones=phone(P2)), party("D", phones=phone(P2)),
                  party("E", name="赵敏", phones=phone(P3)), party("F", phones=phone(P3))])
    assert pairs(engine) == {("A", "B"), ("C", "D"), ("E", "F")}

    # nothing changed: nothing scored; one new record: only it is scored
    assert rescored(engine) == 0
    land(engine, [party("N", name="孙丽", phones=phone("13500005555"))])
    assert rescored(engine) == 1

    # B gets A's name: a match now, no longer grey
    land(engine, [party("B", name="王芳", phones=phone(P1))])
    assert golden_of(engine, "crm", "A") == golden_of(engine, "crm", "B")
    assert pairs(engine) == {("C", "D"), ("E", "F")}

    # P3 becomes generic (8 holders): E/F carry no weight any more; one holder leaves: grey again
    land(engine, [party(k, phones=phone(P3)) for k in "GHIJQR"])
    assert pairs(engine) == {("C", "D")}
    land(engine, [party("J", phones=phone(P3), deleted=True)])
    assert ("E", "F") in pairs(engine)

    # a recycled number: subscriptions show K and L held P4 at different times
    land(engine, [party("K", name="周涛", phones=phone(P4)), party("L", phones=phone(P4))])
    assert ("K", "L") in pairs(engine)
    land(engine, [
        SubscriptionRecord(source="crm", source_key="S1", party_source="crm", party_key="K", msisdn=P4,
                           activated_at=dt.datetime(2018, 1, 1, tzinfo=dt.UTC), deactivated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)),
        SubscriptionRecord(source="crm", source_key="S2", party_source="crm", party_key="L", msisdn=P4,
                           activated_at=dt.datetime(2022, 1, 1, tzinfo=dt.UTC)),
    ])
    assert ("K", "L") not in pairs(engine)

    # steward decisions and merges show at once
    with Session(engine) as session, session.begin():
        steward.never_merge(session, record_id(engine, "crm", "C"), record_id(engine, "crm", "D"), actor="s")
    assert ("C", "D") not in pairs(engine)
    with Session(engine) as session, session.begin():
        steward.merge(session, record_id(engine, "crm", "E"), record_id(engine, "crm", "F"), actor="s")
    assert ("E", "F") not in pairs(engine)
    with Session(engine) as session, session.begin():
        steward.unmerge(session, record_id(engine, "crm", "F"), actor="s")
    assert ("E", "F") in pairs(engine)

    # a full resolution rewrites every key; other thresholds start over
    resolve_full(engine)
    assert pairs(engine)
    strict = MatchConfig(review=7.5)
    assert pairs(engine, strict) == set()

    # an erased customer's records drop out of the queue
    with Session(engine) as session, session.begin():
        erase_customer(session, golden_of(engine, "crm", "E") or "", actor="dpo", reason="DSR-1")
    assert not {p for p in pairs(engine) if "E" in p}
