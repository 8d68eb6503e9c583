"""`c360 quarantine`: records a silo sent that could not be taken in — list, inspect, retry."""

from __future__ import annotations

import json

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from c360.app.cli._console import console, fail, print_table
from c360.app.cli.errors import reported
from c360.app.cli.sync_cmd import checked_engine, load_connectors

__all__ = ["app"]

app = typer.Typer(help="Inspect and retry quarantined records.", no_args_is_help=True)


@app.command("list")
@reported
def list_command(
    all_: bool = typer.Option(False, "--all", help="Include records already retried."),
    limit: int = typer.Option(100, min=1, help="Show at most this many, newest first."),
) -> None:
    """Quarantined records, newest first (open ones unless --all)."""
    from c360.sync.quarantine import OPEN, list_quarantined

    with checked_engine() as (_, engine), Session(engine) as session:
        rows = list_quarantined(session, status=None if all_ else OPEN, limit=limit)
        table = Table(title="Quarantine")
        for column in ("id", "stream", "key", "status", "when (UTC)", "reason"):
            table.add_column(column)
        for row in rows:
            table.add_row(str(row.id), f"{row.connector}.{row.stream}", row.source_key or "", row.status,
                          row.created_at.strftime("%Y-%m-%d %H:%M:%S"), row.reason)
    print_table(table) if rows else console.print("quarantine is empty")


@app.command("show")
@reported
def show_command(quarantine_id: int = typer.Argument(..., metavar="ID")) -> None:
    """One quarantined record: where it came from, why, and its raw payload."""
    from c360.sync.quarantine import get_quarantined

    with checked_engine() as (_, engine), Session(engine) as session:
        row = get_quarantined(session, quarantine_id)
        console.print(f"id:      {row.id}\nstream:  {row.connector}.{row.stream}\nkey:     {row.source_key or '-'}\n"
                      f"status:  {row.status}\nrun:     {row.run_id or '-'}\nreason:  {row.reason}", highlight=False)
        try:
            console.print_json(json.dumps(json.loads(row.payload), ensure_ascii=False))
        except ValueError:
            console.print(row.payload, highlight=False, markup=False)


@app.command("retry")
@reported
def retry_command(quarantine_id: int = typer.Argument(..., metavar="ID")) -> None:
    """Map the stored payload again with the stream's current mapping and land it."""
    from c360.hub.identity.resolver import IdentityResolver
    from c360.sync.quarantine import retry_quarantined

    with checked_engine() as (settings, engine):
        connectors = load_connectors(settings)
        try:
            result = retry_quarantined(engine, quarantine_id, connectors, IdentityResolver())  # type: ignore[arg-type]
        finally:
            for connector in connectors.values():
                getattr(connector, "close", lambda: None)()
    if not result.ok:
        fail(result.message, code=1)
    console.print(f"quarantined record {quarantine_id}: {result.message}")
