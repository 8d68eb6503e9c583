"""The ``DateTime`` scalar: strawberry's ISO 8601 parsing, and only instants the hub can hold in UTC.

Every time the hub stores or compares is converted to UTC first. A value at the edge of the
calendar with an offset (``0001-01-01T00:00:00+14:00``, ``9999-12-31T23:59:59-12:00``) has no UTC
equivalent in Python's range, and the conversion failed deep in a resolver as an internal error.
Checked here, while the variables are coerced, it is a ``BAD_USER_INPUT`` naming the field
(``input.occurredAt``) like any other value that does not fit its type, wherever a ``DateTime``
is accepted. The SDL does not change: the name and description are strawberry's own.
"""

from __future__ import annotations

from datetime import UTC, datetime

import dateutil.parser
import strawberry
from strawberry.schema.types.base_scalars import DateTimeDefinition, wrap_parser

__all__ = ["DATETIME_SCALAR", "parse_moment"]


def parse_moment(text: str) -> datetime:
    """An ISO 8601 date and time; with an offset, only if it converts to UTC (ValueError otherwise)."""
    value = dateutil.parser.isoparse(text)
    if value.utcoffset() is not None:
        try:
            value.astimezone(UTC)
        except OverflowError:
            raise ValueError("it is outside the range of dates the hub can hold in UTC") from None
    return value


DATETIME_SCALAR = strawberry.scalar(
    name=DateTimeDefinition.name,
    description=DateTimeDefinition.description,
    serialize=DateTimeDefinition.serialize,  # type: ignore[arg-type]  # built-in DateTime always has one; its definition type allows None
    parse_value=wrap_parser(parse_moment, "DateTime"),
)
