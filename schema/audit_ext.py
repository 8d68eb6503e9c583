"""The access audit: who read or changed which customer, and which sensitive kinds went out.

:class:`AuditTrail` opens a :class:`~schema.masking.Disclosure` for each
query or mutation (clear values only for a caller with ``pii:read``). While
the operation runs, ``schema.permissions.AccessControl`` adds every customer
whose fields were resolved and the ``Protected`` serializer adds every
sensitive kind it let out. After the operation one batched INSERT writes one
``audit_log`` row per customer: actor, action (read | write), operation, the
sensitive kinds returned. Subscriptions are not views of a customer and are
not audited per event (their start is logged).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from graphql import OperationDefinitionNode
from sqlalchemy import insert
from sqlalchemy.exc import SQLAlchemyError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from hub.models import AuditEntry, utcnow
from schema.masking import DISCLOSURE, Disclosure

__all__ = ["AuditTrail"]

log = logging.getLogger(__name__)


def _operation_label(document: object, name: str | None) -> str:
    for definition in getattr(document, "definitions", ()):
        if isinstance(definition, OperationDefinitionNode) and (name is None or (definition.name and definition.name.value == name)):
            fields = [getattr(sel, "name", None) for sel in definition.selection_set.selections]
            roots = ",".join(sorted({f.value for f in fields if f is not None}))
            return f"{name or definition.operation.value}:{roots}"[:128]
    return (name or "anonymous")[:128]


class AuditTrail(SchemaExtension):
    async def on_operation(self) -> AsyncIterator[None]:  # type: ignore[override]
        context = self.execution_context.context
        caller = context.caller
        disclosure = Disclosure(clear=caller.can_unmask)
        token = DISCLOSURE.set(disclosure)
        try:
            yield
        finally:
            DISCLOSURE.reset(token)
        try:
            kind = self.execution_context.operation_type
        except RuntimeError:  # the document did not parse: nothing ran
            return
        if kind == OperationType.SUBSCRIPTION or not disclosure.customers:
            return
        action = "write" if kind == OperationType.MUTATION else "read"
        label = _operation_label(self.execution_context.graphql_document, self.execution_context.operation_name)
        now = utcnow()
        rows = [
            {
                "at": now,
                "actor": caller.name[:128],
                "action": action,
                "operation": label,
                "customer_id": customer_id,
                "fields": sorted(disclosure.kinds),
                "detail": {"caller_kind": caller.kind, "clear": disclosure.clear},
            }
            for customer_id in sorted(disclosure.customers)
        ]
        try:
            async with context.sessions() as session, session.begin():
                await session.execute(insert(AuditEntry), rows)
        except SQLAlchemyError:
            log.exception("audit write failed; the answer is withheld")
            result = self.execution_context.result
            if result is not None:
                from graphql import GraphQLError

                result.data = None
                result.errors = [GraphQLError("Unexpected error.", extensions={"code": "INTERNAL_SERVER_ERROR"})]
