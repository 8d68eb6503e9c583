"""Schema migrations with Alembic, driven from code so no alembic.ini is needed."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from c360.hub.db.engine import SchemaOutdated, create_db_engine, ping, sync_url

__all__ = ["alembic_config", "upgrade", "head_revision", "current_revision", "ensure_current"]

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", sync_url(url).render_as_string(hide_password=False).replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision`` (creating the SQLite file if needed)."""
    engine = create_db_engine(url)
    try:
        ping(engine)
        config = alembic_config(url)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def head_revision() -> str:
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    head = script.get_current_head()
    assert head is not None, "the migrations folder has no revisions"
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def ensure_current(engine: Engine) -> None:
    """Raise SchemaOutdated (one clear line) unless the database is at the latest migration."""
    ping(engine)
    current = current_revision(engine)
    head = head_revision()
    if current != head:
        state = "has no c360 schema" if current is None else f"is at revision {current}, code expects {head}"
        raise SchemaOutdated(f"the database {state}; run `c360 db upgrade`")
