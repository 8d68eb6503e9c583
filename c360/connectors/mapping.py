"""Small, strict readers for raw silo values, used inside ``Stream.map``.

Each raises ``InvalidRecord`` naming the field and never the value: the
reason is stored in quarantine and shown to operators, and values may be
personal data. ``make`` turns a pydantic validation failure into the same.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from pydantic import ValidationError

from c360.records import CanonicalRecord, InvalidRecord

__all__ = ["text", "required", "timestamp", "parse_timestamp", "day", "decimal", "cents", "integer", "number", "flag", "make"]

R = TypeVar("R", bound=CanonicalRecord)
_TRUE = {"true", "1", "yes", "y", "t", "是"}
_FALSE = {"false", "0", "no", "n", "f", "", "否"}


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


# Dates as silos' exports write them: 1985-03-02, 1985/3/2, 1985.03.02, 19850302, 1985年3月2日
_DATE = re.compile(r"^(\d{4})(?:[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{2})(\d{2})(?!\d))")
# What may follow the date: a time (after T or spaces), a fraction of a second and a zone, as in ISO 8601
_REST = re.compile(r"^(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$")
# A date and time run together, as databases print them for export: 20150101103344, 201501011033
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$")


def _date_prefix(value: str) -> tuple[date, str] | None:
    """The calendar date at the start of ``value`` and what follows it, or ``None``."""
    match = _DATE.match(value)
    if match is None:
        return None
    year, month, day_ = match.group(1), match.group(2) or match.group(4), match.group(3) or match.group(5)
    try:
        return date(int(year), int(month), int(day_)), value[match.end():]
    except ValueError:
        return None


def parse_timestamp(value: str) -> tuple[datetime, bool] | None:
    """A timestamp as silos write one, and whether it was a bare date; ``None`` when it is none.

    ISO 8601 first; then a date and time run together (``20150101103344``); then a date in any
    spelling ``_DATE`` knows, with an optional ``HH:MM[:SS[.ffffff]]`` time and zone. Day-first and month-first
    orders (03/02/1985) are refused: they cannot be told apart.
    """
    text_ = value.strip()
    try:
        parsed = datetime.fromisoformat(text_.replace("Z", "+00:00"))
    except ValueError:
        pass
    else:
        return parsed, len(text_) <= 10
    compact = _COMPACT.match(text_)
    if compact is not None:
        run = [int(part or 0) for part in compact.groups()]  # year, month, day, hour, minute, second
        try:
            return datetime(run[0], run[1], run[2], run[3], run[4], run[5]), False
        except ValueError:
            return None
    head = _date_prefix(text_)
    if head is None:
        return None
    day_, rest = head
    match = _REST.match(rest)
    if match is None:
        return None
    hour, minute, second, fraction, zone = match.groups()
    try:
        moment = datetime(day_.year, day_.month, day_.day, int(hour or 0), int(minute or 0), int(second or 0),
                          round(float(fraction) * 1_000_000) if fraction else 0)
    except ValueError:
        return None
    if zone == "Z":
        moment = moment.replace(tzinfo=UTC)
    elif zone:
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        moment = moment.replace(tzinfo=timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))))
    return moment, hour is None


def timestamp(raw: Mapping[str, Any], field: str, *, needed: bool = False) -> datetime | None:
    """A timestamp in any spelling ``parse_timestamp`` knows; naive values are China time (``c360.records.aware``)."""
    value = required(raw, field) if needed else text(raw, field)
    if value is None:
        return None
    parsed = parse_timestamp(value)
    if parsed is None:
        raise InvalidRecord(f"{field}: not a timestamp (ISO 8601, or a date such as 2024/5/1 with an optional time)")
    return parsed[0]


def day(raw: Mapping[str, Any], field: str) -> date | None:
    """A calendar date in any spelling ``parse_timestamp`` knows; a full timestamp is cut to its date."""
    value = text(raw, field)
    if value is None:
        return None
    head = _date_prefix(value)
    if head is None:
        raise InvalidRecord(f"{field}: not a date (such as 2024-05-01, 2024/5/1, 20240501 or 2024年5月1日)")
    return head[0]


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
