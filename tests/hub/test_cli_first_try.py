"""What a newcomer's first try tripped on: each is one clear line now, with the right exit code."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.helpers.cli import run_cli

UNREACHABLE = "postgresql://nobody@127.0.0.1:1/none"  # nothing listens on port 1


def test_error_messages_are_text_not_markup(work_dir: Path, database_url: str) -> None:
    result = run_cli(["sync"], work_dir, C360_DATABASE_URL=database_url)
    assert result.returncode == 2, result.stderr
    assert "add a [connectors.NAME] table to c360.toml" in result.stderr


@pytest.mark.parametrize("command", [["db", "current"], ["resolve"], ["explain", "1", "2"]])
@pytest.mark.parametrize("url", [UNREACHABLE, "sqlite:////no/such/folder/c360.db"])
def test_an_unreachable_database_is_one_line(work_dir: Path, command: list[str], url: str) -> None:
    result = run_cli(command, work_dir, C360_DATABASE_URL=url)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.startswith("error: cannot reach database"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_serve_on_a_busy_port_says_only_that(work_dir: Path, database_url: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli(["serve", "--port", str(port)], work_dir, C360_DATABASE_URL=database_url)
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "serving" not in result.stdout + result.stderr
