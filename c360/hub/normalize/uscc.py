"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

The code is the deterministic key for business customers; the check
character is computed with ``stdnum.cn.uscc``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from stdnum.cn import uscc as _stdnum_uscc

from ._text import fold_width
from .reasons import Reason

__all__ = ["UsccResult", "normalize_uscc"]

# GB 32100 alphabet: digits and upper-case letters except I, O, S, V, Z.
_CHAR = "[0-9ABCDEFGHJKLMNPQRTUWXY]"
# Registration authority + entity type, 6-digit region, 9-char organization
# code, check character. stdnum insists the first 8 are digits, which
# rejects e.g. codes issued by other authorities (first char "Y", "N").
_SHAPE = re.compile(rf"^{_CHAR}{{2}}\d{{6}}{_CHAR}{{10}}$")
_SEPARATORS = re.compile(r"[\s\-_]+")


@dataclass(frozen=True, slots=True)
class UsccResult:
    """Normalized credit code with its region and organization-code parts."""

    raw: str
    value: str
    trusted: bool
    reason: Reason | None
    region_code: str | None = None
    organization_code: str | None = None


@lru_cache(maxsize=200_000, typed=True)  # pure: one value is normalized once per process
def normalize_uscc(raw: str) -> UsccResult:
    """Normalize to 18 upper-case ASCII characters and verify the check char."""
    code = _SEPARATORS.sub("", fold_width(raw)).upper()
    if not code:
        return UsccResult(raw, "", False, Reason.EMPTY)
    if len(code) != 18:
        return UsccResult(raw, code, False, Reason.BAD_LENGTH)
    if len(set(code)) == 1 or code[:17] in "0123456789012345678901234567890":
        return UsccResult(raw, code, False, Reason.PLACEHOLDER)
    if not _SHAPE.match(code):
        return UsccResult(raw, code, False, Reason.BAD_FORMAT)
    region, org = code[2:8], code[8:17]
    if code[17] != _stdnum_uscc.calc_check_digit(code):
        return UsccResult(raw, code, False, Reason.BAD_CHECKSUM, region, org)
    return UsccResult(raw, code, True, None, region, org)
