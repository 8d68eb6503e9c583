"""The ways silos disagree about the same party: typos, homophones, script variants, phone formats.

Every function takes the caller's ``random.Random`` so the noise is part of the seeded stream.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = [
    "NoiseRates",
    "HOMOPHONES",
    "TRADITIONAL",
    "BUSINESS_HALL_PHONES",
    "homophone",
    "to_traditional",
    "vary_name",
    "format_mobile",
    "honorific",
]


@dataclass(frozen=True)
class NoiseRates:
    """Probabilities of each disagreement; defaults are a few percent as seen in real operators."""

    name_homophone: float = 0.03
    traditional: float = 0.02
    phone_format: float = 0.10
    legacy_id15: float = 0.03
    lowercase_x: float = 0.5  # of the ids that end in X
    missing_email: float = 0.05
    missing_id: float = 0.03
    missing_birth_date: float = 0.04
    boss_duplicate: float = 0.02
    recycled_phone: float = 0.01
    honorific_caller: float = 0.15
    placeholder_id: float = 0.003
    business_hall_phone: float = 0.008
    malformed: float = 0.002
    deleted: float = 0.01
    family_member: float = 0.25


#: Characters commonly confused when a clerk types a name heard over the phone.
HOMOPHONES: dict[str, str] = {
    "娜": "那", "伟": "玮", "芳": "方", "静": "晶", "丽": "莉", "敏": "民", "强": "墙", "磊": "蕾",
    "军": "君", "洋": "阳", "勇": "永", "艳": "燕", "杰": "洁", "涛": "滔", "明": "鸣", "超": "朝",
    "秀": "琇", "英": "瑛", "华": "桦", "平": "萍", "刚": "钢", "桂": "贵", "玉": "钰", "霞": "侠",
    "飞": "菲", "波": "博", "斌": "彬", "婷": "亭", "晨": "辰", "欣": "馨", "宇": "雨", "浩": "皓",
    "张": "章", "王": "汪", "李": "里", "杨": "扬", "陈": "程", "黄": "皇", "林": "琳", "徐": "许",
}

#: Simplified → traditional for characters frequent in names and addresses.
TRADITIONAL: dict[str, str] = {
    "陈": "陳", "刘": "劉", "张": "張", "杨": "楊", "黄": "黃", "赵": "趙", "吴": "吳", "郑": "鄭",
    "孙": "孫", "马": "馬", "冯": "馮", "许": "許", "邓": "鄧", "韩": "韓", "罗": "羅", "钟": "鍾",
    "叶": "葉", "萧": "蕭", "谢": "謝", "卢": "盧", "苏": "蘇", "沈": "瀋", "伟": "偉", "华": "華",
    "丽": "麗", "红": "紅", "军": "軍", "国": "國", "庆": "慶", "凤": "鳳", "兰": "蘭", "云": "雲",
    "龙": "龍", "东": "東", "宁": "寧", "刚": "剛", "辉": "輝", "涛": "濤", "荣": "榮", "进": "進",
    "杰": "傑", "静": "靜", "广": "廣", "门": "門", "区": "區",
    "号": "號", "阳": "陽", "汉": "漢", "发": "發",
}

#: Front-desk numbers a business hall types when the customer gives none.
BUSINESS_HALL_PHONES: tuple[str, ...] = ("13800138000", "010-68001000", "13901390000")


def homophone(name: str, rng: random.Random) -> str:
    """Replace one character with a same-sounding one (or repeat/drop nothing if none applies)."""
    spots = [i for i, ch in enumerate(name) if ch in HOMOPHONES]
    if not spots:
        return name
    i = rng.choice(spots)
    return name[:i] + HOMOPHONES[name[i]] + name[i + 1 :]


def to_traditional(text: str) -> str:
    """Traditional-script rendering as found in records keyed in Hong Kong/Taiwan style terminals."""
    return "".join(TRADITIONAL.get(ch, ch) for ch in text)


def vary_name(name: str, rng: random.Random, rates: NoiseRates) -> str:
    """A silo's spelling of ``name``: usually unchanged, sometimes homophone or traditional."""
    r = rng.random()
    if r < rates.name_homophone:
        return homophone(name, rng)
    if r < rates.name_homophone + rates.traditional:
        return to_traditional(name)
    return name


_MOBILE_FORMATS = (
    lambda m: f"+86 {m[:3]} {m[3:7]} {m[7:]}",
    lambda m: f"0086-{m}",
    lambda m: f"{m[:3]}-{m[3:7]}-{m[7:]}",
    lambda m: f"{m[:3]} {m[3:7]} {m[7:]}",
    lambda m: f"+86{m}",
    lambda m: f"86-{m}",
)


def format_mobile(mobile: str, rng: random.Random, rate: float) -> str:
    """``mobile`` as typed into some silo: bare 11 digits most of the time, decorated otherwise."""
    if rng.random() >= rate or not mobile.isdigit():
        return mobile
    return rng.choice(_MOBILE_FORMATS)(mobile)


def honorific(surname: str, gender: str | None) -> str:
    """How a call-center agent records an unidentified caller: surname + 先生/女士."""
    return surname + ("先生" if gender == "M" else "女士")
