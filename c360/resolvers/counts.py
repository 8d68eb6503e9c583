"""The total of a list that is not per customer (sync runs, quarantine, ...): one count statement.

The per-customer lists' ``totalCount`` is read with their page, in the view statement
(``c360.resolvers.view_sql``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

__all__ = ["count_rows"]


async def count_rows(sessions: async_sessionmaker[AsyncSession], model: Any, *conditions: Any) -> int:
    """How many rows of ``model`` meet ``conditions``: the total of a list that is not per customer."""
    statement = select(func.count()).select_from(model).where(*conditions)
    async with sessions() as session:
        return int(await session.scalar(statement) or 0)
