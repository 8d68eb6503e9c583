"""`c360 db`: migrate and inspect the master index schema."""

from __future__ import annotations

import typer

from c360.app.cli._console import console
from c360.app.cli.errors import reported
from c360.config import load_settings
from c360.hub.db import create_db_engine, describe_url, ping
from c360.hub.db.migrate import current_revision, head_revision, upgrade

__all__ = ["app"]

app = typer.Typer(help="Create or migrate the hub's database schema.", no_args_is_help=True)


@app.command("upgrade")
@reported
def upgrade_command(
    revision: str = typer.Argument("head", help="Alembic revision to migrate to."),
) -> None:
    """Apply migrations up to REVISION (default: the latest). Creates the SQLite file if needed."""
    settings = load_settings()
    upgrade(settings.database_url, revision)
    console.print(f"database {describe_url(settings.database_url)} is at revision {head_revision()}")


@app.command("current")
@reported
def current_command() -> None:
    """Show the database's schema revision and the one this code expects."""
    settings = load_settings()
    engine = create_db_engine(settings.database_url)
    try:
        ping(engine)  # an unreachable server or file is one line (DatabaseUnavailable), not a traceback
        current = current_revision(engine)
    finally:
        engine.dispose()
    console.print(f"database: {current or 'no c360 schema'}; code expects: {head_revision()}")
