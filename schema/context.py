"""Per-request GraphQL context: built fresh for every request, nothing cached across requests."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from hub.config import Settings

__all__ = ["HubContext"]


@dataclass
class HubContext:
    request: Request | WebSocket
    response: Response | None
    sessions: async_sessionmaker[AsyncSession]
    settings: Settings
