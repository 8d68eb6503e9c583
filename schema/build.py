"""Assemble the strawberry Schema from the room's query types."""

from __future__ import annotations

import strawberry
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter

from schema.status import StatusQuery

__all__ = ["build_schema", "MAX_DEPTH", "MAX_ALIASES", "MAX_TOKENS"]

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 2000


@strawberry.type
class Query(StatusQuery):
    pass


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        extensions=[
            lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
            lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        ],
    )
