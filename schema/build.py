"""Assemble the strawberry Schema from the room's root types and its policies."""

from __future__ import annotations

import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter

from schema.audit_ext import AuditTrail
from schema.auditing import AuditQuery
from schema.contact import ContactMutation
from schema.errors import ErrorCodes
from schema.feed import FeedQuery, FeedSubscription
from schema.lookup import LookupQuery
from schema.masking import PROTECTED_SCALAR, Protected
from schema.permissions import AccessControl
from schema.operations import OperationsMutation, OperationsQuery
from schema.status import StatusQuery

__all__ = ["build_schema", "MAX_DEPTH", "MAX_ALIASES", "MAX_TOKENS"]

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 2000


@strawberry.type
class Query(StatusQuery, LookupQuery, FeedQuery, OperationsQuery, AuditQuery):
    pass


@strawberry.type
class Mutation(ContactMutation, OperationsMutation):
    pass


@strawberry.type
class Subscription(FeedSubscription):
    pass


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        config=StrawberryConfig(scalar_map={Protected: PROTECTED_SCALAR}),
        extensions=[
            ErrorCodes,
            AuditTrail,
            AccessControl,
            lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
            lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        ],
    )
