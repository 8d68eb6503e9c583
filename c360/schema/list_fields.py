"""The 360 view's list fields, resolved with the arguments graphql-core has coerced.

A list field's arguments (``first``, ``after``, filters, ``since``/``until``) are plain scalars,
and graphql-core hands them to the resolver already coerced. Strawberry's resolver would convert
every argument of every call again, through a generic walk over its declared type, and build an
``Info`` per call: with thirteen lists per customer (and a status history per service request)
that was the largest single cost of strawberry in a 360 document (docs/benchmarks.md). These
fields are given a resolver, at graphql-core's level, that passes the coerced arguments straight
to the same method the strawberry declaration calls (``Customer.list_connection``,
``ServiceRequest.history_connection``), so the answer is the same by construction. The strawberry
declarations still define the fields, their arguments and their docs. Installed like the access
rules (``c360.schema.permissions``), before them.

Measured with strawberry-graphql 0.341.2 and graphql-core 3.3.2: about 13 % less CPU per 360
document (docs/benchmarks.md). It relies on public graphql-core API only (a field's ``resolve``
and graphql-core passing coerced arguments by name); should a strawberry release make its argument
conversion cheap, this module can go and the declarations keep working as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema

from c360.schema.planning import CUSTOMER_LISTS

__all__ = ["install_list_resolvers"]


def _customer_list(name: str) -> Callable[..., Any]:
    def resolve(
        customer: Any, info: GraphQLResolveInfo, /, **arguments: Any
    ) -> Any:  # an argument is named "source"
        return customer.list_connection(info.context, name, arguments)

    return resolve


def _status_history(request: Any, info: GraphQLResolveInfo, /, **arguments: Any) -> Any:
    return request.history_connection(info.context, arguments)


def install_list_resolvers(schema: GraphQLSchema) -> None:
    customer = schema.type_map["Customer"]
    service_request = schema.type_map["ServiceRequest"]
    assert isinstance(customer, GraphQLObjectType) and isinstance(service_request, GraphQLObjectType)
    for field_name, (list_name, _node_type) in CUSTOMER_LISTS.items():
        customer.fields[field_name].resolve = _customer_list(list_name)
    service_request.fields["statusHistory"].resolve = _status_history
