"""Masking of personal data, in one place.

Every sensitive value in the schema has the GraphQL type ``Protected``, whose
serializer is :func:`mask`: a resolver hands back a :class:`Sensitive` (kind +
value) or even a bare string, and what leaves the hub is masked either way,
so no resolver can forget. Kinds with no rule (a name, a status) pass through.

Whether a value leaves in clear is decided here too: the request's
:class:`Disclosure` (a context variable set per operation by
``c360.schema.audit_ext.AuditTrail`` from the caller's ``pii:read`` scope) says
so, and collects the kinds of sensitive values that went out, for the audit
log. Without a disclosure in force every value is masked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, NewType

import strawberry

from c360.resolvers.sensitive import Sensitive

__all__ = ["protect", "Sensitive", "Protected", "PROTECTED_SCALAR", "mask", "SENSITIVE_KINDS", "Disclosure", "DISCLOSURE"]


@dataclass
class Disclosure:
    """What one operation may see in clear, and what sensitive kinds it was shown."""

    clear: bool = False
    kinds: set[str] = field(default_factory=set)
    customers: set[str] = field(default_factory=set)
    label: Callable[[], str] | None = None  # the operation's label in the audit log, once its document is known
    recorded: set[str] = field(default_factory=set)  # customers whose write row a write stored with its event


DISCLOSURE: ContextVar[Disclosure | None] = ContextVar("c360_disclosure", default=None)


def protect(kind: str, value: Any) -> Protected | None:
    """What a resolver returns for a ``Protected`` field (None stays null)."""
    return None if value is None else Protected(Sensitive(kind, value))


def _keep(value: str, head: int, tail: int) -> str:
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail :]


def _phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if value.startswith("+86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) == 11:
        return digits[:3] + "****" + digits[7:]
    return _keep(digits, 2, 2)


def _email(value: str) -> str:
    local, _, domain = value.partition("@")
    if not domain:
        return _keep(value, 1, 0)
    return (local[:1] + "***") + "@" + domain


def _address(value: str) -> str:
    # Keep the coarse part (province, city, district); hide the street and number.
    return value[:6] + "****" if len(value) > 6 else "****"


_RULES = {
    "ric": lambda v: _keep(v, 6, 4),
    "passport": lambda v: _keep(v, 1, 2),
    "phone": _phone,
    "msisdn": _phone,
    "email": _email,
    "address": _address,
    "birth_date": lambda v: v[:4] + "-**-**" if len(v) >= 4 else "****",
}

SENSITIVE_KINDS = frozenset(_RULES)

# Shown in clear: names, statuses, and an enterprise's credit code (public in the national registry).
# Any other kind without a rule is masked as an unknown document number.
_PASS_THROUGH = frozenset({"name", "display_name", "gender", "status", "kind", "party_type", "uscc", "credit_code"})


def mask(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return [mask(item) for item in value]
    if isinstance(value, Sensitive):
        if value.value is None:
            return None
        text = str(value.value)
        rule = _RULES.get(value.kind)
        disclosure = DISCLOSURE.get()
        if disclosure is not None and value.kind not in _PASS_THROUGH:
            disclosure.kinds.add(value.kind)
            if disclosure.clear:
                return text
        if rule is not None:
            return rule(text)
        if value.kind in _PASS_THROUGH:
            return value.value if isinstance(value.value, (str, int, float, bool)) else text
        return _keep(text, 1, 2)  # an unknown document type: assume it is personal
    return _keep(str(value), 1, 2)  # a bare value given to a Protected field: never shown in clear


def _refuse(_value: Any) -> Any:
    raise ValueError("Protected values are output only")


Protected = NewType("Protected", object)

PROTECTED_SCALAR = strawberry.scalar(
    name="Protected",
    description="A value shown through the hub's masking policy, e.g. 110101********1234 or 138****8000.",
    serialize=mask,
    parse_value=_refuse,
)
