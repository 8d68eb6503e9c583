"""Postal addresses: split into province / city / district / rest.

Only the administrative part is canonicalized (short names, simplified
characters) so ``locality_key`` can serve as a blocking key; the street
detail is cleaned but otherwise left alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ._gazetteer import MUNICIPALITIES, PROVINCES, by_first_char, gazetteer, short_name
from ._text import fold_width, strip_spaces, to_simplified
from .reasons import Reason

__all__ = ["AddressResult", "Street", "normalize_address", "street_of"]

_COUNTRY = re.compile(r"^(?:中华人民共和国|中国)")
_PROVINCE_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")
# After a suffix-less short name these mean "street", not an admin unit
# ("深圳南山大道" is a road, not 南山区).
_STREET_MARKERS = ("路", "街", "道", "巷", "弄", "号", "村", "大道", "大街")
_CITY_FALLBACK = re.compile(r"^([\u4e00-\u9fff]{2,8}?(?:自治州|地区|盟|市))")
_DISTRICT_FALLBACK = re.compile(r"^([\u4e00-\u9fff]{2,8}?(?:自治县|自治旗|区|县|市|旗))")
_ADMIN_SUFFIX_CHARS = ("区", "县", "市", "旗", "州", "盟")
_PROVINCES_FULL: dict[str, str] = {short: full for full, short in PROVINCES.values()}
_PROVINCE_SPELLINGS = sorted(
    ((spelling, short) for full, short in PROVINCES.values() for spelling in (full, short)),
    key=lambda e: -len(e[0]),
)
_PROVINCE_HEADS = by_first_char(_PROVINCE_SPELLINGS)
_AFTER_SHORT_NAME = _STREET_MARKERS + _ADMIN_SUFFIX_CHARS  # what a suffix-less short name must not run into


@dataclass(frozen=True, slots=True)
class AddressResult:
    """Parsed address; ``value`` is ``province|city|district|rest``."""

    raw: str
    value: str
    trusted: bool
    reason: Reason | None
    province: str | None = None
    city: str | None = None
    district: str | None = None
    rest: str = ""
    locality_key: str = "||"


def _accept(text: str, pos: int, spelling: str, short: str) -> bool:
    """A suffix-less short name must not run into a street word or into a
    different admin suffix ("朝阳区" is not the city 朝阳)."""
    if not text.startswith(spelling, pos):
        return False
    if spelling != short:
        return True
    return not text.startswith(_AFTER_SHORT_NAME, pos + len(spelling))


def _match_province(text: str) -> tuple[str | None, int]:
    for spelling, short in _PROVINCE_HEADS.get(text[:1], ()):
        if not text.startswith(spelling) or (
            spelling == short and text.startswith(_STREET_MARKERS, len(spelling))
        ):
            continue
        end = len(spelling)
        if spelling == short:
            if short not in MUNICIPALITIES and text.startswith("市", end):
                return short, 0  # "吉林市…" is the city; province inferred
            end += next((len(s) for s in _PROVINCE_SUFFIXES if text.startswith(s, end)), 0)
        return short, end
    return None, 0


def _match(text: str, pos: int, heads: dict[str, list[tuple[str, str]]]) -> tuple[str | None, int]:
    """The first accepted spelling at ``pos``; ``heads``: the candidates by first character."""
    for spelling, canonical in heads.get(text[pos:pos + 1], ()):
        if _accept(text, pos, spelling, canonical):
            return canonical, pos + len(spelling)
    return None, pos


def _match_unique(text: str, pos: int, index: Mapping[str, Sequence[tuple[str, ...]]]) -> tuple[tuple[str, ...] | None, int]:
    """Province-less lookup; only accepted when the spelling is unambiguous."""
    hits = [e for e in index.get(text[pos:pos + 2], []) if _accept(text, pos, e[0], e[-1])]
    if not hits:
        return None, pos
    longest = len(hits[0][0])
    places = {e[1:] for e in hits if len(e[0]) == longest}
    if len(places) != 1:
        return None, pos
    return places.pop(), pos + longest


def _clean(raw: str) -> str:
    text = to_simplified(strip_spaces(fold_width(raw)))
    return _COUNTRY.sub("", text).strip(",，;；")


@lru_cache(maxsize=200_000, typed=True)  # pure: one value is normalized once per process
def normalize_address(raw: str) -> AddressResult:
    """Parse the administrative prefix of a mainland Chinese address."""
    text = _clean(raw)
    if not text:
        return AddressResult(raw, "|||", False, Reason.EMPTY)
    gaz = gazetteer()
    province, pos = _match_province(text)
    city: str | None = None
    district: str | None = None
    if province in MUNICIPALITIES:
        city = province
        for noise in (_PROVINCES_FULL.get(province, ""), province, "市辖区", "市"):
            if noise and text.startswith(noise, pos):
                pos += len(noise)
    elif province is not None:
        city, pos = _match(text, pos, gaz.city_heads.get(province, {}))
    else:
        place, pos = _match_unique(text, pos, gaz.city_index)
        if place is not None:
            province, city = place
    if city is None:
        fallback = _CITY_FALLBACK.match(text, pos)
        if fallback:
            city, pos = short_name(fallback.group(1)), fallback.end()
    if province is not None and city is not None:
        district, pos = _match(text, pos, gaz.district_heads.get((province, city), {}))
    elif province is None and city is None:
        place, pos = _match_unique(text, pos, gaz.district_index)
        if place is not None:
            province, city, district = place
    if district is None:
        fallback = _DISTRICT_FALLBACK.match(text, pos)
        if fallback:
            district, pos = short_name(fallback.group(1)), fallback.end()
    rest = text[pos:]
    parts = (province or "", city or "", district or "")
    locality = "|".join(parts)
    if province is None or city is None:
        reason: Reason | None = Reason.UNPARSED
    elif district is None and gaz.districts.get((province, city)):
        # cities without districts (东莞, 仙桃, 香港) are complete as they are
        reason = Reason.INCOMPLETE
    else:
        reason = None
    return AddressResult(
        raw, f"{locality}|{rest}", reason is None, reason, province, city, district, rest, locality
    )



# A road (ending in a road word, with the direction of its section: 广州大道北, 江南大道中, 中山五路东) and the
# house number on it; what follows is building, unit and room.
_ROAD_NUMBER = re.compile(
    r"^(?P<road>[^0-9]*?(?:大道|大街|胡同|路|街|道|巷|弄|里|段|村|镇|乡)[东西南北中]?)(?P<number>[0-9]+)(?:号|號)?(?P<detail>.*)$"
)
_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True, slots=True)
class Street:
    """The comparable core of an address: the road with its house number, and the numbers that follow it."""

    key: str  # 体育西路123号
    detail: tuple[str, ...]  # ("3", "502") of 3栋502室, 3号楼502, 3-502


@lru_cache(maxsize=200_000, typed=True)
def street_of(rest: str) -> Street | None:
    """The road and house number of an address's street part (``AddressResult.rest``), or ``None``.

    Silos write the same place at different depths (a bill leaves out the
    province and the flat); the road with its house number is what both keep.
    """
    match = _ROAD_NUMBER.match(rest)
    if match is None:
        return None
    return Street(f"{match['road']}{int(match['number'])}号", tuple(_DIGITS.findall(match["detail"])))
