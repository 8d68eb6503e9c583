"""A throw-away database for one benchmark run: a temporary SQLite file, or a new PostgreSQL database."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from c360.hub.db import is_postgres

__all__ = ["scratch_database"]


@contextmanager
def scratch_database(url: str | None, *, prefix: str, keep: bool = False) -> Iterator[str]:
    """Yield a database URL; ``url`` names the PostgreSQL server to create it on (None: SQLite)."""
    if url is None or not is_postgres(url):
        with tempfile.TemporaryDirectory() as tmp:
            yield url or f"sqlite:///{Path(tmp) / f'{prefix}.db'}"
        return
    name = f"c360_{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        if not keep:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
