"""The exported SDL (schema.graphql) matches the schema; `c360 schema --check` says so, or shows the diff."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from c360.app.cli.schema_cmd import current_sdl, schema_command

SDL_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(schema_command)
    return app


def test_exported_sdl_is_current() -> None:
    assert SDL_FILE.read_text(encoding="utf-8") == current_sdl(), "schema changed: run `c360 schema > schema.graphql`"


def test_check_reports_a_difference(tmp_path: Path) -> None:
    stale = tmp_path / "schema.graphql"
    stale.write_text(current_sdl().replace("recordContact", "recordKontakt"), encoding="utf-8")
    result = CliRunner().invoke(_app(), ["--check", str(stale)])
    assert result.exit_code == 1
    assert "recordKontakt" in result.output
    ok = CliRunner().invoke(_app(), ["--check", str(SDL_FILE)])
    assert ok.exit_code == 0, ok.output
