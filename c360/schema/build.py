"""Assemble the strawberry Schema from the room's root types and its policies."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime

import strawberry
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import validate_document

from c360.schema.audit_ext import AuditTrail
from c360.schema.auditing import AuditQuery
from c360.schema.contact import ContactMutation
from c360.schema.documents import DOCUMENT_CACHE_SIZE, ValidDocuments
from c360.schema.errors import ErrorCodes
from c360.schema.executor import HubExecutor
from c360.schema.feed import FeedQuery, FeedSubscription
from c360.schema.input_values import install_input_builders
from c360.schema.list_fields import install_list_resolvers
from c360.schema.lookup import LookupQuery
from c360.schema.masking import PROTECTED_SCALAR, Protected
from c360.schema.moments import DATETIME_SCALAR
from c360.schema.operations import OperationsMutation, OperationsQuery
from c360.schema.permissions import AccessControl, install_access_control
from c360.schema.planning import install_planning
from c360.schema.privacy import PrivacyMutation, PrivateErrorsSchema
from c360.schema.status import StatusQuery
from c360.schema.text_values import StorableText, unstorable_variable_errors

__all__ = ["build_schema", "MAX_DEPTH", "MAX_ALIASES", "MAX_TOKENS", "PreparedDocuments", "RequestConnectionScope", "DOCUMENT_CACHE_SIZE"]

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 2000

# The depth and alias limits as validation rules, built once (strawberry's limiter extensions build a
# new rule class for every request, which would also defeat any cache keyed on the rules), and the
# rule that refuses text the hub cannot store (c360.schema.text_values).
HUB_RULES = (
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
    StorableText,
)


class RequestConnectionScope(SchemaExtension):
    """Makes sure the request holds no database connection once its operation has ended."""

    async def on_operation(self) -> AsyncIterator[None]:  # type: ignore[override]
        try:
            yield
        finally:
            await self.execution_context.context.db.close()


class PreparedDocuments(SchemaExtension):
    """Parse (at most MAX_TOKENS tokens) and validate each distinct query text once per schema.

    Clients send the same few documents with different variables; a document that parsed and
    validated before is reused as is. Validation does not depend on variables or on the caller
    (access rules run at execution), so a cached verdict holds for every later request.
    ``build_schema`` binds each schema's own :class:`ValidDocuments` in a subclass (strawberry
    builds an extension per operation from its class).
    """

    documents: ValidDocuments

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = MAX_TOKENS
        context.validation_rules = context.validation_rules + HUB_RULES
        yield

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is None and context.query:
            cached = self.documents.get(context.query)
            if cached is not None:
                context.graphql_document = cached
                context.pre_execution_errors = []  # validated when it was cached
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.pre_execution_errors is None and context.graphql_document is not None:
            errors = validate_document(context.schema._schema, context.graphql_document, context.validation_rules)
            context.pre_execution_errors = errors
            if not errors and context.query:
                self.documents.keep(context.query, context.graphql_document)
        if not context.pre_execution_errors and context.variables:
            # The variables change per request: checked here, before execution, every time.
            context.pre_execution_errors = unstorable_variable_errors(context.variables)
        yield


@strawberry.type
class Query(StatusQuery, LookupQuery, FeedQuery, OperationsQuery, AuditQuery):
    pass


@strawberry.type
class Mutation(ContactMutation, OperationsMutation, PrivacyMutation):
    pass


@strawberry.type
class Subscription(FeedSubscription):
    pass


def build_schema() -> PrivateErrorsSchema:
    """A schema with its own caches: its parsed query texts are ``schema.documents``."""
    documents = ValidDocuments(DOCUMENT_CACHE_SIZE)
    prepared = type("PreparedDocuments", (PreparedDocuments,), {"documents": documents})
    schema = PrivateErrorsSchema(
        documents,
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        config=StrawberryConfig(scalar_map={Protected: PROTECTED_SCALAR, datetime: DATETIME_SCALAR}),
        execution_context_class=HubExecutor,
        extensions=[
            ErrorCodes,
            AuditTrail,
            AccessControl,
            prepared,
            RequestConnectionScope,
        ],
    )
    install_input_builders(schema)
    install_list_resolvers(schema._schema)
    install_planning(schema._schema)  # before the access rules, which then check first
    install_access_control(schema._schema)
    return schema
