"""Latin-script names, non-Chinese addresses and soft document numbers (FEBRL-like data)."""

from __future__ import annotations

from c360.hub.identity.matcher import MatchConfig, compare
from c360.hub.normalize.profile import block_keys, build_profile


def person(rid: int, **payload: object):  # type: ignore[no-untyped-def]
    return build_profile(rid, "febrl", f"rec-{rid}", {"party_type": "person", **payload})


BASE = {"name": "mitchell green", "birth_date": "1956-04-09", "id_type": "SSN", "id_number": "1804974",
        "address": "7 wallaby place, delmar, cleveland, sa 2119"}


def test_typos_in_every_field_still_match() -> None:
    a = person(1, **BASE)
    b = person(2, name="mitchell gren", birth_date="1956-04-19", id_type="SSN", id_number="1804947",
               address="7 wallaby plcae, delmar, cleveland, sa 2119")
    result = compare(a, b)
    assert result.decision == "match", result.evidence()
    fields = result.evidence()["fields"]
    assert fields["name"][0] == "partial" and fields["id"][0] == "partial" and fields["birth_date"][0] == "partial"


def test_swapped_and_split_names_agree() -> None:
    a = person(1, **BASE)
    swapped = person(2, **{**BASE, "name": "green mitchell", "id_number": "9999999"})
    split = person(3, **{**BASE, "name": "mitch ell green", "id_number": "9999999"})
    assert compare(a, swapped).evidence()["fields"]["name"][0] == "agree_reordered"
    assert compare(a, split).evidence()["fields"]["name"][0] == "agree_reordered"
    assert compare(a, swapped).decision == "match"


def test_a_soft_document_number_is_never_decisive() -> None:
    a = person(1, **BASE)
    other = person(2, name="harley mccarthy", birth_date="1908-04-19", id_type="SSN", id_number="1804974",
                   address="177 pridham street, milton, marsden, nsw 3165")
    result = compare(a, other)
    assert result.rule is None and result.decision == "non_match"
    # ... and a different one does not veto: same name, birth date and address match anyway
    same = person(3, **{**BASE, "id_number": "5551234"})
    assert compare(a, same).decision == "match"


def test_same_surname_and_postcode_is_not_enough() -> None:
    a = person(1, **BASE)
    sibling = person(2, name="jessica green", birth_date="1960-01-02", id_type="SSN", id_number="2222333",
                     address="9 wallaby place, delmar, cleveland, sa 2119")
    assert compare(a, sibling).decision == "non_match"


def test_latin_address_and_name_words_are_blocking_keys() -> None:
    a = person(1, **BASE)
    keys = block_keys(a)
    assert "id:ssn:1804974" in keys
    assert "nt:green|1956-04-09" in keys and "nt:mitchell|pc:2119" in keys and "dl:1956-04-09|pc:2119" in keys
    assert a.locality == "pc:2119" and a.address == "7 wallaby place delmar cleveland sa 2119"
    # a record missing its surname is still found through the given name
    assert "nt:mitchell|1956-04-09" in block_keys(person(2, **{**BASE, "name": "mitchell"}))


def test_chinese_profiles_get_no_latin_keys() -> None:
    a = person(1, name="张伟", birth_date="1985-03-02", address="北京市朝阳区建国路88号")
    assert a.name_tokens == () and a.address_tokens == ()
    assert not [k for k in block_keys(a) if k.startswith(("nt:", "dl:"))]


def test_a_document_number_on_many_records_is_generic_later_than_a_phone() -> None:
    config = MatchConfig()
    assert config.generic_limit("id:phone:+8613800138000") == config.generic_min_holders
    assert config.generic_limit("id:ssn:1804974") > config.generic_min_holders
