"""`c360 serve`: run the GraphQL API on an existing, migrated database."""

from __future__ import annotations

import typer

from hub.cli._console import console
from hub.config import load_settings
from hub.db import create_db_engine
from hub.db.migrate import ensure_current
from hub.server import serve

__all__ = ["serve_command"]


def serve_command(
    host: str = typer.Option(None, help="Interface to listen on (default from settings: 127.0.0.1)."),
    port: int = typer.Option(None, help="Port to listen on (default from settings: 8360)."),
) -> None:
    """Serve GraphQL (with GraphiQL), /healthz and /readyz."""
    settings = load_settings()
    engine = create_db_engine(settings.database_url)
    try:
        ensure_current(engine)
    finally:
        engine.dispose()
    shown_host = host or settings.server.host
    shown_port = port or settings.server.port
    console.print(f"c360 serving GraphQL on http://{shown_host}:{shown_port}/graphql")
    serve(settings, host=host, port=port)
