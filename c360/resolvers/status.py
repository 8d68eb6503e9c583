"""Counts and versions for the `hub` status field."""

from __future__ import annotations

from dataclasses import dataclass

from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from c360 import __version__
from c360.hub.capabilities import CAPABILITIES, Capability
from c360.hub.models import EventLogEntry, GoldenCustomer, QuarantinedRecord, SourceRecord

__all__ = ["HubStatusData", "hub_status"]


@dataclass(frozen=True)
class HubStatusData:
    version: str
    database: str
    schema_revision: str | None
    counts: dict[str, int]
    capabilities: tuple[Capability, ...]


async def hub_status(sessions: async_sessionmaker[AsyncSession]) -> HubStatusData:
    async with sessions() as session:
        counts = {
            "golden_customers": await session.scalar(select(func.count()).select_from(GoldenCustomer)) or 0,
            "source_records": await session.scalar(select(func.count()).select_from(SourceRecord)) or 0,
            "quarantined": await session.scalar(
                select(func.count()).select_from(QuarantinedRecord).where(QuarantinedRecord.status == "open")
            )
            or 0,
            "events": await session.scalar(select(func.count()).select_from(EventLogEntry)) or 0,
        }
        connection = await session.connection()
        revision = await connection.run_sync(
            lambda sync_conn: MigrationContext.configure(sync_conn).get_current_revision()
        )
        dialect = connection.dialect.name
    return HubStatusData(
        version=__version__,
        database="postgresql" if dialect == "postgresql" else "sqlite",
        schema_revision=revision,
        counts=counts,
        capabilities=CAPABILITIES,
    )
