"""Entry point of the `c360` command: registers the commands (each reports expected errors via c360.app.cli.errors)."""

from __future__ import annotations

import typer

from c360 import __version__
from c360.app.cli import connectors_cmd, db_cmd, identity_cmd, keys_cmd, quarantine_cmd, sync_cmd
from c360.app.cli.audit_cmd import audit_command
from c360.app.cli.demo_cmd import demo_command
from c360.app.cli.erase_cmd import erase_command
from c360.app.cli.schema_cmd import schema_command
from c360.app.cli.serve_cmd import serve_command
from c360.app.cli.silos_cmd import silos_command
from c360.app.cli.transfer_cmd import export_app, import_command, review_command
from c360.hub.collector import tune_collector
from c360.hub.logging_setup import setup_logging

__all__ = ["app", "main"]

app = typer.Typer(
    help="c360: customer-360 integration hub for telecom operators.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("demo")(demo_command)
app.command("serve")(serve_command)
app.command("silos")(silos_command)
app.add_typer(db_cmd.app, name="db")
app.add_typer(connectors_cmd.app, name="connectors")
app.command("sync")(sync_cmd.sync_command)
app.add_typer(quarantine_cmd.app, name="quarantine")
app.command("resolve")(identity_cmd.resolve_command)
app.command("explain")(identity_cmd.explain_command)
app.add_typer(identity_cmd.steward_app, name="steward")
app.command("review")(review_command)
app.command("import")(import_command)
app.add_typer(export_app, name="export")
app.command("schema")(schema_command)
app.add_typer(keys_cmd.app, name="keys")
app.command("audit")(audit_command)
app.command("erase")(erase_command)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"c360 {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version_callback, is_eager=True, help="Show the version."),
) -> None:
    """c360: customer-360 integration hub for telecom operators."""


def main() -> None:
    setup_logging()
    tune_collector()
    app()
