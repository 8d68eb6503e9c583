import pytest

from c360.hub.normalize import PLACEHOLDER, Reason, normalize_uscc
from c360.hub.normalize.documents import BUSINESS_REGISTRATION, USCC, document_kind

CASES = [
    ("911100006000374796", "911100006000374796", True, None),
    ("91310000607303110F", "91310000607303110F", True, None),
    ("91310000607303110f", "91310000607303110F", True, None),
    ("９１３１００００６０７３０３１１０Ｆ", "91310000607303110F", True, None),
    ("9131 0000 6073 0311 0F", "91310000607303110F", True, None),
    ("91310000-607303110-F", "91310000607303110F", True, None),
    ("Y1110000MA0012345N", "Y1110000MA0012345N", True, None),
    ("91310000607303110G", "91310000607303110G", False, Reason.BAD_CHECKSUM),
    ("9131000060730311", "9131000060730311", False, Reason.BAD_LENGTH),
    ("607303110", "607303110", False, Reason.BAD_LENGTH),
    ("9131000O607303110F", "9131000O607303110F", False, Reason.BAD_FORMAT),
    ("91310000I07303110F", "91310000I07303110F", False, Reason.BAD_FORMAT),
    ("000000000000000000", "000000000000000000", False, PLACEHOLDER),
    ("123456789012345678", "123456789012345678", False, PLACEHOLDER),
    ("", "", False, Reason.EMPTY),
]


@pytest.mark.parametrize(("raw", "value", "trusted", "reason"), CASES)
def test_normalize_uscc(raw: str, value: str, trusted: bool, reason: Reason | None) -> None:
    result = normalize_uscc(raw)
    assert (result.value, result.trusted, result.reason) == (value, trusted, reason)


def test_parts() -> None:
    result = normalize_uscc("91310000607303110F")
    assert (result.region_code, result.organization_code) == ("310000", "607303110")


def test_an_old_business_licences_registration_number_is_a_document_of_its_own() -> None:
    """Fifteen digits under 营业执照 are the registration number licences carried before credit codes, not a broken code."""
    assert document_kind("营业执照", "110114539590714") == BUSINESS_REGISTRATION
    assert document_kind("营业执照", "91350100M000100Y43") == USCC
    assert document_kind("营业执照", "91350100M000100Y4") == USCC  # a credit code with a character lost: still one, untrusted
