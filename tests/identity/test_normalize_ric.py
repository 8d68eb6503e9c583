import datetime as dt

import pytest

from c360.hub.normalize import PLACEHOLDER, Reason, RicResult, agrees_with, normalize_ric

# (raw, value, trusted, reason, birth_date, gender)
CASES = [
    ("11010519491231002X", "11010519491231002X", True, None, dt.date(1949, 12, 31), "F"),
    ("11010519491231002x", "11010519491231002X", True, None, dt.date(1949, 12, 31), "F"),
    ("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X", True, None, dt.date(1949, 12, 31), "F"),
    (" 110105 1949 1231 002X ", "11010519491231002X", True, None, dt.date(1949, 12, 31), "F"),
    ("440305-19900307-1236", "440305199003071236", True, None, dt.date(1990, 3, 7), "M"),
    ("110105491231002", "11010519491231002X", True, None, dt.date(1949, 12, 31), "F"),
    ("110101200002290018", "110101200002290018", True, None, dt.date(2000, 2, 29), "M"),
    ("440305199003071237", "440305199003071237", False, Reason.BAD_CHECKSUM, dt.date(1990, 3, 7), "M"),
    ("440305199002301236", "440305199002301236", False, Reason.BAD_CHECKSUM, None, None),
    ("11010519491231002", "11010519491231002", False, Reason.BAD_LENGTH, None, None),
    ("1101051949123100AX", "1101051949123100AX", False, Reason.BAD_FORMAT, None, None),
    ("000000000000000000", "000000000000000000", False, PLACEHOLDER, None, None),
    ("111111111111111111", "111111111111111111", False, PLACEHOLDER, None, None),
    ("123456789012345678", "123456789012345678", False, PLACEHOLDER, None, None),
    ("000000000000000", "000000000000000", False, PLACEHOLDER, None, None),
    ("", "", False, Reason.EMPTY, None, None),
]


@pytest.mark.parametrize(("raw", "value", "trusted", "reason", "born", "gender"), CASES)
def test_normalize_ric(raw: str, value: str, trusted: bool, reason: Reason | None, born, gender) -> None:
    result = normalize_ric(raw)
    assert (result.value, result.trusted, result.reason) == (value, trusted, reason)
    assert (result.birth_date, result.gender) == (born, gender)


def test_invalid_date_with_valid_checksum() -> None:
    from stdnum.cn.ric import calc_check_digit

    body = "44030519900230123"
    result = normalize_ric(body + calc_check_digit(body + "0"))
    assert (result.trusted, result.reason, result.birth_date) == (False, Reason.BAD_DATE, None)


def test_unknown_province_prefix() -> None:
    from stdnum.cn.ric import calc_check_digit

    body = "99030519900307123"
    result = normalize_ric(body + calc_check_digit(body + "0"))
    assert (result.trusted, result.reason) == (False, Reason.BAD_REGION)


def test_fifteen_digit_flag() -> None:
    assert normalize_ric("110105491231002").converted_from_15 is True
    assert normalize_ric("11010519491231002X").converted_from_15 is False
    assert normalize_ric("11010519491231002X").region_code == "110105"


@pytest.mark.parametrize(
    ("birth_date", "gender", "expected"),
    [
        (dt.date(1990, 3, 7), "M", True),
        ("1990-03-07", "男", True),
        ("1990/3/7", "1", True),
        ("19900307", None, True),
        (None, "male", True),
        (dt.datetime(1990, 3, 7, 8, 30), "m", True),
        ("1990-03-08", "M", False),
        ("1990-03-07", "女", False),
        (None, "F", False),
        (None, None, None),
        ("not a date", "unknown", None),
    ],
)
def test_agrees_with(birth_date, gender, expected) -> None:
    assert agrees_with("440305199003071236", birth_date, gender) is expected


def test_agrees_with_unusable_id() -> None:
    assert agrees_with(normalize_ric("000000000000000000"), "1990-03-07", "M") is None


def test_result_is_frozen() -> None:
    result = normalize_ric("11010519491231002X")
    assert isinstance(result, RicResult)
    with pytest.raises(AttributeError):
        result.value = "x"  # type: ignore[misc]


def test_masked_numbers_are_read_as_masked_and_compared_where_both_show_digits() -> None:
    from c360.hub.normalize.ric import masked_ric, masks_agree

    assert masked_ric("440303********6133") == "440303********6133"
    assert masked_ric("４４０３ ０３＊＊ ＊＊＊＊ ＊＊６１ ３３") == "440303********6133"  # full width, spaced
    assert masked_ric("440303*******6133") is None  # 17 characters: not a number
    assert masked_ric("440303********613x") == "440303********613X"
    assert masked_ric("**************6133") is None  # four digits shown say too little
    assert masked_ric("440303196308086133") is None  # nothing hidden: a number, not a mask
    assert masks_agree("440303********6133", "440303196308086133") is True
    assert masks_agree("440303********6134", "440303196308086133") is False
    assert masks_agree("440303**********33", "**********08086133") is None  # two digits in common
