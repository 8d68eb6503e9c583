"""Pairwise rules of the pure matcher, on real-world Chinese cases."""

from __future__ import annotations

import datetime as dt

from c360.hub.identity.matcher import compare
from c360.hub.normalize.profile import build_profile
from tests.helpers.identity import ric

UTC = dt.UTC


def person(rid: int, **payload: object) -> object:
    return build_profile(rid, "boss", f"C{rid}", {"party_type": "person", **payload})


def test_homophone_names_with_same_id_match() -> None:
    a = person(1, name="李娜", id_number="11010519491231002X")
    b = person(2, name="李那", id_number="11010519491231002x")
    assert compare(a, b).decision == "match"


def test_same_common_name_different_id_stay_apart() -> None:
    a = person(1, name="张伟", id_number=ric("11010519850302123"), phones=[{"number": "13800000001"}])
    b = person(2, name="张伟", id_number=ric("44030519900412567"), phones=[{"number": "13900000002"}])
    assert compare(a, b).decision == "never"


def test_family_sharing_address_and_fixed_line_stay_apart() -> None:
    home = {"address": "北京市朝阳区建国路88号", "phones": [{"number": "010-62345678"}]}
    a = person(1, name="王建国", birth_date="1960-02-01", gender="M", **home)
    b = person(2, name="刘秀英", birth_date="1962-05-03", gender="F", **home)
    assert compare(a, b).decision == "non_match"


def test_recycled_phone_is_not_evidence() -> None:
    cut = dt.datetime(2023, 1, 1, tzinfo=UTC)
    a = build_profile(1, "boss", "A", {"party_type": "person", "name": "赵敏", "phones": [{"number": "13812345678"}]},
                      {"+8613812345678": [(None, cut)]})
    b = build_profile(2, "boss", "B", {"party_type": "person", "name": "赵敏", "phones": [{"number": "13812345678"}]},
                      {"+8613812345678": [(cut + dt.timedelta(days=90), None)]})
    result = compare(a, b)
    assert result.decision != "match"
    assert result.evidence()["fields"]["phone"][0] == "other_holder"


def test_generic_phone_carries_no_weight() -> None:
    a = person(1, name="陈静", phones=[{"number": "13800138000"}])
    b = person(2, name="陈静", phones=[{"number": "13800138000"}])
    assert compare(a, b).decision == "match"
    assert compare(a, b, generic={"id:phone:+8613800138000"}).decision != "match"


def test_honorific_only_name_never_counts() -> None:
    a = person(1, name="王先生", phones=[{"number": "13812340000"}])
    b = person(2, name="王明", phones=[{"number": "13812340000"}])
    assert compare(a, b).evidence()["fields"]["name"][0] == "ignored"


def test_person_and_organization_never_match() -> None:
    a = person(1, name="张伟", phones=[{"number": "13812340000"}])
    b = build_profile(2, "keyaccount", "ent:1", {"party_type": "organization", "name": "张伟", "phones": [{"number": "13812340000"}]})
    assert compare(a, b).decision == "never"


def test_one_full_name_on_one_fixed_line_match() -> None:
    """A home's line and the same full name: one person (a household rarely holds two people of one name)."""
    a = person(1, name="周天新", phones=[{"number": "020-30201974"}])
    b = person(2, name="周天新", phones=[{"number": "020 3020 1974"}])
    assert compare(a, b).decision == "match"
    c = person(3, name="周天欣", phones=[{"number": "02030201974"}])  # the same sound only: a steward decides
    assert compare(a, c).decision == "review"


def test_an_address_without_province_and_city_agrees_with_the_full_one_on_a_road_section() -> None:
    """Roads with the direction of their section (江南大道中, 广州大道北) keep their house number in the comparison."""
    a = person(1, name="叶卫东", address="黄埔区江南大道中254号")
    b = person(2, name="叶卫东", address="广东省广州市黄埔区江南大道中254号")
    result = compare(a, b)
    assert result.evidence()["fields"]["address"][0] == "agree_street"
    assert result.decision == "match"


def test_a_masked_id_agrees_with_the_full_number_it_shows() -> None:
    """Exports print resident IDs with hidden digits (440303********6133): the digits shown still compare."""
    full = person(1, name="刘国强", id_number=ric("44030319630808613"))
    shown = full.ids and next(iter(full.ids))[1]
    masked = person(2, name="刘国强", id_type="身份证", id_number=f"{shown[:6]}********{shown[-4:]}")
    assert masked.masked_ids and not masked.ids  # never a trusted number: it cannot decide alone
    result = compare(full, masked)
    assert result.evidence()["fields"]["masked_id"] == ["agree", 6.0]
    assert result.decision == "match"
    other = person(3, name="刘国强", id_number=f"{shown[:6]}********{int(shown[-4:-1]) + 1:03d}{shown[-1]}")
    assert compare(full, other).evidence()["fields"]["masked_id"][0] == "disagree"
    assert compare(full, other).decision == "non_match"
    too_little = person(4, name="刘国强", id_number=f"**************{shown[-4:]}")
    assert not too_little.masked_ids
