"""Identifier numbers are valid per the national standards (checked with python-stdnum)."""

from __future__ import annotations

import random

from stdnum.cn import ric, uscc

from c360.silos.idnumbers import (
    REGIONS,
    make_ric,
    make_uscc,
    ric_check_char,
    ric_region,
    ric_to_legacy15,
    uscc_check_char,
)


def test_generated_ric_valid_and_encodes_birth_and_sex() -> None:
    rng = random.Random(1)
    for i in range(500):
        region = REGIONS[i % len(REGIONS)]
        gender = "M" if i % 2 else "F"
        birth = f"{1940 + i % 66}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        number = make_ric(ric_region(region, int(birth[:4]), rng).code, birth, gender, rng)
        assert ric.is_valid(number), number
        assert ric.get_birth_date(number).isoformat() == birth
        assert int(number[16]) % 2 == (1 if gender == "M" else 0)


def test_known_ric_check_character() -> None:
    # Published example from GB 11643-1999.
    assert ric_check_char("11010519491231002") == "X"


def test_legacy15_drops_century_and_check() -> None:
    assert ric_to_legacy15("11010519491231002X") == "110105491231002"


def test_generated_uscc_valid() -> None:
    rng = random.Random(2)
    for region in REGIONS * 20:
        code = make_uscc(region.code, rng)
        assert uscc.is_valid(code), code
        assert code[2:8] == region.code


def test_uscc_check_char_rejects_changes() -> None:
    code = make_uscc("110101", random.Random(3))
    assert uscc_check_char(code[:17]) == code[17]
    tampered = code[:10] + ("1" if code[10] != "1" else "2") + code[11:]
    assert not uscc.is_valid(tampered)
