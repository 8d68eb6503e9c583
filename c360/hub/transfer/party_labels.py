"""How silos spell a party's kind and sex, and how they write phones and e-mails (several in one field, or as spreadsheet numbers).

Exports written by BOSS, CRM and key-account systems label the same things differently
(``个人`` / ``企业``, ``individual`` / ``corporate``, ``女士``) and often put two numbers in one
text field (``13911112222/13611112222``). A label nobody listed here is still refused, naming the
field: it is not guessed.
"""

from __future__ import annotations

import re

__all__ = ["party_kind", "sex", "split_emails", "split_listed", "unfloated"]

_PERSON = (
    "person", "individual", "personal", "private", "natural person", "natural_person", "consumer", "residential",
    "个人", "个人客户", "自然人", "公众客户", "家庭客户",
)
_ORGANIZATION = (
    "organization", "organisation", "org", "company", "corporate", "corporation", "enterprise", "business",
    "group", "institution", "legal person", "legal_person",
    "企业", "企业客户", "公司", "单位", "集团", "集团客户", "政企", "政企客户", "机构", "法人",
)
_KINDS = {label: "person" for label in _PERSON} | {label: "organization" for label in _ORGANIZATION}

# GB/T 2261.1-2003: 0 not known, 1 male, 2 female, 9 not stated. Forms of address are how call
# centres and business halls record it.
_SEXES = {
    "m": "M", "male": "M", "man": "M", "男": "M", "男性": "M", "男士": "M", "先生": "M", "1": "M",
    "f": "F", "female": "F", "woman": "F", "女": "F", "女性": "F", "女士": "F", "小姐": "F", "2": "F",
}
_UNKNOWN_SEX = frozenset({"0", "9", "u", "unknown", "not known", "not stated", "未知", "未知的性别", "未说明", "未说明的性别"})

# Separators between numbers written in one field; a part must look like a number of its own
# (7 digits or more), so "0757-7718816/8" stays one number with its extension.
_LIST_SEPARATORS = re.compile(r"[;,|/；，、]")
_DIGITS = re.compile(r"\d")
_LEAST_DIGITS = 7


def _key(label: str) -> str:
    return " ".join(label.strip().lower().split())


def party_kind(label: str) -> str | None:
    """``person`` or ``organization`` for a known label, else None."""
    return _KINDS.get(_key(label))


def sex(label: str) -> str | None:
    """``M`` or ``F`` for a known label; None for one that says the sex is not known; raises KeyError otherwise."""
    key = _key(label)
    if key in _UNKNOWN_SEX:
        return None
    return _SEXES[key]


def split_listed(value: str) -> list[str]:
    """The numbers of one field: split where each part is a number of its own, else the field as it is."""
    parts = [part.strip() for part in _LIST_SEPARATORS.split(value)]
    if len(parts) > 1 and all(len(_DIGITS.findall(part)) >= _LEAST_DIGITS for part in parts):
        return [unfloated(part) for part in parts]
    return [unfloated(value.strip())]


_EMAIL_SEPARATORS = re.compile(r"[;,\s；，、]+")


def split_emails(value: str) -> list[str]:
    """The addresses of one field (separated by ``;``, ``,`` or spaces)."""
    return [part for part in _EMAIL_SEPARATORS.split(value.strip()) if part]


# A phone number that went through a spreadsheet as a number: 13811112222.0, 1.3811112222E10
_FLOATED = re.compile(r"^(\+?\d{5,})\.0+$|^\d\.\d+[eE]\+?\d{1,2}$")


def unfloated(value: str) -> str:
    """``value`` without the decimal point or exponent a spreadsheet gave a whole number; else as it is."""
    match = _FLOATED.match(value)
    if match is None:
        return value
    if match.group(1):
        return match.group(1)
    number = float(value)
    return str(int(number)) if number.is_integer() and number < 1e16 else value
