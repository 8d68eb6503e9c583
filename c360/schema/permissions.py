"""Who may call which root field, and which customer a self-service caller may see.

:data:`PERMISSIONS` is the one table of rules: every root field of Query,
Mutation and Subscription maps to the scope it needs (``None``: any
authenticated caller). A root field with no rule is refused (fail closed),
and ``tests/auth/test_permission_matrix.py`` fails CI for it.

:func:`install_access_control` enforces the table in the root resolvers and,
for a caller bound to one golden customer (a self-service token), checks every
``Customer`` and ``ContactEvent`` object any field produces, so no query shape
(by id, by identifier, by search, through nested fields) reaches another
customer. Nothing runs per field for the other fields: an extension ``resolve``
hook would wrap every field of every response (see docs/benchmarks.md).
Subscription and feed filters of a bound caller must name only its customer.
It also counts look-ups by phone or ID number per caller, by ``customerBy`` or by a search for a whole
number (``c360.schema.lookup_budget``; each alias counts),
and :class:`AccessControl`, in production mode, refuses introspection without ``schema:introspect``.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    default_field_resolver,
    get_named_type,
)
from strawberry.extensions import SchemaExtension

from c360.hub.auth import scopes as S
from c360.schema.customer import Customer
from c360.schema.errors import Forbidden, LimitExceeded
from c360.schema.feed import ContactEvent
from c360.schema.lookup_budget import LOOKUP_ARGUMENTS, lookup_cost
from c360.schema.masking import DISCLOSURE

__all__ = ["PERMISSIONS", "AccessControl", "install_access_control", "LOOKUP_ARGUMENTS", "INTROSPECTION_FIELDS", "refusal"]

PERMISSIONS: dict[tuple[str, str], str | None] = {
    ("Query", "hub"): None,
    ("Query", "customer"): S.CUSTOMER_READ,
    ("Query", "customerBy"): S.CUSTOMER_LOOKUP,
    ("Query", "searchCustomers"): S.CUSTOMER_SEARCH,
    ("Query", "contactEvents"): S.EVENTS_READ,
    ("Query", "auditLog"): S.AUDIT_READ,
    ("Query", "syncRuns"): S.SYNC_ADMIN,
    ("Query", "syncStatus"): S.SYNC_ADMIN,
    ("Query", "quarantine"): S.SYNC_ADMIN,
    ("Query", "quarantinedRecord"): S.SYNC_ADMIN,
    ("Query", "explain"): S.STEWARD,
    ("Query", "reviewQueue"): S.STEWARD,
    ("Query", "identityEvents"): S.STEWARD,
    ("Mutation", "triggerSync"): S.SYNC_ADMIN,
    ("Mutation", "retryQuarantined"): S.SYNC_ADMIN,
    ("Mutation", "stewardMerge"): S.STEWARD,
    ("Mutation", "stewardNeverMerge"): S.STEWARD,
    ("Mutation", "stewardUnmerge"): S.STEWARD,
    ("Mutation", "recordContact"): S.CONTACT_WRITE,
    ("Mutation", "updateServiceRequest"): S.CONTACT_WRITE,
    ("Mutation", "eraseCustomer"): S.STEWARD,
    ("Subscription", "contactEvents"): S.EVENTS_SUBSCRIBE,
}

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


def _deny_other_customer() -> Forbidden:
    return Forbidden("this credential may only see its own customer", scope="customer binding")


def refusal(caller: S.Caller, parent: str, name: str) -> Forbidden | None:
    """Why ``caller`` may not call root field ``parent.name`` (None: it may), from :data:`PERMISSIONS` alone."""
    key = (parent, name)
    if key not in PERMISSIONS:
        return Forbidden(f"{parent}.{name} has no access rule; nobody may call it", scope=None)
    needed = PERMISSIONS[key]
    if needed is not None and not caller.allows(needed):
        return Forbidden(f"{parent}.{name} needs the scope {needed}", scope=needed)
    return None


def _root_check(parent: str, root: Any, info: GraphQLResolveInfo, kwargs: dict[str, Any]) -> None:
    context = info.context
    caller = context.caller
    name = info.field_name
    refused = refusal(caller, parent, name)
    if refused is not None:
        raise refused
    if caller.customer_id is not None and name == "customer" and str(kwargs.get("id")) != caller.customer_id:
        raise _deny_other_customer()
    if caller.customer_id is not None and name == "contactEvents":
        wanted = kwargs.get("filter")
        raw = wanted.get("customerIds") if isinstance(wanted, dict) else getattr(wanted, "customer_ids", None)
        ids = [str(i) for i in raw or []]
        if ids != [caller.customer_id]:
            raise Forbidden("a self-service credential must filter on its own customer id (filter.customerIds)", scope="customer binding")
    if context.lookups is not None and parent == "Query":
        cost = lookup_cost(name, kwargs)
        if cost and context.lookups.take(caller.name, cost):
            raise LimitExceeded(
                f"too many look-ups by phone or ID number; the limit is {context.lookups.per_minute} a minute"
            )


def _see_customer(value: Any, info: GraphQLResolveInfo) -> None:
    bound = info.context.caller.customer_id
    if bound is not None and str(value.id) != bound:
        raise _deny_other_customer()
    disclosure = DISCLOSURE.get()
    if disclosure is not None:
        disclosure.customers.add(str(value.id))


def _see_event(value: Any, info: GraphQLResolveInfo) -> None:
    bound = info.context.caller.customer_id
    owner = value.subject_id or value.customer_id  # subject_id: the filtered id a merged id's event was found for
    if bound is not None and (owner is None or str(owner) != bound):
        raise _deny_other_customer()
    disclosure = DISCLOSURE.get()
    if disclosure is not None and value.customer_id is not None and info.operation.operation.value == "mutation":
        disclosure.customers.add(str(value.customer_id))


_SEE: dict[str, tuple[type, Callable[[Any, GraphQLResolveInfo], None]]] = {
    "Customer": (Customer, _see_customer),
    "ContactEvent": (ContactEvent, _see_event),
}


def _guard_root(parent: str, resolve: Callable[..., Any]) -> Callable[..., Any]:
    def guarded(root: Any, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
        _root_check(parent, root, info, kwargs)
        return resolve(root, info, **kwargs)

    guarded.checks_root = resolve  # type: ignore[attr-defined]  # (tests walk the wrappers)
    return guarded


def _checked(value: Any, info: GraphQLResolveInfo, kind: type, see: Callable[[Any, GraphQLResolveInfo], None]) -> Any:
    if isinstance(value, kind):
        see(value, info)
    elif isinstance(value, (list, tuple)):
        for item in value:
            if isinstance(item, kind):
                see(item, info)
    return value


def _guard_objects(resolve: Callable[..., Any], kind: type, see: Callable[[Any, GraphQLResolveInfo], None]) -> Callable[..., Any]:
    async def later(pending: Awaitable[Any], info: GraphQLResolveInfo) -> Any:
        return _checked(await pending, info, kind, see)

    def guarded(root: Any, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
        value = resolve(root, info, **kwargs)
        if inspect.isawaitable(value):
            return later(value, info)
        return _checked(value, info, kind, see)

    guarded.checks_objects = kind  # type: ignore[attr-defined]  # (tests walk the wrappers)
    return guarded


def _introspection_fields(document: DocumentNode | None, operation_name: str | None) -> bool:
    """Whether the executed operation asks for ``__schema`` or ``__type`` at its root (through fragments too)."""
    if document is None:
        return False
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in operations if operation_name is None or (o.name is not None and o.name.value == operation_name)]
    seen: set[str] = set()

    def asks(selection_set: Any) -> bool:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if selection.name.value in INTROSPECTION_FIELDS:
                    return True
            elif isinstance(selection, InlineFragmentNode):
                if asks(selection.selection_set):
                    return True
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in seen and name in fragments:
                    seen.add(name)
                    if asks(fragments[name].selection_set):
                        return True
        return False

    return any(asks(operation.selection_set) for operation in chosen)


def install_access_control(schema: GraphQLSchema) -> None:
    """Put the access rules into the executable schema, where they cost nothing for fields they do not guard.

    Every root field of Query and Mutation (and the ``subscribe`` of every Subscription field)
    checks :data:`PERMISSIONS` and the caller's binding before it runs. Every field whose type is
    ``Customer`` or ``ContactEvent`` (or a list of them), wherever it sits in the schema, checks
    each object it produces against a bound caller's customer and records it for the audit
    (``c360.schema.audit_ext``). The checks are driven by the schema's own types, so a new field that
    returns a customer is guarded without being listed anywhere.
    """
    roots = [t for t in (schema.query_type, schema.mutation_type, schema.subscription_type) if t is not None]
    for named in schema.type_map.values():
        if not isinstance(named, GraphQLObjectType) or named.name.startswith("__"):
            continue
        for field in named.fields.values():
            guard = _SEE.get(get_named_type(field.type).name)
            if guard is not None:
                field.resolve = _guard_objects(field.resolve or default_field_resolver, *guard)
    for root in roots:
        for field in root.fields.values():
            if root is schema.subscription_type:
                if field.subscribe is not None:
                    field.subscribe = _guard_root(root.name, field.subscribe)
            else:
                field.resolve = _guard_root(root.name, field.resolve or default_field_resolver)


class AccessControl(SchemaExtension):
    """The one per-operation check: introspection in production needs ``schema:introspect``.

    Root fields and customer binding are enforced by :func:`install_access_control` in the resolvers
    themselves, not by a hook around every field.
    """

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        hub = context.context
        if (
            hub.settings.auth.production
            and not hub.caller.allows(S.SCHEMA_INTROSPECT)
            and _introspection_fields(context.graphql_document, context.operation_name)
        ):
            refused = Forbidden(f"introspection needs the scope {S.SCHEMA_INTROSPECT}", scope=S.SCHEMA_INTROSPECT)
            error = GraphQLError(str(refused), original_error=refused, extensions=refused.extensions)
            context.result = ExecutionResult(data=None, errors=[error])
        yield
