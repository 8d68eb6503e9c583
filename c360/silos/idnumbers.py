"""Chinese identifier numbers with correct check characters.

Resident identity card numbers (GB 11643-1999) and unified social credit codes (GB 32100-2015) are
generated valid so that the hub's validators accept them; the simulator breaks them on purpose elsewhere.
"""

from __future__ import annotations

import random
from typing import NamedTuple

__all__ = [
    "Region",
    "REGIONS",
    "ric_check_char",
    "make_ric",
    "ric_region",
    "ric_to_legacy15",
    "uscc_check_char",
    "make_uscc",
    "PLACEHOLDER_IDS",
]


class Region(NamedTuple):
    """A county-level division: its 6-digit code, address parts and telephone area code."""

    code: str
    province: str
    city: str
    district: str
    area_code: str
    since: int = 0  # first birth year for which the code is accepted (the division was created then)


REGIONS: tuple[Region, ...] = (
    Region("110101", "北京市", "北京市", "东城区", "010"),
    Region("110102", "北京市", "北京市", "西城区", "010"),
    Region("110105", "北京市", "北京市", "朝阳区", "010"),
    Region("110108", "北京市", "北京市", "海淀区", "010"),
    Region("310101", "上海市", "上海市", "黄浦区", "021"),
    Region("310104", "上海市", "上海市", "徐汇区", "021"),
    Region("120101", "天津市", "天津市", "和平区", "022"),
    Region("440103", "广东省", "广州市", "荔湾区", "020", 1983),
    Region("440106", "广东省", "广州市", "天河区", "020", 1985),
    Region("440304", "广东省", "深圳市", "福田区", "0755", 1983),
    Region("440305", "广东省", "深圳市", "南山区", "0755", 1983),
    Region("330102", "浙江省", "杭州市", "上城区", "0571", 1983),
    Region("330106", "浙江省", "杭州市", "西湖区", "0571", 1983),
    Region("320102", "江苏省", "南京市", "玄武区", "025", 1983),
    Region("320106", "江苏省", "南京市", "鼓楼区", "025", 1983),
    Region("320111", "江苏省", "南京市", "浦口区", "025", 1983),
    Region("510104", "四川省", "成都市", "锦江区", "028", 1990),
    Region("510107", "四川省", "成都市", "武侯区", "028", 1990),
    Region("420102", "湖北省", "武汉市", "江岸区", "027", 1983),
    Region("420106", "湖北省", "武汉市", "武昌区", "027", 1983),
    Region("610103", "陕西省", "西安市", "碑林区", "029", 1983),
    Region("370102", "山东省", "济南市", "历下区", "0531", 1983),
    Region("210102", "辽宁省", "沈阳市", "和平区", "024", 1983),
    Region("230102", "黑龙江省", "哈尔滨市", "道里区", "0451", 1983),
    Region("350102", "福建省", "福州市", "鼓楼区", "0591", 1983),
    Region("430102", "湖南省", "长沙市", "芙蓉区", "0731", 1983),
    Region("410102", "河南省", "郑州市", "中原区", "0371", 1983),
)

_RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RIC_CHECK = "10X98765432"

#: Obvious dummy numbers clerks type when the customer has no document at hand.
PLACEHOLDER_IDS: tuple[str, ...] = ("000000000000000000", "111111111111111111", "123456789012345678")


def ric_region(region: Region, birth_year: int, rng: random.Random) -> Region:
    """The division to encode in a RIC: the home one unless it did not exist yet in ``birth_year``
    (people born earlier carry the code of where they were first registered)."""
    if birth_year >= region.since:
        return region
    return rng.choice([r for r in REGIONS if r.since <= birth_year])


def ric_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _RIC_WEIGHTS, strict=True))
    return _RIC_CHECK[total % 11]


def make_ric(region_code: str, birth_date: str, gender: str, rng: random.Random) -> str:
    """18-digit RIC whose birth date (``YYYY-MM-DD``) and sex (odd sequence = male) match the person."""
    seq = rng.randrange(0, 500) * 2 + (1 if gender == "M" else 0)
    body = region_code + birth_date.replace("-", "") + f"{seq:03d}"
    return body + ric_check_char(body)


def ric_to_legacy15(ric: str) -> str:
    """The pre-1999 15-digit form: two-digit year, no check character."""
    return ric[:6] + ric[8:17]


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc_check_char(first17: str) -> str:
    """GB 32100 check character (MOD 31) of the first 17 characters."""
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def _org_code(rng: random.Random) -> str:
    """9-character organization code (GB 11714) with its own MOD 11 check character."""
    body = "".join(rng.choice(_ORG_ALPHABET[:10]) for _ in range(8))
    total = sum(int(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def make_uscc(region_code: str, rng: random.Random) -> str:
    """18-character unified social credit code of a company (``91``) registered in ``region_code``."""
    body = "91" + region_code + _org_code(rng)
    return body + uscc_check_char(body)
