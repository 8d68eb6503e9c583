"""A stream's cursor, read before a run and written inside each page's transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from c360.hub.models import SyncState, utcnow

__all__ = ["load_cursor", "save_cursor", "mark_full_sync", "stream_name"]


def stream_name(connector: str, stream: str) -> str:
    """How records name the stream that delivers them (``source_record.streams``): ``connector.stream``."""
    return f"{connector}.{stream}"


def load_cursor(session: Session, connector: str, stream: str) -> dict[str, Any] | None:
    """The saved cursor, or None when the stream never committed a page."""
    state = session.get(SyncState, (connector, stream))
    return dict(state.cursor) if state is not None and state.cursor else None


def _state(session: Session, connector: str, stream: str) -> SyncState:
    state = session.get(SyncState, (connector, stream))
    if state is None:
        state = SyncState(connector=connector, stream=stream, cursor={})
        session.add(state)
    return state


def save_cursor(session: Session, connector: str, stream: str, cursor: Mapping[str, Any]) -> None:
    """Stage the cursor in the caller's transaction: it commits with the page it covers, or not at all."""
    state = _state(session, connector, stream)
    state.cursor = dict(cursor)
    state.updated_at = utcnow()


def mark_full_sync(session: Session, connector: str, stream: str, at: datetime) -> None:
    _state(session, connector, stream).last_full_sync_at = at
