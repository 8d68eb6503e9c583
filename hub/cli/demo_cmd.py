"""`c360 demo`: the whole hub on one machine, on SQLite and the built-in simulated silos."""

from __future__ import annotations

from pathlib import Path

import typer

from hub.capabilities import missing
from hub.cli._console import console, progress_bar
from hub.config import load_settings
from hub.db import describe_url
from hub.db.migrate import upgrade
from hub.server import ensure_port_free, serve
from hub.silo_setup import DEMO_API_KEY, build_silos

__all__ = ["demo_command", "SAMPLE_QUERY"]

SAMPLE_QUERY = """{
  hub {
    version
    database
    counts { goldenCustomers sourceRecords quarantined events }
    capabilities { name available note }
  }
}"""


def demo_command(
    size: int = typer.Option(None, help="Number of simulated customers (default from settings: 2000)."),
    host: str = typer.Option(None, help="Interface for the GraphQL API (default 127.0.0.1)."),
    port: int = typer.Option(None, help="Port for the GraphQL API (default 8360)."),
    data_dir: Path = typer.Option(None, help="Where the simulated silos keep their data (default .c360/silos)."),
) -> None:
    """Start the simulated silos, run a first sync, start the scheduler and serve GraphQL with GraphiQL."""
    from silos.run import SiloServers

    settings = load_settings()
    host = host or settings.server.host
    port = port or settings.server.port
    size = size or settings.demo.size
    data_dir = data_dir or settings.demo.data_dir
    ensure_port_free(host, port)  # say so before minutes of work, not after

    upgrade(settings.database_url)
    console.print(f"[bold]database[/]  {describe_url(settings.database_url)} (migrated)")
    with progress_bar() as progress:
        build_silos(data_dir, size, settings.demo.seed, progress)

    with SiloServers(data_dir, api_key=DEMO_API_KEY) as servers:
        console.print(f"[bold]silos[/]     BOSS {servers.boss_url} · key-account {servers.keyaccount_url}")
        console.print(f"          billing {servers.billing_dsn} · drops {servers.callcenter_dir}, {servers.bi_dir}")
        for capability in missing():
            console.print(f"[yellow]not built yet[/] {capability.name}: {capability.note}")
        console.print(f"\n[bold green]GraphQL[/]   http://{host}:{port}/graphql  (open it in a browser for GraphiQL)")
        console.print("try this query:\n" + SAMPLE_QUERY)
        console.print("press Ctrl-C to stop\n")
        serve(settings, host=host, port=port)
