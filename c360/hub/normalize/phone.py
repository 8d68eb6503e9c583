"""Telephone numbers, normalized to E.164 with ``phonenumbers`` (region CN).

The E.164 string is the matching key; extensions are kept apart because a
switchboard number plus extension still identifies a company, not a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from ._phone_fast import fast_mainland
from ._text import fold_width, is_monotone_sequence
from .reasons import Reason

__all__ = ["PhoneResult", "PhoneType", "normalize_phone", "msisdn_spellings"]

PhoneType = Literal["mobile", "fixed", "other"]

_DEFAULT_REGION = "CN"
# Explicit extension markers: 转 / 轉 / 分机, ext, x, #, and a trailing pause.
_EXTENSION = re.compile(
    r"\s*(?:转|轉|分机|分機|ext(?:ension)?\.?|x|#|,|;)\s*(\d{1,6})\s*#?\s*$",
    re.IGNORECASE,
)
# "010-62345678-801", "010 6234 5678-801": area code, local number (maybe spaced), extension after a dash.
_DASH_EXTENSION = re.compile(r"^(\(?0\d{2,3}\)?[\s-]?\d{3,4}\s?\d{4})-(\d{1,6})$")
_ALLOWED = re.compile(r"^[\d\s\-+().]*$")
_NON_DIGITS = re.compile(r"\D")
_COUNTRY_CODE = 86  # of the default region
_TYPES: dict[int, PhoneType] = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "fixed",
}


@dataclass(frozen=True, slots=True)
class PhoneResult:
    """Normalized phone; ``value`` is E.164 when parseable, else bare digits."""

    raw: str
    value: str
    trusted: bool
    reason: Reason | None
    type: PhoneType = "other"
    extension: str | None = None
    region: str | None = None


def _split_extension(text: str) -> tuple[str, str | None]:
    match = _EXTENSION.search(text)
    if match:
        return text[: match.start()].strip(), match.group(1)
    match = _DASH_EXTENSION.match(text)
    if match:
        return match.group(1), match.group(2)
    return text.rstrip("#").strip(), None


@lru_cache(maxsize=200_000, typed=True)  # pure: one value is normalized once per process
def normalize_phone(raw: str) -> PhoneResult:
    """Normalize a mainland (or international) phone number to E.164."""
    text = fold_width(raw).strip()
    return _fast(raw, text) or _normalize(raw, text)


def _normalize_phone_slow(raw: str) -> PhoneResult:
    """The full path alone, never the fast one: the reference the fast path is tested against."""
    return _normalize(raw, fold_width(raw).strip())


def _fast(raw: str, text: str) -> PhoneResult | None:
    """Common mainland spellings, settled on the library's metadata without ``phonenumbers.parse``."""
    number_part, extension = _split_extension(text)
    if extension is not None:
        return None  # "00861322817-1800" reads as a number plus extension
    found = fast_mainland(number_part)
    if found is None or is_monotone_sequence(_NON_DIGITS.sub("", number_part)) or is_monotone_sequence(found.national):
        return None  # placeholders keep their own reason: the full path words it
    return PhoneResult(raw, f"+{_COUNTRY_CODE}{found.national}", True, None, type=found.kind, region=_DEFAULT_REGION)


def _normalize(raw: str, text: str) -> PhoneResult:
    if not text:
        return PhoneResult(raw, "", False, Reason.EMPTY)
    number_part, extension = _split_extension(text)
    digits = _NON_DIGITS.sub("", number_part)
    if not digits:
        return PhoneResult(raw, "", False, Reason.BAD_FORMAT, extension=extension)
    if not _ALLOWED.match(number_part):
        return PhoneResult(raw, digits, False, Reason.BAD_FORMAT, extension=extension)
    if len(digits) >= 7 and is_monotone_sequence(digits):
        return PhoneResult(raw, digits, False, Reason.PLACEHOLDER, extension=extension)
    try:
        parsed = phonenumbers.parse(number_part, _DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return PhoneResult(raw, digits, False, Reason.BAD_FORMAT, extension=extension)
    e164 = phonenumbers.format_number(parsed, PhoneNumberFormat.E164)
    if is_monotone_sequence(str(parsed.national_number)):
        return PhoneResult(raw, e164, False, Reason.PLACEHOLDER, extension=extension)
    region = phonenumbers.region_code_for_number(parsed)
    if not phonenumbers.is_valid_number(parsed):
        return PhoneResult(raw, e164, False, Reason.INVALID_NUMBER, extension=extension)
    kind = _TYPES.get(phonenumbers.number_type(parsed), "other")
    return PhoneResult(raw, e164, True, None, type=kind, extension=extension, region=region)


def msisdn_spellings(e164: str) -> list[str]:
    """How silos store a mainland MSISDN (E.164, national, 86-prefixed, spaced): to look one up as stored."""
    national = e164[3:] if e164.startswith("+86") else e164
    return [e164, national, "86" + national, "+86 " + national]
