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
