"""`c360 schema`: print the GraphQL SDL, or check a file (e.g. schema.graphql) against it."""

from __future__ import annotations

import difflib
from pathlib import Path

import typer

from c360.app.cli.errors import reported

__all__ = ["schema_command", "current_sdl"]


def current_sdl() -> str:
    from c360.schema import build_schema  # the GraphQL stack is imported by the commands that need it

    return build_schema().as_str().rstrip("\n") + "\n"


@reported
def schema_command(
    check: Path | None = typer.Option(None, "--check", help="Fail (exit 1) with a diff if FILE differs from the schema."),
) -> None:
    """Print the GraphQL schema (SDL), or check that FILE matches it."""
    sdl = current_sdl()
    if check is None:
        typer.echo(sdl, nl=False)
        return
    try:
        written = check.read_text(encoding="utf-8")
    except OSError as exc:
        typer.echo(f"error: cannot read {check}: {exc.strerror}", err=True)
        raise typer.Exit(2) from None
    if written == sdl:
        typer.echo(f"{check}: up to date")
        return
    diff = difflib.unified_diff(written.splitlines(True), sdl.splitlines(True), str(check), "current schema")
    typer.echo("".join(diff), err=True)
    typer.echo(f"{check} differs from the schema; if the change is intended, run: c360 schema > {check}", err=True)
    raise typer.Exit(1)
