"""Incremental resolution writes only what changed, and still lands where a full run does."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from c360.hub.identity.full_run import resolve_full
from c360.hub.models import CrossReference, GoldenCustomer
from c360.records import PhoneRef
from tests.helpers.identity import golden_of, land, partition, party, record_id, subscription

CUT = dt.datetime(2023, 3, 1, tzinfo=dt.UTC)


def _matched_at(engine: Engine) -> dict[int, dt.datetime]:
    with Session(engine) as session:
        return {rid: at for rid, at in session.execute(select(CrossReference.source_record_id, CrossReference.matched_at))}





def test_later_subscriptions_split_a_recycled_number_like_a_full_run(engine: Engine) -> None:
    land(engine, [party("boss", "A", name="王芳", phones=(PhoneRef(number="13812340001"),)),
                  party("boss", "B", name="王芳", phones=(PhoneRef(number="13812340001"),))])
    assert golden_of(engine, "boss", "A") == golden_of(engine, "boss", "B")  # same name, same phone
    land(engine, [subscription("S1", "A", "13812340001", dt.datetime(2018, 1, 1, tzinfo=dt.UTC), CUT),
                  subscription("S2", "B", "13812340001", CUT + dt.timedelta(days=90))])
    assert golden_of(engine, "boss", "A") != golden_of(engine, "boss", "B")  # held at different times
    incremental = partition(engine)
    resolve_full(engine)
    assert partition(engine) == incremental


def test_a_subscription_moving_to_another_number_rejoins_like_a_full_run(engine: Engine) -> None:
    land(engine, [party("boss", "A", name="王芳", phones=(PhoneRef(number="13812340001"), PhoneRef(number="13812340009"))),
                  party("boss", "B", name="王芳", phones=(PhoneRef(number="13812340001"),)),
                  subscription("S1", "A", "13812340001", dt.datetime(2018, 1, 1, tzinfo=dt.UTC), CUT),
                  subscription("S2", "B", "13812340001", CUT + dt.timedelta(days=90))])
    assert golden_of(engine, "boss", "A") != golden_of(engine, "boss", "B")
    land(engine, [subscription("S1", "A", "13812340009", dt.datetime(2018, 1, 1, tzinfo=dt.UTC), CUT)])  # the shared number's window goes
    assert golden_of(engine, "boss", "A") == golden_of(engine, "boss", "B")
    incremental = partition(engine)
    resolve_full(engine)
    assert partition(engine) == incremental


def test_a_number_only_its_party_holds_rewrites_nothing(engine: Engine) -> None:
    land(engine, [party("boss", "C", name="李雷", phones=(PhoneRef(number="13812340002"),)),
                  party("boss", "D", name="韩梅", phones=(PhoneRef(number="13812340003"),))])
    before = _matched_at(engine)
    land(engine, [subscription("S3", "C", "13812340002", dt.datetime(2019, 1, 1, tzinfo=dt.UTC))])
    assert _matched_at(engine) == before


def test_unchanged_links_keep_their_rows_and_changed_content_is_survived_again(engine: Engine) -> None:
    land(engine, [party("boss", "E", name="周涛", phones=(PhoneRef(number="13812340004"),), birth_date=dt.date(1975, 8, 8)),
                  party("keyaccount", "contact:E", name="周涛", phones=(PhoneRef(number="13812340004"),))])
    gid = golden_of(engine, "boss", "E")
    assert gid == golden_of(engine, "keyaccount", "contact:E")
    before = _matched_at(engine)
    land(engine, [party("keyaccount", "contact:E", name="周涛", phones=(PhoneRef(number="13812340004"),),
                        emails=("zhou.tao@example.cn",))])
    after = _matched_at(engine)
    assert after[record_id(engine, "boss", "E")] == before[record_id(engine, "boss", "E")]
    with Session(engine) as session:
        profile = session.execute(select(GoldenCustomer.profile).where(GoldenCustomer.id == gid)).scalar_one()
    assert profile["emails"]["value"] == ["zhou.tao@example.cn"]


def test_facts_follow_their_party_whenever_they_land(engine: Engine) -> None:
    from c360.hub.identity import steward
    from c360.hub.models import Contact, PartyRelation
    from c360.records import ContactRecord, PartyRelationRecord

    land(engine, [ContactRecord(source="callcenter", source_key="K1", party_source="boss", party_key="F", phone="13812340005")])
    land(engine, [party("boss", "F", name="赵敏", phones=(PhoneRef(number="13812340005"),)),
                  party("boss", "G", name="钱伟", phones=(PhoneRef(number="13812340006"),)),
                  party("keyaccount", "ent:H", party_type="organization", name="北京示例科技有限公司")])
    land(engine, [PartyRelationRecord(source="keyaccount", source_key="R1", party_source="keyaccount", party_key="ent:H",
                                      relation="contact", related_source="boss", related_key="G")])

    def facts() -> tuple[str | None, str | None, str | None]:
        with Session(engine) as session:
            contact = session.execute(select(Contact.golden_id).where(Contact.source_key == "K1")).scalar_one()
            relation = session.execute(select(PartyRelation.golden_id, PartyRelation.related_golden_id)).one()
        return contact, relation[0], relation[1]

    assert facts() == (golden_of(engine, "boss", "F"), golden_of(engine, "keyaccount", "ent:H"), golden_of(engine, "boss", "G"))
    with Session(engine) as session, session.begin():
        survivor = steward.merge(session, record_id(engine, "boss", "F"), record_id(engine, "boss", "G"), actor="steward1")
    assert facts() == (survivor, golden_of(engine, "keyaccount", "ent:H"), survivor)


def test_one_resolver_across_pages_sees_new_windows_and_erasures(engine: Engine) -> None:
    from sqlalchemy import update

    from c360.hub.identity.resolver import IdentityResolver
    from c360.hub.models import SourceRecord, utcnow
    from c360.hub.models.epoch import advance_epoch

    resolver = IdentityResolver()  # as a sync run uses it: its resident state spans pages
    land(engine, [party("boss", "A", name="王芳", phones=(PhoneRef(number="13812340001"),)),
                  party("boss", "B", name="王芳", phones=(PhoneRef(number="13812340001"),))], resolver)
    assert golden_of(engine, "boss", "A") == golden_of(engine, "boss", "B")
    land(engine, [subscription("S1", "A", "13812340001", dt.datetime(2018, 1, 1, tzinfo=dt.UTC), CUT),
                  subscription("S2", "B", "13812340001", CUT + dt.timedelta(days=90))], resolver)
    assert golden_of(engine, "boss", "A") != golden_of(engine, "boss", "B")

    land(engine, [party("boss", "M", name="李娜", phones=(PhoneRef(number="13812340007"),))], resolver)
    with Session(engine) as session, session.begin():  # what erasure does: the payload scrubbed in place, the epoch moved
        session.execute(update(SourceRecord).where(SourceRecord.source_key == "M")
                        .values(raw={"party_type": "person"}, normalized={}, erased_at=utcnow()))
        advance_epoch(session)
    land(engine, [party("boss", "N", name="李娜", phones=(PhoneRef(number="13812340007"),))], resolver)
    assert golden_of(engine, "boss", "N") != golden_of(engine, "boss", "M")
