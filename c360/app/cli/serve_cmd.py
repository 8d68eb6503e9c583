"""`c360 serve`: run the GraphQL API on an existing, migrated database."""

from __future__ import annotations

import typer

from c360.app.cli._console import console
from c360.app.cli.errors import reported
from c360.app.server import default_workers, ensure_port_free, serve
from c360.config import load_settings
from c360.hub.db import create_db_engine
from c360.hub.db.migrate import ensure_current
from c360.hub.logging_setup import setup_logging

__all__ = ["serve_command"]


@reported
def serve_command(
    host: str = typer.Option(None, help="Interface to listen on (default from settings: 127.0.0.1)."),
    port: int = typer.Option(None, help="Port to listen on (default from settings: 8360)."),
    workers: int = typer.Option(
        None, min=1, help="Server processes sharing the port (default: one per CPU in production on PostgreSQL, else 1)."
    ),
) -> None:
    """Serve GraphQL (with GraphiQL), /healthz and /readyz."""
    settings = load_settings()
    setup_logging(settings.log_level)
    engine = create_db_engine(settings.database_url)
    try:
        ensure_current(engine)
    finally:
        engine.dispose()
    shown_host = host or settings.server.host
    shown_port = port or settings.server.port
    shown_workers = workers or default_workers(settings)
    ensure_port_free(shown_host, shown_port)  # a busy port is said before anything claims to serve
    console.print(
        f"c360 serving GraphQL on http://{shown_host}:{shown_port}/graphql, the console on /console"
        + (f" ({shown_workers} worker processes)" if shown_workers > 1 else "")
    )
    serve(settings, host=host, port=port, workers=workers)
