"""The access audit: who read or changed which customer, and which sensitive kinds went out.

:class:`AuditTrail` opens a :class:`~c360.schema.masking.Disclosure` for each
query or mutation (clear values only for a caller with ``pii:read``). While
the operation runs, the resolvers of fields of type ``Customer`` (installed by
``c360.schema.permissions.install_access_control``) add every customer they return, and
the ``Protected`` serializer adds every
sensitive kind it let out. After the operation one batched INSERT writes one
``audit_log`` row per customer: actor, action (read | write), operation, the
sensitive kinds returned. Subscriptions are not views of a customer and are
not audited per event (their start is logged).

In the app the rows go to the process's :class:`~c360.hub.auth.audit_writer.AuditWriter`
(``context.audit``), which group-commits them in the background: a query's answer does not wait for
the insert (a crash loses at most the writer's ``max_lag`` of answers), a mutation's waits for its
group commit (an acknowledged write always has its row), and a failed insert is retried, not turned
into an error. Without a running writer (schema
tests, tools that execute the schema directly) the rows are written before the answer, which is
withheld if that fails. Either way the insert itself is :func:`~c360.hub.auth.audit_store.insert_audit_rows`.

A channel's event (``recordContact``, ``updateServiceRequest``) stores its own write row in the
event's transaction (:func:`write_audit`, ``c360.hub.events.writes.WriteAudit``): the row commits with
the event, and the mutation answers without waiting for the audit writer's group commit. The trail
then leaves that customer out, unless the operation also returned sensitive kinds, which the
write's row (no kinds) does not list.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from graphql import OperationDefinitionNode
from sqlalchemy.exc import SQLAlchemyError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from c360.hub.auth.audit_store import insert_audit_rows
from c360.hub.auth.scopes import Caller
from c360.hub.events.writes import WriteAudit
from c360.hub.models import utcnow
from c360.schema.masking import DISCLOSURE, Disclosure

__all__ = ["AuditTrail", "audit_rows_writer", "audited_with_write", "write_audit"]

log = logging.getLogger(__name__)


def _operation_label(document: object, name: str | None) -> str:
    for definition in getattr(document, "definitions", ()):
        if isinstance(definition, OperationDefinitionNode) and (name is None or (definition.name and definition.name.value == name)):
            fields = [getattr(sel, "name", None) for sel in definition.selection_set.selections]
            roots = ",".join(sorted({f.value for f in fields if f is not None}))
            return f"{name or definition.operation.value}:{roots}"[:128]
    return (name or "anonymous")[:128]


def _attribution(caller: Caller, label: Callable[[], str], clear: bool) -> WriteAudit:
    """Who, in which operation, as every audit row of it says: the trail's rows and a write's own."""
    return WriteAudit(actor=caller.name[:128], operation=label(), detail={"caller_kind": caller.kind, "clear": clear})


def write_audit(caller: Caller) -> WriteAudit | None:
    """The audit row a write of this operation should store with its event; None outside an audited operation."""
    disclosure = DISCLOSURE.get()
    if disclosure is None or disclosure.label is None:
        return None
    return _attribution(caller, disclosure.label, disclosure.clear)


def audited_with_write(customer_id: str | None) -> None:
    """A write stored the row of ``customer_id`` (given :func:`write_audit`'s row, for a new event)."""
    disclosure = DISCLOSURE.get()
    if disclosure is not None and customer_id is not None:
        disclosure.recorded.add(customer_id)


class AuditTrail(SchemaExtension):
    """One batched audit insert per operation: caller, customers whose fields were resolved, sensitive kinds."""

    @staticmethod
    async def write(sessions: Any, rows: list[dict[str, Any]]) -> None:
        await insert_audit_rows(sessions, rows)

    async def on_operation(self) -> AsyncIterator[None]:  # type: ignore[override]
        execution = self.execution_context
        context = execution.context
        caller = context.caller

        def label() -> str:
            """Asked for once the document is parsed: by a write that stores its own row, or below."""
            return _operation_label(execution.graphql_document, execution.operation_name)

        disclosure = Disclosure(clear=caller.can_unmask, label=label)
        token = DISCLOSURE.set(disclosure)
        try:
            yield
        finally:
            DISCLOSURE.reset(token)
        try:
            kind = self.execution_context.operation_type
        except RuntimeError:  # the document did not parse: nothing ran
            return
        customers = disclosure.customers if disclosure.kinds else disclosure.customers - disclosure.recorded
        if kind == OperationType.SUBSCRIPTION or not customers:
            return
        action = "write" if kind == OperationType.MUTATION else "read"
        who = _attribution(caller, label, disclosure.clear)
        now = utcnow()
        rows = [
            {
                "at": now,
                "actor": who.actor,
                "action": action,
                "operation": who.operation,
                "customer_id": customer_id,
                "fields": sorted(disclosure.kinds),
                "detail": who.detail,
            }
            for customer_id in sorted(customers)
        ]
        writer = context.audit
        if writer is not None and writer.running:
            await writer.submit(rows)  # waits only when the writer's queue is full or behind
            if action == "write":
                await writer.flush()  # an acknowledged write always has its audit row
            return
        try:
            await self.write(context.sessions, rows)
        except SQLAlchemyError:
            log.exception("audit write failed; the answer is withheld")
            result = self.execution_context.result
            if result is not None:
                from graphql import GraphQLError

                result.data = None
                result.errors = [GraphQLError("Unexpected error.", extensions={"code": "INTERNAL_SERVER_ERROR"})]


def audit_rows_writer(sessions: Any) -> Callable[[list[dict[str, Any]]], Awaitable[None]]:
    """What an :class:`~c360.hub.auth.audit_writer.AuditWriter` calls to insert a batch: :meth:`AuditTrail.write`,
    looked up at each call (``bench/_load.py`` replaces it to measure what the audit costs)."""

    async def write(rows: list[dict[str, Any]]) -> None:
        await AuditTrail.write(sessions, rows)

    return write
