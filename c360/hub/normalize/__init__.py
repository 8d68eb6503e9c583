"""Identifier normalization for the master customer index.

Every ``normalize_*`` function is pure and returns a frozen result with the
best-effort normalized ``value``, whether it is ``trusted`` as a
deterministic matching key, and a :class:`Reason` when it is not.

The normalizers memoize up to 200,000 values each per process, so raw ID numbers, phones, names
and addresses stay in memory as cache keys and results: :func:`forget_cached_values` empties
every such cache (an erasure calls it, so nothing of an erased person survives in the process).
"""

from . import name as _name
from ._text import to_simplified
from .address import AddressResult, Street, normalize_address, street_of
from .email import EmailResult, normalize_email
from .name import NameResult, near_sound_key, normalize_name, surname_key
from .organization import OrganizationName, normalize_organization
from .phone import PhoneResult, msisdn_spellings, normalize_phone
from .reasons import PLACEHOLDER, Reason
from .ric import RicResult, agrees_with, normalize_ric
from .uscc import UsccResult, normalize_uscc

# Every memo keyed by (or holding) a value from a record; the one-entry caches of reference data are not.
VALUE_CACHES = (
    normalize_address,
    street_of,
    normalize_email,
    normalize_name,
    _name._pinyin,
    _name._han_key,
    _name._segment,
    _name._near_syllable,
    normalize_organization,
    normalize_phone,
    normalize_ric,
    normalize_uscc,
    to_simplified,
)


def forget_cached_values() -> None:
    """Empty every normalizer's memo of values in this process (they refill as records are normalized again)."""
    for cached in VALUE_CACHES:
        cached.cache_clear()


__all__ = [
    "AddressResult",
    "EmailResult",
    "NameResult",
    "PLACEHOLDER",
    "PhoneResult",
    "Reason",
    "RicResult",
    "Street",
    "UsccResult",
    "VALUE_CACHES",
    "agrees_with",
    "forget_cached_values",
    "normalize_address",
    "normalize_email",
    "normalize_name",
    "normalize_organization",
    "OrganizationName",
    "normalize_phone",
    "normalize_ric",
    "normalize_uscc",
    "msisdn_spellings",
    "near_sound_key",
    "street_of",
    "surname_key",
]
