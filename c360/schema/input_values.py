"""Input objects built from their GraphQL values with each field's type worked out once.

strawberry (0.341 here) converts an input object argument field by field on every request, and for
each field resolves its Python annotation again (``StrawberryField.resolve_type``). Built here
instead, a ``recordContact`` costs 12 % less server CPU (docs/benchmarks.md, "Contact-event
writes"). Since 0.329 strawberry's definitions take a ``from_input`` hook
(``StrawberryObjectDefinition.from_input``, the way integrations such as ``strawberry.pydantic``
build their own inputs). :func:`install_input_builders` sets one on every input type of a schema; it
looks the field types up once, then hands each value over as strawberry would: as is for scalars and
enums (graphql-core has already coerced them), through strawberry's own conversion for anything
else. Types with a ``Maybe`` field keep strawberry's path, since a type with the hook is left out of
strawberry's null check for ``Maybe``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING
from typing import Any

from strawberry import Schema
from strawberry.relay.types import GlobalID
from strawberry.scalars import is_scalar
from strawberry.types.arguments import InputContext
from strawberry.types.base import (
    StrawberryList,
    StrawberryMaybe,
    StrawberryObjectDefinition,
    StrawberryOptional,
    StrawberryType,
)
from strawberry.types.enum import StrawberryEnumDefinition, has_enum_definition

__all__ = ["InputBuilder", "install_input_builders"]


class InputBuilder:
    """``from_input`` for one input type: the fields' GraphQL names, Python names and types, read once."""

    def __init__(self, definition: StrawberryObjectDefinition, schema: Schema) -> None:
        self.definition = definition
        registry = schema.schema_converter.scalar_registry
        name_of = schema.config.name_converter.from_field
        # Fields with no default are None unless the client sent them (strawberry does the same).
        self.unset: dict[str, object] = {f.python_name: None for f in definition.fields if f.default_value is MISSING and f.default_factory is MISSING}
        self.fields: list[tuple[str, str, StrawberryType | type, bool]] = []
        for field in definition.fields:
            type_ = field.resolve_type(type_definition=definition)
            self.fields.append((name_of(field), field.python_name, type_, _passes_as_is(type_, registry)))

    def __call__(self, cls: type, value: Mapping[str, Any], context: InputContext) -> Any:
        kwargs: dict[str, object] = dict(self.unset)
        for graphql_name, python_name, type_, as_is in self.fields:
            if graphql_name in value:
                given = value[graphql_name]
                kwargs[python_name] = given if as_is or given is None else context.convert(given, type_, graphql_name)
        return cls(**kwargs)


def _passes_as_is(type_: StrawberryType | type, registry: Mapping[object, Any]) -> bool:
    """Whether strawberry would hand the (already coerced) value over unchanged: a scalar or an enum, maybe optional."""
    while isinstance(type_, StrawberryOptional) and not isinstance(type_, StrawberryMaybe):
        type_ = type_.of_type
    if type_ is GlobalID or isinstance(type_, StrawberryList | StrawberryMaybe):
        return False
    return isinstance(type_, StrawberryEnumDefinition) or has_enum_definition(type_) or is_scalar(type_, registry)


def _has_maybe(definition: StrawberryObjectDefinition) -> bool:
    return any(isinstance(f.resolve_type(type_definition=definition), StrawberryMaybe) for f in definition.fields)


def install_input_builders(schema: Schema) -> None:
    """Give every input type of ``schema`` (bar those with ``Maybe`` fields) an :class:`InputBuilder`."""
    for concrete in schema.schema_converter.type_map.values():
        definition = concrete.definition
        if isinstance(definition, StrawberryObjectDefinition) and definition.is_input and definition.from_input is None \
                and not _has_maybe(definition):
            definition.from_input = InputBuilder(definition, schema)
