"""The GraphQL schema channels see: strawberry types only, no SQL (that lives in c360/resolvers/)."""

from c360.schema.build import build_schema
from c360.schema.context import HubContext

__all__ = ["build_schema", "HubContext"]
