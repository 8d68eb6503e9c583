"""`c360 sync` and `c360 quarantine` through Typer's runner, against a configured drop folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from c360.app.cli import quarantine_cmd, sync_cmd


@pytest.fixture
def cli(work_dir: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    folder = work_dir / "drops"
    folder.mkdir()
    (work_dir / "c360.toml").write_text(f'[connectors.cc]\ntype = "callcenter"\nfolder = "{folder}"\n')
    monkeypatch.setenv("C360_DATABASE_URL", database_url)
    app = typer.Typer()
    app.command("sync")(sync_cmd.sync_command)
    app.add_typer(quarantine_cmd.app, name="quarantine")
    return app


def test_sync_runs_the_streams_and_status_shows_them(cli: typer.Typer) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["sync", "cc"])
    assert result.exit_code == 0, result.output
    status = runner.invoke(cli, ["sync", "status"])
    assert status.exit_code == 0
    for stream in ("cc.calls", "cc.service_requests", "cc.sr_status"):
        assert stream in status.output
    assert "succeeded" in status.output


def test_unknown_targets_and_ids_are_one_line_errors(cli: typer.Typer) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["sync", "crm"])
    assert result.exit_code == 2 and "no connector 'crm'; connectors: cc" in result.output
    assert "Traceback" not in result.output
    missing = runner.invoke(cli, ["quarantine", "show", "42"])
    assert missing.exit_code == 2 and "no quarantined record with id 42" in missing.output
    empty = runner.invoke(cli, ["quarantine", "list"])
    assert empty.exit_code == 0 and "quarantine is empty" in empty.output


def test_options_may_follow_the_target(cli: typer.Typer) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["sync", "cc", "--full"])
    assert result.exit_code == 0, result.output
    status = runner.invoke(cli, ["sync", "status"])
    assert "cc.calls (full)" in status.output


def test_status_is_not_cut_to_80_columns_when_piped(cli: typer.Typer) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["sync", "cc"]).exit_code == 0
    status = runner.invoke(cli, ["sync", "status"])  # CliRunner's output is not a terminal
    assert "…" not in status.output
    assert re.search(r"│ cc\.service_requests\s+│ succeeded │ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d │", status.output), status.output
    assert "read/written/quarantined/deleted" in status.output


def test_status_in_an_80_column_terminal_wraps_rather_than_cuts(cli: typer.Typer, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from rich.console import Console

    from c360.app.cli import _console

    assert CliRunner().invoke(cli, ["sync", "cc"]).exit_code == 0
    screen = io.StringIO()
    monkeypatch.setattr(_console, "console", Console(file=screen, width=80, force_terminal=True, color_system=None))
    assert CliRunner().invoke(cli, ["sync", "status"]).exit_code == 0
    lines = screen.getvalue().splitlines()
    assert lines and max(len(line) for line in lines) <= 80
    assert "…" not in screen.getvalue(), "no value is cut short"
    assert re.search(r"\d{4}-\d\d-\d\d", screen.getvalue()), "the start time is there in full"
