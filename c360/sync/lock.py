"""One run of a stream at a time, across threads and hub processes.

PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) held on
a dedicated connection for the whole run; if the process dies the server
drops the session and the lock with it. Advisory locks belong to the whole
database, so the key also names the schema the hub's tables live in: two hubs
in two schemas of one database do not hold each other's streams. SQLite: an OS file lock (``flock``)
on a file next to the database; the kernel releases it when the process
dies. Neither leaves a stale lease behind to expire.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import tempfile
from pathlib import Path
from types import TracebackType
from typing import IO

from sqlalchemy import Connection, Engine, text

__all__ = ["StreamLock", "lock_key", "stream_lock"]


def lock_key(connector: str, stream: str, schema: str = "") -> int:
    """A stable signed 64-bit key (Python's ``hash`` differs per process, so it will not do)."""
    digest = hashlib.blake2b(f"c360.sync:{schema}:{connector}.{stream}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class StreamLock:
    """Try-lock for one stream; ``acquire`` never waits: a second caller skips or reports."""

    def __init__(self, engine: Engine, connector: str, stream: str) -> None:
        self.engine = engine
        self.connector = connector
        self.stream = stream
        self._connection: Connection | None = None
        self._key = 0
        self._file: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        return self._connection is not None or self._file is not None

    def acquire(self) -> bool:
        if self.held:
            raise RuntimeError("stream lock acquired twice")
        if self.engine.dialect.name == "postgresql":
            return self._acquire_advisory()
        return self._acquire_file()

    def release(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            try:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self._key})
            finally:
                connection.close()
        if self._file is not None:
            handle, self._file = self._file, None
            try:
                fcntl.flock(handle, fcntl.LOCK_UN)
            finally:
                handle.close()

    def _acquire_advisory(self) -> bool:
        connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            self._key = lock_key(self.connector, self.stream, connection.scalar(text("SELECT current_schema()")) or "")
            got = connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key})
        except BaseException:
            connection.close()
            raise
        if not got:
            connection.close()
            return False
        self._connection = connection
        return True

    def _lock_path(self) -> Path:
        database = self.engine.url.database
        if not database or database == ":memory:":
            base = Path(tempfile.gettempdir()) / f"c360-memory-{os.getpid()}"
        else:
            base = Path(database).resolve()
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{self.connector}.{self.stream}")
        return base.parent / f"{base.name}.locks" / f"{safe}.lock"

    def _acquire_file(self) -> bool:
        path = self._lock_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("ab")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    def __enter__(self) -> StreamLock:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


def stream_lock(engine: Engine, connector: str, stream: str) -> StreamLock:
    return StreamLock(engine, connector, stream)
