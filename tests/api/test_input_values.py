"""Input objects built by ``InputBuilder`` equal what strawberry's own conversion builds, field for field."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from strawberry.types.arguments import convert_argument
from strawberry.types.base import StrawberryObjectDefinition

from c360.schema.build import build_schema
from c360.schema.contact import RecordContactInput, UpdateServiceRequestInput
from c360.schema.enums import Channel, ContactType, Direction, EventType, RequestStatus
from c360.schema.feed import ContactEventFilter
from c360.schema.input_values import InputBuilder
from c360.schema.lookup import CustomerRef

SCHEMA = build_schema()
WHEN = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)

# Values as graphql-core hands them to strawberry: GraphQL names, enums and scalars already coerced,
# published defaults filled in (``direction``), the rest present only when the client sent them.
CASES: list[tuple[type, dict[str, Any]]] = [
    (RecordContactInput, {"customer": {"id": "C-1"}, "channel": Channel.APP, "type": ContactType.INQUIRY,
                          "occurredAt": WHEN, "direction": Direction.INBOUND}),
    (RecordContactInput, {"customer": {"phone": "13800138000", "source": None}, "channel": Channel.CALL_CENTER,
                          "type": ContactType.COMPLAINT, "occurredAt": WHEN, "direction": Direction.OUTBOUND,
                          "agent": "a-7", "summary": None, "outcome": "done", "phone": "13800138000",
                          "serviceRequestId": "SR-9", "idempotencyKey": "k-1"}),
    (UpdateServiceRequestInput, {"serviceRequestId": "SR-9", "status": RequestStatus.RESOLVED, "channel": Channel.WEB}),
    (UpdateServiceRequestInput, {"serviceRequestId": "SR-9", "status": RequestStatus.CLOSED, "channel": Channel.SMS,
                                 "at": WHEN, "agent": None, "note": "n", "idempotencyKey": "k-2"}),
    (ContactEventFilter, {"types": [EventType.CONTACT_RECORDED], "channels": None, "customerIds": ["C-1", "C-2"]}),
    (ContactEventFilter, {}),
    (CustomerRef, {"idNumber": "110101199003071234", "creditCode": None}),
]


def _definition(cls: type) -> StrawberryObjectDefinition:
    definition: StrawberryObjectDefinition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    return definition


def _strawberry_builds(cls: type, value: dict[str, Any]) -> Any:
    """What strawberry builds with no hook on the type (nested types keep theirs: their own cases check them)."""
    definition = _definition(cls)
    hook, definition.from_input = definition.from_input, None
    try:
        return convert_argument(value, cls, SCHEMA.schema_converter.scalar_registry, SCHEMA.config)
    finally:
        definition.from_input = hook


def test_every_input_type_of_the_schema_has_a_builder() -> None:
    inputs = [c.definition for c in SCHEMA.schema_converter.type_map.values()
              if isinstance(c.definition, StrawberryObjectDefinition) and c.definition.is_input]
    assert {d.name for d in inputs} >= {"RecordContactInput", "UpdateServiceRequestInput", "ContactEventFilter", "CustomerRef"}
    assert all(isinstance(d.from_input, InputBuilder) for d in inputs)


@pytest.mark.parametrize(("cls", "value"), CASES)
def test_builder_and_strawberry_build_the_same_value(cls: type, value: dict[str, Any]) -> None:
    built = convert_argument(value, cls, SCHEMA.schema_converter.scalar_registry, SCHEMA.config)
    assert isinstance(built, cls)
    assert built == _strawberry_builds(cls, value)


def test_lists_are_copied_not_shared() -> None:
    """graphql-core hands every request the same default list: a built input must not alias it."""
    types = [EventType.CONTACT_RECORDED]
    built = convert_argument({"types": types}, ContactEventFilter, SCHEMA.schema_converter.scalar_registry, SCHEMA.config)
    assert isinstance(built, ContactEventFilter)
    assert built.types == types and built.types is not types
