"""Personal names: Chinese characters and pinyin romanizations.

Names are never unique, so ``trusted`` here means "usable as a full name in
matching" (not an honorific, a placeholder or masked). The pronunciation
key lets homophones (李娜/李那) and romanized spellings ("Zhang Wei",
"Wei Zhang", "zhangwei") compare by sound.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PINYIN_DICT
from pypinyin.contrib.tone_convert import to_normal

from ._surnames import COMMON_SURNAMES, COMPOUND_SURNAMES, SURNAME_READINGS
from ._text import fold_width, is_han, strip_spaces, to_simplified
from .reasons import Reason

__all__ = ["NameResult", "NameScript", "normalize_name", "surname_key", "near_sound_key"]

NameScript = Literal["han", "latin", "mixed", "empty"]

_DOTS = re.compile(r"[·•・‧∙⋅.\u00b7\u30fb]+")
_MASK = re.compile(r"[*×✱]")
_ANONYMIZED = re.compile(r"^.{1,2}某{1,2}$")
# Call-center forms of address. Longest first so "总经理" beats "总".
_HONORIFICS = sorted(
    (
        "先生", "女士", "小姐", "太太", "夫人", "总", "总经理", "经理", "老师", "师傅",
        "老板", "阿姨", "主任", "医生", "大夫", "工", "董事长", "教授", "律师", "同学",
        "科长", "处长", "局长", "部长", "校长", "院长", "书记", "会计", "博士", "警官",
    ),
    key=len,
    reverse=True,
)
# Polite suffixes long enough to strip safely after a full name ("王明先生").
# Forms of address that say the person's sex; the others (老师, 经理, 师傅 …) do not.
_HONORIFIC_GENDER: dict[str, Literal["M", "F"]] = {
    "先生": "M", "女士": "F", "小姐": "F", "太太": "F", "夫人": "F", "阿姨": "F",
}
# Familiar prefixes before a bare surname: 老王, 小李, 阿陈
_PREFIX_HONORIFICS = ("老", "小", "阿")
_STRIPPABLE = frozenset({"先生", "女士", "小姐", "太太", "经理", "老师", "师傅", "老板", "总经理", "董事长", "教授", "律师", "医生", "主任"})
_PLACEHOLDERS = frozenset(
    {
        "未知", "不详", "无", "无名", "匿名", "测试", "客户", "用户", "本人", "先生", "女士", "小姐",
        "某某", "test", "unknown", "none", "null", "na", "xxx", "customer",
    }
)
_SURNAME_SET = frozenset(s for s in COMMON_SURNAMES if len(s) == 1)
# 老施 and 阿陈 are forms of address whatever the surname; after 小, characters common in given names
# (小明, 小文, 小兰) are read as the name they usually are
_GIVEN_NAME_CHARS = frozenset("明文兰华军平红英玲芳丽静伟强林春燕霞海云凤杰东")


def _familiar_surnames(prefix: str) -> frozenset[str]:
    return _SURNAME_SET - _GIVEN_NAME_CHARS if prefix == "小" else _SURNAME_SET
_LATIN_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "madam"})
_LATIN_SPLIT = re.compile(r"[\s,\-'’.]+")
_ALIASES = {"lyu": "lv", "nyu": "nv", "lyue": "lve", "nyue": "nve", "lue": "lve", "nue": "nve"}
_MAX_SYLLABLE = 6


@dataclass(frozen=True, slots=True)
class NameResult:
    """Normalized name; ``pronunciation_key`` is tone-less pinyin, surname first."""

    raw: str
    value: str
    trusted: bool
    reason: Reason | None
    surname: str | None = None
    pronunciation_key: str = ""
    romanized: bool = False
    honorific_only: bool = False
    script: NameScript = "empty"
    honorific_gender: Literal["M", "F"] | None = None  # what a form of address says (王女士: F), when it says it


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    """Every tone-less pinyin syllable pypinyin knows, minus bare nasals."""
    found = {to_normal(r) for readings in PINYIN_DICT.values() for r in readings.split(",")}
    return frozenset(s for s in found if s.isascii() and s.isalpha() and s not in {"m", "n", "ng", "hm", "hng"}) | frozenset(_ALIASES)


@lru_cache(maxsize=1)
def _surname_ranks() -> dict[str, int]:
    """Romanized surname -> frequency rank (lower is more common)."""
    ranks: dict[str, int] = {}
    for rank, surname in enumerate(COMMON_SURNAMES):
        ranks.setdefault("".join(_surname_pinyin(surname)), rank)
    for surname in COMPOUND_SURNAMES:  # multi-syllable: almost surely the surname
        ranks["".join(_surname_pinyin(surname))] = -1
    return ranks


def _surname_pinyin(surname: str) -> tuple[str, ...]:
    return SURNAME_READINGS.get(surname) or _pinyin(surname)


@lru_cache(maxsize=100_000)
def _pinyin(text: str) -> tuple[str, ...]:
    """Tone-less readings; cached apart from whole names because given names and surnames repeat far more."""
    return tuple(lazy_pinyin(text, style=Style.NORMAL))


@lru_cache(maxsize=200_000)
def _han_key(surname: str, given: str) -> str:
    """Pinyin key; surname readings override everyday readings (曾 zeng)."""
    head = list(_surname_pinyin(surname)) if surname else []
    tail = [s for s in _pinyin(given) if s.isascii() and s.isalpha()]
    return " ".join(head + tail)


@lru_cache(maxsize=100_000)
def _segment(token: str) -> tuple[str, ...] | None:
    """Split run-together pinyin into the fewest valid syllables, or None."""
    valid = _syllables()
    best: list[tuple[str, ...] | None] = [()] + [None] * len(token)
    for end in range(1, len(token) + 1):
        for start in range(max(0, end - _MAX_SYLLABLE), end):
            prefix = best[start]
            piece = token[start:end]
            if prefix is not None and piece in valid:
                candidate = prefix + (_ALIASES.get(piece, piece),)
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    return best[-1]


# Sounds that speakers of many dialects, and clerks typing what they hear, do not tell apart
_NEAR_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"))
_NEAR_FINALS = (("iang", "ian"), ("uang", "uan"), ("ang", "an"), ("eng", "en"), ("ing", "in"))


@lru_cache(maxsize=100_000)
def _near_syllable(syllable: str) -> str:
    for heard, written in _NEAR_INITIALS:
        if syllable.startswith(heard):
            syllable = written + syllable[len(heard):]
            break
    for heard, written in _NEAR_FINALS:
        if syllable.endswith(heard):
            return syllable[: -len(heard)] + written
    return syllable


def near_sound_key(pronunciation_key: str) -> str:
    """A pronunciation key with near-homophones folded together (陈 chen / 程 cheng, 刘 liu / 牛 niu, 林 / 凌).

    Coarser than the pronunciation key: agreement on it alone is weaker evidence.
    """
    return " ".join(_near_syllable(s) for s in pronunciation_key.split(" "))


def surname_key(surname: str) -> str:
    """A surname's pronunciation (王/汪 both ``wang``; surname readings win: 曾 ``zeng``)."""
    return "".join(_surname_pinyin(surname)) if surname else ""


def _han_surname(name: str) -> str:
    return name[:2] if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES else name[0]


def _split_honorific(name: str) -> tuple[str, str] | None:
    for suffix in _HONORIFICS:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix
    return None


def _normalize_han(raw: str, text: str) -> NameResult:
    name = to_simplified(strip_spaces(_DOTS.sub("·", text))).strip("·")
    if _MASK.search(name):
        return NameResult(raw, name, False, Reason.MASKED, name[0] if is_han(name[0]) else None, script="han")
    if name in _PLACEHOLDERS:
        return NameResult(raw, name, False, Reason.PLACEHOLDER, script="han")
    if _ANONYMIZED.match(name):
        surname = name.rstrip("某")
        return NameResult(raw, name, False, Reason.PLACEHOLDER, surname, _han_key(surname, ""), script="han")
    if any(not is_han(ch) and ch != "·" for ch in name):
        latin = any(ch.isascii() and ch.isalpha() for ch in name)
        reason = Reason.MIXED_SCRIPT if latin else Reason.BAD_FORMAT
        return NameResult(raw, name, False, reason, script="mixed" if latin else "han")
    if "·" in name:  # transliterated minority/foreign name: no surname split
        return NameResult(raw, name, True, None, None, _han_key("", name), script="han")
    split = _split_honorific(name)
    if split is not None:
        prefix, suffix = split
        if len(prefix) == 1 or prefix in COMPOUND_SURNAMES:
            return NameResult(
                raw, prefix, False, Reason.HONORIFIC_ONLY, prefix, _han_key(prefix, ""),
                honorific_only=True, script="han", honorific_gender=_HONORIFIC_GENDER.get(suffix),
            )
        if suffix in _STRIPPABLE:
            name = prefix
    elif len(name) == 2 and name[0] in _PREFIX_HONORIFICS and name[1] in _familiar_surnames(name[0]):
        return NameResult(
            raw, name[1], False, Reason.HONORIFIC_ONLY, name[1], _han_key(name[1], ""), honorific_only=True, script="han",
        )
    surname = _han_surname(name)
    key = _han_key(surname, name[len(surname):])
    if len(name) == 1:
        return NameResult(raw, name, False, Reason.INCOMPLETE, surname, key, script="han")
    return NameResult(raw, name, True, None, surname, key, script="han")


def _fold_latin(text: str) -> str:
    text = text.lower().replace("ü", "v").replace("u:", "v")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _surname_index(tokens: list[str], originals: list[str], comma: bool) -> int:
    """Decide which token is the surname (Chinese vs. Western order)."""
    if comma or len(tokens) == 1:
        return 0
    caps = [i for i, t in enumerate(originals) if len(t) > 1 and t.isupper()]
    if len(caps) == 1:
        return caps[0]
    ranks = _surname_ranks()
    first, last = ranks.get(tokens[0]), ranks.get(tokens[-1])
    if last is not None and (first is None or last < first):
        return len(tokens) - 1
    return 0


def _normalize_latin(raw: str, text: str) -> NameResult:
    originals = [t for t in _LATIN_SPLIT.split(text.strip()) if t]
    folded = [_fold_latin(t) for t in originals]
    honorific = bool(folded) and folded[0] in _LATIN_TITLES
    if honorific:
        originals, folded = originals[1:], folded[1:]
    if not folded:
        return NameResult(raw, "", False, Reason.EMPTY)
    segments = [_segment(t) for t in folded]
    if any(s is None for s in segments) or not all(t.isalpha() for t in folded):
        value = " ".join(t.capitalize() for t in folded)
        return NameResult(raw, value, not honorific, Reason.HONORIFIC_ONLY if honorific else None,
                          pronunciation_key=" ".join(folded), honorific_only=honorific, script="latin")
    syllables = [s for s in segments if s is not None]
    idx = _surname_index(folded, originals, "," in text)
    if len(folded) == 1:
        head, rest = _split_latin_single(syllables[0])
    else:
        head = syllables[idx]
        rest = tuple(s for i, seg in enumerate(syllables) if i != idx for s in seg)
    surname = "".join(head)
    value = " ".join(p for p in (surname.capitalize(), "".join(rest).capitalize()) if p)
    key = " ".join(head + rest)
    if honorific or not rest:
        reason = Reason.HONORIFIC_ONLY if honorific else Reason.INCOMPLETE
        return NameResult(raw, value, False, reason, surname, key, True, honorific, "latin")
    return NameResult(raw, value, True, None, surname, key, True, False, "latin")


def _split_latin_single(syllables: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Run-together name ("ouyangxiu"): compound surname if it is one."""
    if len(syllables) >= 3 and "".join(syllables[:2]) in _compound_romanized():
        return syllables[:2], syllables[2:]
    return syllables[:1], syllables[1:]


@lru_cache(maxsize=1)
def _compound_romanized() -> frozenset[str]:
    return frozenset("".join(_surname_pinyin(s)) for s in COMPOUND_SURNAMES)


@lru_cache(maxsize=200_000, typed=True)  # pure: one value is normalized once per process
def normalize_name(raw: str) -> NameResult:
    """Normalize a personal name written in Chinese characters or pinyin."""
    text = fold_width(raw)
    if any(is_han(ch) for ch in text):
        return _normalize_han(raw, text)
    if any(ch.isalpha() for ch in text):
        if strip_spaces(text).lower() in _PLACEHOLDERS:
            return NameResult(raw, strip_spaces(text).lower(), False, Reason.PLACEHOLDER, script="latin")
        return _normalize_latin(raw, text)
    if strip_spaces(text):
        return NameResult(raw, strip_spaces(text), False, Reason.BAD_FORMAT)
    return NameResult(raw, "", False, Reason.EMPTY)
