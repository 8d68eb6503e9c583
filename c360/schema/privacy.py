"""Privacy in the API: the steward's ``eraseCustomer`` mutation, and GraphQL errors logged without the query.

``eraseCustomer(id, reason)`` needs the ``steward`` scope (``c360.schema.permissions``)
and erases a person's personal data (see :mod:`c360.hub.privacy.erase`); the
actor is the authenticated caller and one ``audit_log`` row (action ``erase``)
records it. :class:`PrivateErrorsSchema` replaces strawberry's error logging,
which writes each error with the query text around it (and so any identifier
written in the query), by one line with the error code and path.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, cast

import strawberry
from graphql import GraphQLError
from starlette.concurrency import run_in_threadpool

from c360.hub.privacy import ErasureError
from c360.resolvers.privacy import do_erase
from c360.schema.context import Info
from c360.schema.documents import ValidDocuments
from c360.schema.errors import BadUserInput, HubError, api_error
from c360.schema.operations import steward_actor

__all__ = ["PrivacyMutation", "ErasureResult", "PrivateErrorsSchema", "error_code"]

log = logging.getLogger("c360.graphql")
_MAX_REASON = 2000


@strawberry.type(description="What an erasure did; the customer's personal data is gone, its aggregates stay.")
class ErasureResult:
    customer_id: strawberry.ID = strawberry.field(description="The golden customer erased (after following merges).")
    erased_at: datetime
    actor: str
    reason: str
    audit_id: strawberry.ID
    aliases: list[strawberry.ID] = strawberry.field(description="Ids merged into the customer, erased with it.")
    party_records: int
    fact_records: int
    identifiers: int
    events: int = strawberry.field(description="Event-log payloads scrubbed.")


@strawberry.type
class PrivacyMutation:
    @strawberry.mutation(description="Erase a person's personal data (right to erasure; audited, cannot be undone).")
    async def erase_customer(self, info: Info, id: strawberry.ID, reason: str) -> ErasureResult:
        why = reason.strip()
        if not why:
            raise BadUserInput("reason", "an erasure needs a reason")
        if len(why) > _MAX_REASON:
            raise BadUserInput("reason", f"at most {_MAX_REASON} characters")
        actor = steward_actor(info.context)
        try:
            done = await run_in_threadpool(do_erase, info.context.settings, str(id), actor, why)
        except ErasureError as exc:  # NOT_FOUND for an unknown customer, else BAD_USER_INPUT (DOMAIN_CODES)
            raise api_error(exc, field="id") from None
        # Parsed query texts are kept by text, literals included (customerBy(phone: "…")): drop them too,
        # and the subscribers' shared tail, which holds the erased events as they were.
        cast(PrivateErrorsSchema, info.schema).documents.clear()
        if info.context.notifier is not None:
            info.context.notifier.forget()
        return ErasureResult(
            customer_id=strawberry.ID(done.customer_id), erased_at=done.erased_at, actor=done.actor, reason=done.reason,
            audit_id=strawberry.ID(str(done.audit_id)), aliases=[strawberry.ID(a) for a in done.aliases],
            party_records=done.party_records, fact_records=done.fact_records, identifiers=done.identifiers, events=done.events,
        )


def error_code(error: GraphQLError) -> str:
    """The code a channel sees for ``error`` (as ``c360.schema.errors.ErrorCodes`` will give it)."""
    original = error.original_error
    if isinstance(original, HubError):
        return original.code
    if error.extensions and "code" in error.extensions:
        return str(error.extensions["code"])
    if original is None or isinstance(original, GraphQLError):
        return "GRAPHQL_VALIDATION_FAILED"
    return "INTERNAL_SERVER_ERROR"


class PrivateErrorsSchema(strawberry.Schema):
    """A strawberry schema that logs each GraphQL error as code and path, never with the query text or message.

    ``documents``: its parsed query texts, which an erasure empties (they can hold literals).
    """

    def __init__(self, documents: ValidDocuments, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.documents = documents

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        operation = getattr(execution_context, "operation_name", None) if execution_context is not None else None
        for error in errors:
            code = error_code(error)
            path = ".".join(str(part) for part in error.path or ()) or "-"
            if code == "INTERNAL_SERVER_ERROR":  # the traceback is logged once, by c360.schema.errors.ErrorCodes
                log.warning("GraphQL error %s at %s (operation %s): %s", code, path, operation or "-", type(error.original_error).__name__)
            else:
                log.info("GraphQL error %s at %s (operation %s)", code, path, operation or "-")
