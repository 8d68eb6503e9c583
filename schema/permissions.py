"""Who may call which root field, and which customer a self-service caller may see.

:data:`PERMISSIONS` is the one table of rules: every root field of Query,
Mutation and Subscription maps to the scope it needs (``None``: any
authenticated caller). A root field with no rule is refused (fail closed),
and ``tests/auth/test_permission_matrix.py`` fails CI for it.

:class:`AccessControl` enforces the table and, for a caller bound to one
golden customer (a self-service token), checks every ``Customer`` and
``ContactEvent`` object whose fields are resolved, so no query shape (by id,
by identifier, by search, through nested fields) reaches another customer.
Subscription and feed filters of a bound caller must name only its customer.
It also counts look-ups by phone or ID number per caller (each alias counts)
and, in production mode, refuses introspection without ``schema:introspect``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLResolveInfo
from strawberry.extensions import SchemaExtension

from hub.auth import scopes as S
from schema.customer import Customer
from schema.errors import Forbidden, LimitExceeded
from schema.feed import ContactEvent
from schema.masking import DISCLOSURE

__all__ = ["PERMISSIONS", "AccessControl", "LOOKUP_ARGUMENTS", "INTROSPECTION_FIELDS", "refusal"]

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
    ("Subscription", "contactEvents"): S.EVENTS_SUBSCRIBE,
}

# customerBy arguments whose use is counted against the caller's look-up budget.
LOOKUP_ARGUMENTS = ("idNumber", "phone")  # as GraphQL names them (the hook sees raw arguments)
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


class AccessControl(SchemaExtension):
    def _root_check(self, info: GraphQLResolveInfo, kwargs: dict[str, Any]) -> None:
        context = info.context
        caller = context.caller
        name = info.field_name
        if name == "__typename":
            return
        if name in INTROSPECTION_FIELDS:
            if context.settings.auth.production and not caller.allows(S.SCHEMA_INTROSPECT):
                raise Forbidden(f"introspection needs the scope {S.SCHEMA_INTROSPECT}", scope=S.SCHEMA_INTROSPECT)
            return
        refused = refusal(caller, info.parent_type.name, name)
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
        if name == "customerBy" and context.lookups is not None:
            cost = sum(1 for arg in LOOKUP_ARGUMENTS if kwargs.get(arg))
            if cost and context.lookups.take(caller.name, cost):
                raise LimitExceeded(
                    f"too many look-ups by phone or ID number; the limit is {context.lookups.per_minute} a minute"
                )

    def resolve(self, _next: Callable[..., Any], root: Any, info: GraphQLResolveInfo, *args: Any, **kwargs: Any) -> Any:
        if info.path.prev is None:
            self._root_check(info, kwargs)
        elif isinstance(root, Customer):
            bound = info.context.caller.customer_id
            if bound is not None and str(root.id) != bound:
                raise _deny_other_customer()
            disclosure = DISCLOSURE.get()
            if disclosure is not None:
                disclosure.customers.add(str(root.id))
        elif isinstance(root, ContactEvent):
            bound = info.context.caller.customer_id
            if bound is not None and (root.customer_id is None or str(root.customer_id) != bound):
                raise _deny_other_customer()
            disclosure = DISCLOSURE.get()
            if disclosure is not None and root.customer_id is not None and info.operation.operation.value == "mutation":
                disclosure.customers.add(str(root.customer_id))
        return _next(root, info, *args, **kwargs)
