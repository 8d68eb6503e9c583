"""Identifier normalization for the master customer index.

Every ``normalize_*`` function is pure and returns a frozen result with the
best-effort normalized ``value``, whether it is ``trusted`` as a
deterministic matching key, and a :class:`Reason` when it is not.
"""

from .address import AddressResult, Street, normalize_address, street_of
from .email import EmailResult, normalize_email
from .name import NameResult, near_sound_key, normalize_name, surname_key
from .organization import OrganizationName, normalize_organization
from .phone import PhoneResult, msisdn_spellings, normalize_phone
from .reasons import PLACEHOLDER, Reason
from .ric import RicResult, agrees_with, normalize_ric
from .uscc import UsccResult, normalize_uscc

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
    "agrees_with",
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
