"""Province table plus city/district names borrowed from python-stdnum.

stdnum ships the administrative division codes (``stdnum/cn/loc.dat``) for
resident-ID validation; reusing it avoids maintaining our own gazetteer.
Historical names are kept so old addresses still parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["PROVINCES", "MUNICIPALITIES", "Gazetteer", "by_first_char", "gazetteer", "short_name"]

#: code -> (official name, short name). Short names are the canonical form.
PROVINCES: dict[str, tuple[str, str]] = {
    "11": ("北京市", "北京"), "12": ("天津市", "天津"), "13": ("河北省", "河北"),
    "14": ("山西省", "山西"), "15": ("内蒙古自治区", "内蒙古"), "21": ("辽宁省", "辽宁"),
    "22": ("吉林省", "吉林"), "23": ("黑龙江省", "黑龙江"), "31": ("上海市", "上海"),
    "32": ("江苏省", "江苏"), "33": ("浙江省", "浙江"), "34": ("安徽省", "安徽"),
    "35": ("福建省", "福建"), "36": ("江西省", "江西"), "37": ("山东省", "山东"),
    "41": ("河南省", "河南"), "42": ("湖北省", "湖北"), "43": ("湖南省", "湖南"),
    "44": ("广东省", "广东"), "45": ("广西壮族自治区", "广西"), "46": ("海南省", "海南"),
    "50": ("重庆市", "重庆"), "51": ("四川省", "四川"), "52": ("贵州省", "贵州"),
    "53": ("云南省", "云南"), "54": ("西藏自治区", "西藏"), "61": ("陕西省", "陕西"),
    "62": ("甘肃省", "甘肃"), "63": ("青海省", "青海"), "64": ("宁夏回族自治区", "宁夏"),
    "65": ("新疆维吾尔自治区", "新疆"), "71": ("台湾省", "台湾"),
    "81": ("香港特别行政区", "香港"), "82": ("澳门特别行政区", "澳门"),
}
#: Province-level units whose only "city" is the unit itself.
MUNICIPALITIES = frozenset({"北京", "天津", "上海", "重庆", "香港", "澳门"})

_ETHNIC = (
    "维吾尔|哈萨克|柯尔克孜|蒙古|朝鲜|土家|布依|景颇|傈僳|哈尼|纳西|拉祜|达斡尔|鄂温克|鄂伦春|"
    "塔吉克|仡佬|毛南|仫佬|东乡|保安|撒拉|裕固|独龙|普米|锡伯|各族|壮|回|藏|苗|侗|彝|傣|白|黎|羌|"
    "土|瑶|畲|水|满|佤|怒|京"
)
_AUTONOMOUS = re.compile(rf"^(.{{2,}}?)(?:(?:{_ETHNIC})族?)+自治(?:州|县|旗)$")
_SUFFIXES = ("自治州", "地区", "林区", "特区", "矿区", "新区", "盟", "市", "区", "县", "旗")
_ENTRY = re.compile(r'^\s+(\d{4}) county="?([^"]*)"?\s*$')
_PROVINCE_LINE = re.compile(r"^(\d{2}) province=")


def short_name(name: str) -> str:
    """Strip administrative suffixes when at least two characters remain."""
    match = _AUTONOMOUS.match(name)
    if match:
        return match.group(1)
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@dataclass
class Gazetteer:
    """city/district spellings -> canonical short names, per province."""

    # province short -> [(spelling, canonical city)], longest spelling first
    cities: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # (province, city) -> [(spelling, canonical district)]
    districts: dict[tuple[str, str], list[tuple[str, str]]] = field(default_factory=dict)
    # first two chars -> [(spelling, province, city)] for province-less input
    city_index: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    district_index: dict[str, list[tuple[str, str, str, str]]] = field(default_factory=dict)
    # ``cities`` / ``districts`` split by first character, order kept: a lookup tries only
    # the spellings that can start at its position (hundreds of them otherwise)
    city_heads: dict[str, dict[str, list[tuple[str, str]]]] = field(default_factory=dict)
    district_heads: dict[tuple[str, str], dict[str, list[tuple[str, str]]]] = field(default_factory=dict)


def _names(field_value: str) -> list[str]:
    names = [re.sub(r"^\[[^\]]*\]", "", part).strip() for part in field_value.split(",")]
    return [
        n for n in names
        if n and "直辖" not in n and not n.endswith("办事处") and n not in {"市辖区", "市区", "县", "郊区", "矿区"}
    ]


def _spellings(name: str) -> list[tuple[str, str]]:
    short = short_name(name)
    return [(name, short)] if short == name else [(name, short), (short, short)]


def _add(index: dict[Any, list[tuple[str, str]]], key: object, entries: list[tuple[str, str]]) -> None:
    index.setdefault(key, []).extend(entries)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Parse stdnum's division table once per process."""
    text = resources.files("stdnum.cn").joinpath("loc.dat").read_text(encoding="utf-8")
    gaz = Gazetteer()
    province = ""
    city_of_prefix: dict[str, str] = {}
    for line in text.splitlines():
        head = _PROVINCE_LINE.match(line)
        if head:
            province = PROVINCES.get(head.group(1), ("", ""))[1]
            city_of_prefix = {}
            continue
        entry = _ENTRY.match(line)
        if not entry or not province:
            continue
        code, names = entry.group(1), _names(entry.group(2))
        if code == "0000" or not names:
            continue
        if province in MUNICIPALITIES:
            _add(gaz.districts, (province, province), [s for n in names for s in _spellings(n)])
        elif code.endswith("00"):
            city_of_prefix[code[:2]] = short_name(names[-1])
            _add(gaz.cities, province, [s for n in names for s in _spellings(n)])
        elif code[:2] == "90":  # county-level cities directly under the province
            _add(gaz.cities, province, [s for n in names for s in _spellings(n)])
        elif code[:2] in city_of_prefix:
            _add(gaz.districts, (province, city_of_prefix[code[:2]]), [s for n in names for s in _spellings(n)])
    indexes: tuple[dict[Any, list[tuple[str, str]]], ...] = (gaz.cities, gaz.districts)  # keys of either shape
    for table in indexes:
        for key, entries in table.items():
            table[key] = sorted(set(entries), key=lambda e: -len(e[0]))
    for province, entries in gaz.cities.items():
        for spelling, city in entries:
            gaz.city_index.setdefault(spelling[:2], []).append((spelling, province, city))
    for (province, city), entries in gaz.districts.items():
        for spelling, district in entries:
            gaz.district_index.setdefault(spelling[:2], []).append((spelling, province, city, district))
    for index in (gaz.city_index, gaz.district_index):
        for key in index:
            index[key].sort(key=lambda e: -len(e[0]))
    gaz.city_heads = {key: by_first_char(entries) for key, entries in gaz.cities.items()}
    gaz.district_heads = {key: by_first_char(entries) for key, entries in gaz.districts.items()}
    return gaz


def by_first_char(entries: list[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """Spellings grouped by their first character, each group in the list's own order."""
    heads: dict[str, list[tuple[str, str]]] = {}
    for entry in entries:
        heads.setdefault(entry[0][:1], []).append(entry)
    return heads
