"""`c360 connectors`: which connectors exist, and whether a configured one can reach its silo."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from c360.app.cli._console import console, fail, print_table
from c360.app.cli.errors import reported
from c360.config import ConfigError, load_settings
from c360.connectors import ConnectorError, registry

__all__ = ["app"]

app = typer.Typer(help="List connectors and check configured silos.", no_args_is_help=True)


@app.command("list")
@reported
def list_command() -> None:
    """Show built-in and plugin connectors, their streams, and the [connectors.*] tables using each."""
    found = registry.discover()
    tables = load_settings().connectors
    users: dict[str, list[str]] = {}
    for instance, table in tables.items():
        users.setdefault(str(table.get("type", instance)), []).append(instance)
    grid = Table(title="c360 connectors")
    for column in ("name", "kind", "origin", "streams", "configured as"):
        grid.add_column(column)
    for name in sorted(found.connectors):
        cls = found.connectors[name]
        streams = ", ".join(stream.name for stream in cls.stream_classes) or "(declared at run time)"
        grid.add_row(name, cls.kind, escape(found.origins[name]), streams, ", ".join(sorted(users.get(name, []))) or "-")
    for name in sorted(found.broken):
        grid.add_row(name, "?", "[red]broken plugin[/]", escape(found.broken[name]), "-")
    print_table(grid)
    unknown = sorted(set(users) - set(found.connectors))
    if unknown:
        console.print(f"[yellow]configured but unknown types:[/] {', '.join(unknown)}", highlight=False)


@app.command("check")
@reported
def check_command(name: str = typer.Argument(..., help="A [connectors.NAME] table of the configuration.")) -> None:
    """Build connector NAME from the configuration and reach every stream once."""
    settings = load_settings()
    table = settings.connectors.get(name)
    if table is None:
        configured = ", ".join(sorted(settings.connectors)) or "none"
        fail(f"no [connectors.{name}] table in the configuration; configured: {configured}", code=1)
    try:
        connector = registry.build(name, table)
    except ConfigError as error:  # a check that does not pass is this command's verdict: exit 1, not 2
        fail(str(error), code=1)
    try:
        connector.check()
    except ConnectorError as error:
        fail(str(error), code=1)  # the error already names the silo
    finally:
        connector.close()
    streams = [stream.name for stream in connector.streams()]
    console.print(f"[green]OK[/] {name} ({connector.name}): {len(streams)} streams reachable: {', '.join(streams)}",
                  highlight=False)  # fmt: skip
