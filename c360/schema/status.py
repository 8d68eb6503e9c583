"""The `hub` field: version, database, schema revision, record counts and which capabilities exist."""

from __future__ import annotations

import strawberry

from c360.resolvers.status import hub_status
from c360.schema.context import HubContext

__all__ = ["HubStatus", "CapabilityInfo", "RecordCounts", "StatusQuery"]


@strawberry.type(description="One capability of the hub and whether this build has it.")
class CapabilityInfo:
    name: str
    available: bool
    note: str


@strawberry.type(description="How many rows the master index holds.")
class RecordCounts:
    golden_customers: int
    source_records: int
    quarantined: int
    events: int


@strawberry.type(description="The hub itself: what it is running on and what it can do.")
class HubStatus:
    version: str
    database: str = strawberry.field(description="'sqlite' or 'postgresql'")
    schema_revision: str | None
    counts: RecordCounts
    capabilities: list[CapabilityInfo]


@strawberry.type
class StatusQuery:
    @strawberry.field(description="The hub's version, database, counts and capabilities.")
    async def hub(self, info: strawberry.Info[HubContext, None]) -> HubStatus:
        data = await hub_status(info.context.sessions)
        return HubStatus(
            version=data.version,
            database=data.database,
            schema_revision=data.schema_revision,
            counts=RecordCounts(**data.counts),
            capabilities=[CapabilityInfo(name=c.name, available=c.available, note=c.note) for c in data.capabilities],
        )
