"""Fast path for the common spellings of mainland numbers, validated by ``phonenumbers``' own metadata.

``phonenumbers.parse`` + ``is_valid_number`` + ``number_type`` cost ~100 µs a number, and
almost every number we see is an 11-digit mobile (bare, or after +86 / 0086 / 86, in
3-4-4 groups) or an area code plus local number. For exactly those shapes this module
follows the library's own steps (IDD, country code, national prefix, number type) on the
CN metadata's patterns, compiled once, and gives up (``None``) whenever the library
could read the digits any other way, so the caller's full path decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import phonenumbers

__all__ = ["FastNumber", "fast_mainland"]

# [0-9], not \d: other scripts' digits take the full path.
_MOBILE_SHAPE = re.compile(r"(?:(\+86|0086|86)[ -]?)?(1[0-9]{2})[ -]?([0-9]{4})[ -]?([0-9]{4})")
_FIXED_SHAPE = re.compile(r"(0[0-9]{2,3})[ -]?([0-9]{7,8})")
_COUNTRY_CODE = 86


@dataclass(frozen=True, slots=True)
class FastNumber:
    """A number the fast path settled: its national significant number and type."""

    national: str
    kind: Literal["mobile", "fixed"]


@dataclass(frozen=True, slots=True)
class _Desc:
    """One ``PhoneNumberDesc``: possible lengths and its pattern, compiled once."""

    lengths: tuple[int, ...]
    local_lengths: tuple[int, ...]
    pattern: re.Pattern[str] | None

    @classmethod
    def of(cls, desc: Any) -> _Desc | None:
        if desc is None:
            return None
        pattern = desc.national_number_pattern
        return cls(tuple(desc.possible_length), tuple(desc.possible_length_local_only), re.compile(pattern) if pattern else None)

    def pattern_matches(self, number: str) -> bool:
        """The pattern alone (the library's viability check while stripping prefixes)."""
        return self.pattern is not None and self.pattern.fullmatch(number) is not None

    def matches(self, number: str) -> bool:
        """A possible length, then the whole pattern (the library's number-type check)."""
        return (not self.lengths or len(number) in self.lengths) and self.pattern_matches(number)


@dataclass(frozen=True, slots=True)
class _Plan:
    """The CN metadata the fast path needs."""

    general: _Desc
    special: tuple[_Desc, ...]  # premium rate .. voicemail: checked before fixed line and mobile
    fixed: _Desc
    mobile: _Desc
    idd: re.Pattern[str]
    national_prefix: re.Pattern[str]

    def kind(self, national: str) -> str | None:
        """``mobile`` / ``fixed`` as the library's ``number_type`` would say, else ``None``."""
        if not self.general.matches(national) or any(d.matches(national) for d in self.special):
            return None
        fixed, mobile = self.fixed.matches(national), self.mobile.matches(national)
        if fixed != mobile:
            return "fixed" if fixed else "mobile"
        return None  # fixed-line-or-mobile, or unknown: the full path says what

    def strips_trunk_zero(self, digits: str) -> bool:
        """The library strips the leading 0 (and only it), and keeps the shorter number."""
        prefix = self.national_prefix.match(digits)
        if prefix is None or prefix.group() != "0" or any(g is not None for g in prefix.groups()):
            return False
        rest = digits[1:]
        if not rest or rest[0] == "0" or len(rest) not in self.general.lengths or len(rest) in self.general.local_lengths:
            return False  # too short to keep, or a leading zero the library treats apart
        return self.general.pattern_matches(rest)


@lru_cache(maxsize=1)
def _plan() -> _Plan | None:
    """Compiled once; ``None`` (no fast path) when the metadata is not laid out as assumed."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    if (
        meta is None
        or meta.country_code != _COUNTRY_CODE
        or meta.same_mobile_and_fixed_line_pattern
        or meta.national_prefix_transform_rule
        or not meta.national_prefix_for_parsing
        or not meta.international_prefix
        or tuple(phonenumbers.region_codes_for_country_code(_COUNTRY_CODE)) != ("CN",)
        or phonenumbers.region_codes_for_country_code(8)  # "+86..." must not read as country code 8
    ):
        return None
    general, fixed, mobile = _Desc.of(meta.general_desc), _Desc.of(meta.fixed_line), _Desc.of(meta.mobile)
    if general is None or fixed is None or mobile is None or not general.lengths:
        return None
    special = (meta.premium_rate, meta.toll_free, meta.shared_cost, meta.voip, meta.personal_number, meta.pager, meta.uan, meta.voicemail)
    return _Plan(
        general, tuple(d for d in map(_Desc.of, special) if d is not None), fixed, mobile,
        re.compile(meta.international_prefix), re.compile(meta.national_prefix_for_parsing),
    )


def fast_mainland(text: str) -> FastNumber | None:
    """A well-formed mainland mobile or area-code number in ``text`` (folded, stripped), else ``None``."""
    plan = _plan()
    if plan is None or not text or text[-1] not in "0123456789":
        return None
    shape = _MOBILE_SHAPE.fullmatch(text)
    if shape is not None:
        return _mobile(plan, shape.group(1), "".join(shape.group(2, 3, 4)))
    shape = _FIXED_SHAPE.fullmatch(text)
    if shape is not None:
        return _fixed(plan, "".join(shape.group(1, 2)))
    return None


def _mobile(plan: _Plan, prefix: str | None, national: str) -> FastNumber | None:
    """11 digits after an optional country code: read as the library reads them, or give up."""
    if prefix is None or prefix == "86":
        if plan.idd.match(national if prefix is None else prefix + national):
            return None  # dialled as an international prefix
        if prefix == "86" and plan.general.pattern_matches(prefix + national):
            return None  # 86... might be kept as a national number
    elif prefix == "0086":
        idd = plan.idd.match(prefix + national)
        if idd is None or idd.end() != 2:
            return None
    if plan.national_prefix.match(national):
        return None  # a carrier / trunk prefix the library would strip
    return FastNumber(national, "mobile") if plan.kind(national) == "mobile" else None


def _fixed(plan: _Plan, digits: str) -> FastNumber | None:
    """Trunk 0, area code and local number: the library drops the 0; anything else gives up."""
    if plan.idd.match(digits) or not plan.strips_trunk_zero(digits):
        return None
    national = digits[1:]
    return FastNumber(national, "fixed") if plan.kind(national) == "fixed" else None
