"""Resolvers of the 360 view's types called directly, without strawberry's per-call argument machinery.

For every field with a resolver strawberry builds its arguments anew on each call: it looks up
each argument's definition, converts its GraphQL name to the Python one and converts its value
through a generic type walk. For the fields here that was about 6 % of the CPU of a 360
document (cProfile, bench/cpu_360.py), and the work is the same every time: the arguments are
plain scalars or lists of them, which graphql-core has already coerced. :func:`resolve_directly`
gives such fields a resolver that renames the arguments from a table built once and calls the
method. A field with anything else
(input objects, enums, field extensions, permission classes) keeps strawberry's resolver.

Installed before the access rules (``schema.permissions.install_access_control``), which wrap
whatever resolver a field has.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from graphql import GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema
from strawberry.types.base import StrawberryList, StrawberryOptional
from strawberry.types.field import StrawberryField
from strawberry.types.info import Info
from strawberry.utils.str_converters import to_camel_case

__all__ = ["resolve_directly", "DIRECT_TYPES"]

# The types of the 360 view whose fields resolve per item of every list of every document,
# and every connection type (``AccountConnection``, ...).
DIRECT_TYPES = frozenset({"Customer", "ServiceRequest", "EnterpriseContact"})

_SCALARS = (str, int, float, bool)


def _plain(annotation: Any) -> bool:
    """Whether an argument's type is a scalar graphql-core coerces to the Python value itself."""
    while isinstance(annotation, (StrawberryOptional, StrawberryList)):
        annotation = annotation.of_type
    if isinstance(annotation, type) and not issubclass(annotation, enum.Enum):
        return issubclass(annotation, (*_SCALARS, date, datetime))
    return False


def _direct(field: StrawberryField) -> Callable[..., Any] | None:
    resolver = field.base_resolver
    if resolver is None or field.extensions or getattr(field, "permission_classes", None):
        return None
    if resolver.root_parameter is not None or resolver.parent_parameter is not None:
        return None
    if resolver.self_parameter is None or not all(_plain(argument.type) for argument in field.arguments):
        return None
    function = resolver.wrapped_func
    names = {
        argument.graphql_name or to_camel_case(argument.python_name): argument.python_name
        for argument in field.arguments
    }
    info_name = resolver.info_parameter.name if resolver.info_parameter is not None else None

    def resolve(source: Any, info: GraphQLResolveInfo, /, **arguments: Any) -> Any:
        kwargs = {names[name]: value for name, value in arguments.items()}
        if info_name is not None:
            kwargs[info_name] = Info(_raw_info=info, _field=field)
        return function(source, **kwargs)

    return resolve


def resolve_directly(schema: GraphQLSchema, types: Iterable[str] = DIRECT_TYPES) -> None:
    """Give the eligible fields of ``types`` and of every connection type a direct resolver."""
    chosen = set(types)
    for named in schema.type_map.values():
        if not isinstance(named, GraphQLObjectType):
            continue
        if named.name not in chosen and not named.name.endswith("Connection"):
            continue
        for field in named.fields.values():
            definition = (field.extensions or {}).get("strawberry-definition")
            if isinstance(definition, StrawberryField):
                direct = _direct(definition)
                if direct is not None:
                    field.resolve = direct
