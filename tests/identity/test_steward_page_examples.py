"""The worked examples of docs/identity-resolution.md, pair by pair, as a steward reads them there.

The caller examples of that page are exercised end to end in ``test_interaction_records.py``.
"""

from __future__ import annotations

from c360.hub.identity.matcher import Comparison, compare
from c360.hub.normalize.profile import build_profile
from tests.helpers.identity import ric

ZHANG_ID = ric("11010119900307123")


def compared(left: dict[str, object], right: dict[str, object]) -> Comparison:
    return compare(build_profile(1, "boss", "C1", {"party_type": "person", **left}),
                   build_profile(2, "billing", "A2", {"party_type": "person", **right}))  # fmt: skip


def test_the_same_resident_id_decides_whatever_the_script_of_the_name() -> None:
    result = compared({"name": "张伟", "id_number": ZHANG_ID}, {"name": "張偉", "id_type": "身份证", "id_number": ZHANG_ID})
    assert (result.decision, result.rule) == ("match", "same_ric")


def test_two_different_resident_ids_never_link_even_with_one_phone() -> None:
    phone = [{"number": "13912345678"}]
    result = compared({"name": "李强", "id_number": ric("44010619850302123"), "phones": phone},
                      {"name": "李强", "id_number": ric("44030519900412567"), "phones": phone})  # fmt: skip
    assert result.decision == "never"


def test_a_near_homophone_and_a_mobile_link() -> None:
    result = compared({"name": "陈静", "birth_date": "1990-03-07", "phones": [{"number": "13912345678"}]},
                      {"name": "程静", "phones": [{"number": "13912345678"}], "address": "广州市天河区体育西路123号"})  # fmt: skip
    weights = {v.field: (v.outcome, v.weight) for v in result.verdicts}
    assert weights == {"name": ("agree_near_sound", 3.0), "phone": ("agree", 7.0)}
    assert (result.score, result.decision) == (10.0, "match")


def test_a_relatives_phone_and_address_on_a_bill_do_not_merge_two_people() -> None:
    home = {"phones": [{"number": "13912345678"}], "address": "广东省广州市天河区体育西路123号3栋502"}
    result = compared({"name": "王芳", **home}, {"name": "刘洋", **home})
    weights = {v.field: (v.outcome, v.weight) for v in result.verdicts}
    assert weights == {"name": ("disagree", -5.0), "phone": ("agree", 7.0), "address": ("household", 1.0)}
    assert (result.score, result.decision) == (3.0, "non_match")
