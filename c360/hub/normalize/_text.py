"""Text clean-up shared by the normalizers (width folding, t2s)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import pairwise

import opencc

__all__ = ["fold_width", "strip_spaces", "to_simplified", "is_han", "is_monotone_sequence"]

_SPACES = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")


def fold_width(text: str) -> str:
    """NFKC-fold so full-width digits/letters/punctuation become ASCII.

    Call-center and OCR input routinely mixes ０-９, ｘ and ideographic spaces.
    """
    return unicodedata.normalize("NFKC", text)


def strip_spaces(text: str) -> str:
    """Remove every whitespace and zero-width character."""
    return _SPACES.sub("", text)


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    # Building the converter loads dictionaries: do it once per process.
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=200_000)
def to_simplified(text: str) -> str:
    """Traditional -> simplified Chinese; cached because values repeat a lot."""
    if text.isascii():
        return text
    return str(_converter().convert(text))


def is_han(ch: str) -> bool:
    """True for CJK unified ideographs (incl. extension A and compatibility)."""
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x3134F
        or 0xF900 <= cp <= 0xFAFF
    )


def is_monotone_sequence(digits: str) -> bool:
    """True for keyboard-mash digit runs: all equal, or +1/-1 steps mod 10."""
    if len(digits) < 2 or not digits.isdigit():
        return False
    if not digits.isascii():  # other scripts' decimal digits: the general rule
        return _steps(digits) in ({0}, {1}, {9})
    # An ASCII run with steps of +1 (-1) mod 10 is a substring of 0123456789 (9876543210) repeated.
    cycles = len(digits) // 10 + 2
    return digits == digits[0] * len(digits) or digits in _ASCENDING * cycles or digits in _DESCENDING * cycles


_ASCENDING, _DESCENDING = "0123456789", "9876543210"


def _steps(digits: str) -> set[int]:
    return {(int(b) - int(a)) % 10 for a, b in pairwise(digits)}
