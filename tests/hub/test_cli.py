"""The `c360` command as a newcomer meets it: help everywhere, one-line errors, no tracebacks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from c360.app.cli.main import app
from c360.hub.db.migrate import head_revision
from tests.helpers.cli import run_cli


def _all_command_paths() -> list[list[str]]:
    root = typer.main.get_command(app)
    paths: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        paths.append(path)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])

    walk(root, [])
    return paths


@pytest.mark.parametrize("path", _all_command_paths(), ids=lambda p: " ".join(p) or "c360")
def test_help_on_every_command(path: list[str], work_dir: Path) -> None:
    result = run_cli([*path, "--help"], work_dir)
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout


def test_core_commands_exist() -> None:
    names = {" ".join(p) for p in _all_command_paths()}
    assert {"demo", "serve", "silos", "db", "db upgrade"} <= names


def _assert_one_clear_line(result: subprocess.CompletedProcess[str], expected: str) -> None:
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error:") and expected in lines[0]


def test_wrong_database_url(work_dir: Path) -> None:
    result = run_cli(["db", "upgrade"], work_dir, C360_DATABASE_URL="mysql://root@localhost/c360")
    _assert_one_clear_line(result, "unsupported database 'mysql'")


def test_unreachable_database(work_dir: Path) -> None:
    result = run_cli(["db", "upgrade"], work_dir, C360_DATABASE_URL="postgresql://postgres:pw@127.0.0.1:1/c360")
    _assert_one_clear_line(result, "cannot reach database")
    assert "pw" not in result.stderr


def test_serve_refuses_an_out_of_date_schema(work_dir: Path, fresh_database_url: object) -> None:
    url = fresh_database_url()  # type: ignore[operator]
    result = run_cli(["serve", "--port", "1"], work_dir, C360_DATABASE_URL=url)
    _assert_one_clear_line(result, "run `c360 db upgrade`")


def test_db_upgrade_creates_the_sqlite_default_in_the_working_directory(work_dir: Path) -> None:
    result = run_cli(["db", "upgrade"], work_dir)
    assert result.returncode == 0, result.stderr
    assert (work_dir / "c360.db").exists()
    current = run_cli(["db", "current"], work_dir)
    assert f"database: {head_revision()}; code expects: {head_revision()}" in current.stdout


def test_busy_port_names_the_port_and_the_way_out(work_dir: Path, database_url: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli(["serve", "--port", str(port)], work_dir, C360_DATABASE_URL=database_url)
    _assert_one_clear_line(result, f"port {port} on 127.0.0.1 is already in use")
    assert f"--port {port + 1}" in result.stderr


def test_bad_config_file(work_dir: Path) -> None:
    (work_dir / "c360.toml").write_text("[database\n", encoding="utf-8")
    result = run_cli(["db", "upgrade"], work_dir)
    _assert_one_clear_line(result, "not valid TOML")


def test_every_command_runs_with_the_long_running_collector_thresholds(tmp_path: Path) -> None:
    """The thresholds are set, and what was imported (pypinyin's dictionaries among it) is frozen."""
    probe = (
        "import gc, sys; from c360.app.cli.main import main; sys.argv = ['c360', '--version']\n"
        "from pypinyin.constants import PHRASES_DICT\n"
        "phrases = next(iter(PHRASES_DICT.values()))\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(any(o is phrases for o in gc.get_objects()), gc.get_freeze_count() > 300_000)\n"
        "print(gc.get_threshold())"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("C360_")}
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=120)
    from c360.hub.collector import LONG_RUNNING_THRESHOLDS

    *_, frozen, thresholds = done.stdout.strip().splitlines()
    assert thresholds == str(LONG_RUNNING_THRESHOLDS)
    assert frozen == "False True"  # no longer among the objects the collector tracks: frozen
