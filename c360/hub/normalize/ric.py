"""Resident identity card numbers (居民身份证号码, GB 11643-1999).

The 18-character number is the strongest deterministic person key we get,
so anything doubtful (checksum, date, dummy values) is flagged untrusted
rather than silently repaired.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from stdnum.cn import ric as _stdnum_ric

from ._text import fold_width, is_monotone_sequence
from .reasons import Reason

__all__ = ["RicResult", "normalize_ric", "agrees_with", "masked_ric", "masks_agree"]

Gender = Literal["M", "F"]

# Province-level prefixes (first two digits of the address code), plus
# 71/81/82/83 used by residence permits for Taiwan, Hong Kong and Macao.
_PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)
_SEPARATORS = re.compile(r"[\s\-_./]+")
# A number printed with some of its digits hidden, as exports and receipts print it (440303********6133)
_MASKED = re.compile(r"[0-9X*]{18}")
_MASK_CHARACTERS = str.maketrans({"＊": "*", "×": "*", "●": "*", "•": "*"})
_LEAST_SHOWN = 8  # fewer digits shown say too little to compare (the region alone is shared by a district)
_EARLIEST_BIRTH_YEAR = 1900


@dataclass(frozen=True, slots=True)
class RicResult:
    """Normalized resident ID; birth date/gender only when structurally sound."""

    raw: str
    value: str
    trusted: bool
    reason: Reason | None
    birth_date: dt.date | None = None
    gender: Gender | None = None
    region_code: str | None = None
    converted_from_15: bool = False


def _compact(raw: str) -> str:
    return _SEPARATORS.sub("", fold_width(raw)).upper()


def _upgrade_15(number: str) -> str:
    """First-generation 15-digit cards omit "19" and the check digit."""
    body = number[:6] + "19" + number[6:]
    return body + _stdnum_ric.calc_check_digit(body + "0")


def _birth_date(number: str) -> dt.date | None:
    """YYYYMMDD at 6..14 of an already compact number (stdnum's ``get_birth_date`` re-cleans it char by char)."""
    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    try:
        born = dt.date(year, month, day)
    except ValueError:
        return None
    if born.year < _EARLIEST_BIRTH_YEAR or born > dt.date.today():
        return None
    return born


def _is_placeholder(number: str) -> bool:
    body = number[:17]
    return is_monotone_sequence(body) or len(set(number.replace("X", ""))) <= 1


@lru_cache(maxsize=200_000, typed=True)  # pure: one value is normalized once per process
def normalize_ric(raw: str) -> RicResult:
    """Normalize a resident ID to 18 upper-case characters and validate it.

    Region codes are only checked at province level: stdnum's county table
    lags behind newly created districts, which would reject real cards.
    """
    number = _compact(raw)
    if not number:
        return RicResult(raw, "", False, Reason.EMPTY)
    converted = False
    if len(number) == 15 and number.isdigit():
        if _is_placeholder(number):
            return RicResult(raw, number, False, Reason.PLACEHOLDER)
        number, converted = _upgrade_15(number), True
    if len(number) != 18:
        return RicResult(raw, number, False, Reason.BAD_LENGTH)
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return RicResult(raw, number, False, Reason.BAD_FORMAT)
    if _is_placeholder(number):
        return RicResult(raw, number, False, Reason.PLACEHOLDER, converted_from_15=converted)

    born = _birth_date(number)
    gender: Gender = "M" if int(number[16]) % 2 else "F"
    region = number[:6]
    reason: Reason | None = None
    if number[17] != _stdnum_ric.calc_check_digit(number):
        reason = Reason.BAD_CHECKSUM
    elif born is None:
        reason = Reason.BAD_DATE
    elif region[:2] not in _PROVINCE_PREFIXES:
        reason = Reason.BAD_REGION
    return RicResult(
        raw,
        number,
        reason is None,
        reason,
        birth_date=born,
        gender=gender if born is not None else None,
        region_code=region,
        converted_from_15=converted,
    )


_MALE = frozenset({"m", "male", "man", "男", "1", "先生"})
_FEMALE = frozenset({"f", "female", "woman", "女", "2", "女士"})
_DATE_PARTS = re.compile(r"^(\d{4})\D?(\d{1,2})\D?(\d{1,2})\D?$")


def _parse_gender(value: str | None) -> Gender | None:
    if value is None:
        return None
    key = fold_width(value).strip().lower()
    if key in _MALE:
        return "M"
    if key in _FEMALE:
        return "F"
    return None


def _parse_date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    match = _DATE_PARTS.match(fold_width(value).strip())
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def agrees_with(
    ric: RicResult | str,
    birth_date: dt.date | str | None = None,
    gender: str | None = None,
) -> bool | None:
    """Check a record's own birth date / sex against its resident ID.

    Returns False on any disagreement, True when at least one field was
    compared and all agree, None when nothing could be compared (no usable
    ID data, or both record fields missing/unparseable). Gender accepts
    M/F, male/female, 男/女 and the GB/T 2261.1 codes 1/2.
    """
    result = ric if isinstance(ric, RicResult) else normalize_ric(ric)
    if result.birth_date is None:
        return None
    compared = False
    record_date = _parse_date(birth_date)
    if record_date is not None:
        if record_date != result.birth_date:
            return False
        compared = True
    record_gender = _parse_gender(gender)
    if record_gender is not None:
        if record_gender != result.gender:
            return False
        compared = True
    return True if compared else None


def masked_ric(raw: str) -> str | None:
    """A resident ID with hidden digits, compacted (``440303********6133``), or ``None`` when ``raw`` is not one.

    Kept apart from the trusted numbers: it cannot decide a match, but the digits it shows can
    agree with a full number, or contradict it (``masks_agree``).
    """
    number = _compact(raw.translate(_MASK_CHARACTERS))
    if "*" not in number or not _MASKED.fullmatch(number) or len(number) - number.count("*") < _LEAST_SHOWN:
        return None
    return number


def masks_agree(one: str, other: str) -> bool | None:
    """Whether two 18-character numbers, either of them masked, agree where both show a character.

    ``None`` when they show fewer than ``_LEAST_SHOWN`` characters in the same places.
    """
    shown = [(x, y) for x, y in zip(one, other, strict=True) if x != "*" and y != "*"]
    if len(shown) < _LEAST_SHOWN:
        return None
    return all(x == y for x, y in shown)
