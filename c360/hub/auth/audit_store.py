"""The audit log's insert: one batched INSERT of ``audit_log`` rows, whoever collected them.

The API's audit trail (``c360.schema.audit_ext``) collects the rows of an operation; the process's
audit writer (:mod:`c360.hub.auth.audit_writer`) group-commits them, or the trail writes them itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import insert

from c360.hub.models import AuditEntry

__all__ = ["insert_audit_rows"]

_INSERT = insert(AuditEntry)  # built once: every operation that shows a customer writes through it

_SQLITE_WRITERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()


@contextlib.asynccontextmanager
async def _writing(sessions: Any) -> AsyncIterator[None]:
    """On SQLite, one audit write at a time per process: concurrent requests queue here, in the
    event loop, instead of in SQLite's busy handler, which sleeps in growing steps (up to 100 ms)
    and made the slowest reads of a busy server several times slower (docs/benchmarks.md)."""
    bind = getattr(sessions, "kw", {}).get("bind")
    if bind is None or bind.dialect.name != "sqlite":
        yield
        return
    loop = asyncio.get_running_loop()
    lock = _SQLITE_WRITERS.get(loop)
    if lock is None:
        lock = _SQLITE_WRITERS[loop] = asyncio.Lock()
    async with lock:
        yield


async def insert_audit_rows(sessions: Any, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` in one transaction of a session from ``sessions`` (an async sessionmaker)."""
    async with _writing(sessions), sessions() as session, session.begin():
        await session.execute(_INSERT, rows)
