"""Small, strict readers for raw silo values, used inside ``Stream.map``.

Each raises ``InvalidRecord`` naming the field and never the value: the
reason is stored in quarantine and shown to operators, and values may be
personal data. ``make`` turns a pydantic validation failure into the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from pydantic import ValidationError

from hub.records import CanonicalRecord, InvalidRecord

__all__ = ["text", "required", "timestamp", "day", "decimal", "cents", "integer", "number", "flag", "make"]

R = TypeVar("R", bound=CanonicalRecord)
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f", ""}


def text(raw: Mapping[str, Any], field: str) -> str | None:
    """The field as stripped text; missing or blank is ``None``."""
    value = raw.get(field)
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise InvalidRecord(f"{field}: expected text")
    value = str(value).strip()
    return value or None


def required(raw: Mapping[str, Any], field: str) -> str:
    """Like ``text`` but an empty value is an invalid record."""
    value = text(raw, field)
    if value is None:
        raise InvalidRecord(f"{field}: required but empty")
    return value


def timestamp(raw: Mapping[str, Any], field: str, *, needed: bool = False) -> datetime | None:
    """An ISO-8601 timestamp ('Z' accepted); naive values are China time (see ``hub.records.aware``)."""
    value = required(raw, field) if needed else text(raw, field)
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidRecord(f"{field}: not an ISO-8601 timestamp") from None


def day(raw: Mapping[str, Any], field: str) -> date | None:
    """A calendar date; a full timestamp is accepted and cut to its date."""
    value = text(raw, field)
    if value is None:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise InvalidRecord(f"{field}: not an ISO-8601 date") from None


def decimal(raw: Mapping[str, Any], field: str, *, needed: bool = False) -> Decimal | None:
    """An exact amount from a decimal string or number; NaN and infinity are refused."""
    value = required(raw, field) if needed else text(raw, field)
    if value is None:
        return None
    try:
        result = Decimal(value)
    except InvalidOperation:
        raise InvalidRecord(f"{field}: not a number") from None
    if not result.is_finite():
        raise InvalidRecord(f"{field}: not a finite number")
    return result


def cents(raw: Mapping[str, Any], field: str) -> Decimal | None:
    """Whole cents (fen) to yuan, exactly."""
    value = decimal(raw, field)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise InvalidRecord(f"{field}: not a whole number of cents")
    return (value / 100).quantize(Decimal("0.01"))


def integer(raw: Mapping[str, Any], field: str) -> int | None:
    value = decimal(raw, field)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise InvalidRecord(f"{field}: not a whole number")
    return int(value)


def number(raw: Mapping[str, Any], field: str) -> float | None:
    value = decimal(raw, field)
    return None if value is None else float(value)


def flag(raw: Mapping[str, Any], field: str) -> bool:
    """A boolean from JSON, CSV or SQL; missing is ``False``."""
    value = raw.get(field)
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, int):
        return value != 0
    lowered = str(value).strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise InvalidRecord(f"{field}: not a boolean")


def make(cls: type[R], **fields: Any) -> R:
    """Build a canonical record; validation failures become ``InvalidRecord`` naming the fields."""
    try:
        return cls(**fields)
    except ValidationError as error:
        raise InvalidRecord.from_validation(error, source_key=fields.get("source_key")) from None
