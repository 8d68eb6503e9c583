"""Enterprise names: the registered name, and the core that its variants share.

Silos write one enterprise as 广州市天明机械设备有限公司, 天明机械设备（广州）有限公司,
广州天明机械设备有限公司 or just 天明机械设备: a region in front or in brackets,
a legal form at the end, or neither. The *core* drops both (天明机械设备) and
is what matching and blocking compare; a branch (…分公司) keeps its suffix,
since it is a unit of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ._gazetteer import PROVINCES, gazetteer
from ._text import fold_width, strip_spaces, to_simplified

__all__ = ["OrganizationName", "normalize_organization"]

# Longest first: 股份有限公司 before 有限公司 before 公司
_LEGAL_FORMS = (
    "集团股份有限公司", "股份有限公司", "集团有限公司", "有限责任公司", "有限公司", "集团公司", "股份公司",
    "合伙企业", "个人独资企业", "有限合伙", "集团", "公司", "厂", "商行", "工作室",
)
_BRACKETED = re.compile(r"[（(【\[]([^）)】\]]{1,8})[）)】\]]")
_MIN_CORE = 2


@dataclass(frozen=True, slots=True)
class OrganizationName:
    """``value``: the name cleaned (width, script, brackets); ``core``: without region and legal form."""

    raw: str
    value: str
    core: str


@lru_cache(maxsize=1)
def _regions() -> tuple[str, ...]:
    """Province and city spellings (广东省, 广东, 广州市, 广州 …), longest first."""
    spellings: set[str] = set()
    for full, short in PROVINCES.values():
        spellings |= {full, short}
    for entries in gazetteer().cities.values():
        spellings |= {spelling for spelling, _ in entries}
    return tuple(sorted((s for s in spellings if len(s) >= 2), key=len, reverse=True))


def _strip_regions(name: str) -> str:
    """Leading places (省, 市, 区 names), while a core of at least two characters stays."""
    changed = True
    while changed:
        changed = False
        for region in _regions():
            if name.startswith(region) and len(name) - len(region) >= _MIN_CORE:
                name = name[len(region):].lstrip("市")
                changed = True
                break
    return name


@lru_cache(maxsize=100_000)
def normalize_organization(raw: str) -> OrganizationName:
    """The cleaned registered name and its core (``core`` is empty when nothing usable is left)."""
    value = to_simplified(strip_spaces(fold_width(raw))).replace("(", "（").replace(")", "）")
    core = _BRACKETED.sub(lambda m: "" if m.group(1) in _regions() or len(m.group(1)) <= 4 else m.group(1), value)
    if not core.endswith("分公司"):
        for form in _LEGAL_FORMS:
            if core.endswith(form) and len(core) - len(form) >= _MIN_CORE:
                core = core[: -len(form)]
                break
    core = _strip_regions(core)
    return OrganizationName(raw, value, core if len(core) >= _MIN_CORE else "")
