"""Enterprises compare by the core of their names: region and legal form aside."""

from __future__ import annotations

import pytest

from c360.hub.identity.matcher import compare
from c360.hub.normalize import normalize_organization
from c360.hub.normalize.profile import build_profile


@pytest.mark.parametrize("written", [
    "广州市天明机械设备有限公司", "天明机械设备（广州）有限公司", "广州天明机械设备有限公司", "天明机械设备(广州)有限责任公司",
    "廣州天明機械設備有限公司", "天明机械设备",
])
def test_variants_share_a_core(written: str) -> None:
    assert normalize_organization(written).core == "天明机械设备"


def test_a_branch_is_a_unit_of_its_own() -> None:
    assert normalize_organization("天明机械设备有限公司深圳分公司").core != normalize_organization("天明机械设备有限公司").core


def _firm(rid: int, name: str, phone: str, address: str) -> object:
    return build_profile(rid, "keyaccount", f"E{rid}", {"party_type": "organization", "name": name, "phones": [phone], "address": address})


def test_a_second_record_without_a_credit_code_matches_by_core_phone_and_address() -> None:
    a = _firm(1, "天明机械设备（广州）有限公司", "020-27456220", "广东省广州市白云区花园路220号7栋2806")
    b = _firm(2, "广州天明机械设备有限公司", "020-27456220", "广东省广州市白云区花园路220号7-2806")
    assert compare(a, b).decision == "match"  # type: ignore[arg-type]


def test_another_firm_at_the_same_address_does_not() -> None:
    a = _firm(1, "天明机械设备有限公司", "020-27456220", "广东省广州市白云区花园路220号7栋2806")
    b = _firm(2, "远卓投资有限公司", "020-27456220", "广东省广州市白云区花园路220号7栋2806")
    assert compare(a, b).decision != "match"  # type: ignore[arg-type]
