"""What kind of document a silo's (label, number) pair is: one classifier for ingest, matching and masking.

Silos label the same resident ID card many ways (``RIC``, ``resident_id``,
``ID_CARD``, ``身份证``, ``居民身份证``, the code ``01``, nothing at all), and
some label it with something else entirely. So the label is read through a
table of common spellings, and whatever the label says, a number that *is*
a valid resident ID by its structure and check digit (or a valid credit
code) is taken as one: a real ID number under an odd label must still decide
a match. The number itself is kept as given; only the kind is decided here.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .ric import normalize_ric
from .uscc import normalize_uscc

__all__ = ["RIC", "USCC", "PASSPORT", "BUSINESS_REGISTRATION", "document_kind", "label_kind", "is_resident_id_label"]

RIC, USCC, PASSPORT = "ric", "uscc", "passport"
# The 15-digit registration number (注册号) business licences carried before credit codes (2015–2017)
BUSINESS_REGISTRATION = "bizreg"
_REGISTRATION_NUMBER = re.compile(r"^\d{15}$")

_FOLD = re.compile(r"[\s_\-./()（）]+")

# Spellings of each label after ``_fold`` (lower case, no spaces, dashes, dots or brackets).
_RIC_LABELS = frozenset({
    "", "ric", "ric15", "ric18", "id", "idcard", "idno", "idnumber", "residentid", "residentidcard",
    "residentidentitycard", "identitycard", "nationalid", "prcid", "cnid", "sfz", "sfzh",
    "身份证", "身份证号", "身份证号码", "居民身份证", "居民身份证号", "居民身份证号码", "二代身份证",
    "第二代居民身份证", "临时身份证", "临时居民身份证",
    "01",  # the real-name registration systems' code for 居民身份证
})
_USCC_LABELS = frozenset({
    "uscc", "creditcode", "socialcreditcode", "unifiedsocialcreditcode", "统一社会信用代码", "信用代码",
    "营业执照", "营业执照号", "营业执照号码", "49",
})
_PASSPORT_LABELS = frozenset({"passport", "pp", "护照", "普通护照"})


def _fold(label: str) -> str:
    return _FOLD.sub("", unicodedata.normalize("NFKC", label)).lower()


@lru_cache(maxsize=512)
def label_kind(label: str | None) -> str | None:
    """The document kind a label names (``ric``, ``uscc``, ``passport``), or ``None`` for any other label."""
    folded = _fold(label or "")
    if folded in _RIC_LABELS:
        return RIC
    if folded in _USCC_LABELS:
        return USCC
    if folded in _PASSPORT_LABELS:
        return PASSPORT
    return None


def is_resident_id_label(label: str | None) -> bool:
    """A label that names the resident ID card (an empty label does too: it is the default document)."""
    return label_kind(label) == RIC


def document_kind(label: str | None, number: str | None) -> str:
    """The kind to file ``number`` under: its label's kind, else what its structure proves, else the label itself.

    A valid 18-digit (or structurally sound 15-digit) resident ID, or a valid
    credit code, is that document whatever the label. Fifteen digits under a
    business-licence label are an old licence's registration number. Anything else keeps the
    kind its label names, or the folded label (``ssn``, ``hkmacaopass`` …) as
    a soft document type; the number is never changed here.
    """
    named = label_kind(label)
    if named == USCC and number and _REGISTRATION_NUMBER.match(_fold(number)):
        return BUSINESS_REGISTRATION  # 营业执照 on an old licence: its registration number, not a broken credit code
    if named in (RIC, USCC):
        return named
    if number:
        if normalize_ric(number).trusted:
            return RIC
        if normalize_uscc(number).trusted:
            return USCC
    if named is not None:
        return named
    return _fold(label or "")[:24] or RIC
