"""The GraphQL schema channels see: strawberry types only, no SQL (that lives in resolvers/)."""

from schema.build import build_schema
from schema.context import HubContext

__all__ = ["build_schema", "HubContext"]
