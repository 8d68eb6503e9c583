"""`c360 keys`: channel API keys — create, rotate, revoke, list. A key is shown once, at creation."""

from __future__ import annotations

import typer
from rich.table import Table

from c360.app.cli._console import console, print_table
from c360.app.cli.errors import reported
from c360.app.cli.sync_cmd import checked_engine
from c360.hub.auth.channels import api_name
from c360.hub.auth.keys import IssuedKey, create_key, list_keys, revoke_key, rotate_key
from c360.hub.auth.scopes import ALL_SCOPES, CHANNEL_SCOPES

__all__ = ["app"]

app = typer.Typer(help="Channel API keys (hashed at rest; shown once).", no_args_is_help=True)


def _channels(channels: tuple[str, ...] | list[str] | None) -> str:
    return " ".join(api_name(c) for c in channels) if channels is not None else "any"


def _show(issued: IssuedKey) -> None:
    console.print(
        f"key id  {issued.key_id}  ({issued.name}; scopes: {' '.join(issued.scopes)}; records channels: {_channels(issued.channels)})",
        highlight=False,
    )
    console.print("API key (shown once, store it now):", highlight=False)
    console.print(issued.key, highlight=False, soft_wrap=True)


SCOPE_HELP = f"Repeat for each scope (default: channel scopes). Known: {', '.join(sorted(ALL_SCOPES))}."


@app.command("create")
@reported
def create_command(
    name: str = typer.Argument(..., help="The channel this key is for, e.g. call-center."),
    scope: list[str] = typer.Option(None, "--scope", "-s", help=SCOPE_HELP),
    channel: list[str] = typer.Option(
        None, "--channel", "-c",
        help="Repeat for each channel the key may record contacts for, e.g. CALL_CENTER (default: the channel NAME names, "
        "else any channel).",
    ),
) -> None:
    """Create a key for a channel and print it once."""
    with checked_engine() as (_, engine):
        _show(create_key(engine, name, set(scope or CHANNEL_SCOPES), channels=channel or None))


@app.command("rotate")
@reported
def rotate_command(key_id: str = typer.Argument(..., metavar="KEY_ID")) -> None:
    """Revoke a key and issue a new one with the same name and scopes."""
    with checked_engine() as (_, engine):
        _show(rotate_key(engine, key_id))


@app.command("revoke")
@reported
def revoke_command(key_id: str = typer.Argument(..., metavar="KEY_ID")) -> None:
    """Revoke a key: requests with it get 401 from now on."""
    with checked_engine() as (_, engine):
        revoke_key(engine, key_id)
    console.print(f"revoked {key_id}")


@app.command("list")
@reported
def list_command() -> None:
    """Every key: id, channel, scopes, channels it records, created, revoked (never the key itself)."""
    with checked_engine() as (_, engine):
        rows = list_keys(engine)
    table = Table(title="API keys")
    for column in ("key id", "name", "scopes", "records channels", "created (UTC)", "revoked (UTC)"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row.key_id,
            row.name,
            " ".join(row.scopes),
            _channels(row.channels),
            row.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            row.revoked_at.strftime("%Y-%m-%d %H:%M:%S") if row.revoked_at else "",
        )
    print_table(table) if rows else console.print("no API keys")
