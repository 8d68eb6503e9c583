import pytest

from c360.hub.normalize import PLACEHOLDER, Reason, normalize_phone

# (raw, value, trusted, reason, type, extension)
CASES = [
    ("13800138000", "+8613800138000", True, None, "mobile", None),
    ("138 0013 8000", "+8613800138000", True, None, "mobile", None),
    ("138-0013-8000", "+8613800138000", True, None, "mobile", None),
    ("+86 138 0013 8000", "+8613800138000", True, None, "mobile", None),
    ("0086 13800138000", "+8613800138000", True, None, "mobile", None),
    ("8613800138000", "+8613800138000", True, None, "mobile", None),
    ("(+86)138-0013-8000", "+8613800138000", True, None, "mobile", None),
    ("１３８００１３８０００", "+8613800138000", True, None, "mobile", None),
    ("13800138000#", "+8613800138000", True, None, "mobile", None),
    ("010-62345678", "+861062345678", True, None, "fixed", None),
    ("(010) 6234 5678", "+861062345678", True, None, "fixed", None),
    ("+86 (0)10 6234 5678", "+861062345678", True, None, "fixed", None),
    ("86-10-62345678", "+861062345678", True, None, "fixed", None),
    ("010-62345678转801", "+861062345678", True, None, "fixed", "801"),
    ("010-62345678-801", "+861062345678", True, None, "fixed", "801"),
    ("010 6234 5678-801", "+861062345678", True, None, "fixed", "801"),  # a spaced local number, then the extension
    ("(022)4811 2926-8533", "+862248112926", True, None, "fixed", "8533"),
    ("010 62345678 ext. 12", "+861062345678", True, None, "fixed", "12"),
    ("0755-86013388 x 23", "+8675586013388", True, None, "fixed", "23"),
    ("0755-86013388#23", "+8675586013388", True, None, "fixed", "23"),
    ("400-810-8888", "+864008108888", True, None, "other", None),
    ("+852 9123 4567", "+85291234567", True, None, "mobile", None),
    ("62345678", "+8662345678", False, Reason.INVALID_NUMBER, "other", None),
    ("10086", "+8610086", False, Reason.INVALID_NUMBER, "other", None),
    ("138001380001", "+86138001380001", False, Reason.INVALID_NUMBER, "other", None),
    ("12345678901", "12345678901", False, PLACEHOLDER, "other", None),
    ("00000000000", "00000000000", False, PLACEHOLDER, "other", None),
    ("无", "", False, Reason.BAD_FORMAT, "other", None),
    ("138OO138000", "138138000", False, Reason.BAD_FORMAT, "other", None),
    ("  ", "", False, Reason.EMPTY, "other", None),
]


@pytest.mark.parametrize(("raw", "value", "trusted", "reason", "kind", "ext"), CASES)
def test_normalize_phone(raw: str, value: str, trusted: bool, reason: Reason | None, kind: str, ext: str | None) -> None:
    result = normalize_phone(raw)
    assert (result.value, result.trusted, result.reason) == (value, trusted, reason)
    assert (result.type, result.extension) == (kind, ext)


def test_region_reported() -> None:
    assert normalize_phone("13800138000").region == "CN"
    assert normalize_phone("+852 9123 4567").region == "HK"
