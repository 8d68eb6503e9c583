"""`c360 connectors list|check` through typer's runner, against a real configuration file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from c360.app.cli.connectors_cmd import app
from tests.connectors.loopback import LoopbackServer, RestSilo

runner = CliRunner()


def configure(work_dir: Path, text: str) -> None:
    (work_dir / "c360.toml").write_text(text, encoding="utf-8")


def test_list_shows_builtins_and_configured_instances(work_dir: Path, bi_dir: Path) -> None:
    configure(work_dir, f'[connectors.bi_north]\ntype = "bi"\nfolder = "{bi_dir}"\n')
    result = runner.invoke(app, ["list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for name in ("boss", "billing", "callcenter", "keyaccount", "bi", "built-in", "bi_north", "customers, accounts"):
        assert name in result.output


def test_check_ok(work_dir: Path, boss_silo: tuple[RestSilo, LoopbackServer], silo_key: str) -> None:
    configure(work_dir, f'[connectors.boss]\nbase_url = "{boss_silo[1].url}"\napi_key_env = "{silo_key}"\n')
    result = runner.invoke(app, ["check", "boss"])
    assert result.exit_code == 0, result.output
    assert "OK boss (boss): 4 streams reachable" in result.output


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[connectors.boss]\nbase_url = "http://127.0.0.1:9"\napi_key_env = "C360_NOPE"\n',
         "[connectors.boss] api_key_env: environment variable C360_NOPE is not set"),
        ('[connectors.boss]\nbase_url = "http://127.0.0.1:9"\nmax_retries = 0\n', "connection failed after 1 attempts"),
        ('[connectors.bi]\nfolder = "/nonexistent/c360"\n', "drop folder /nonexistent/c360 does not exist"),
        ('[connectors.other]\ntype = "bi"\nfolder = "x"\n', "no [connectors.boss] table in the configuration"),
    ],
)  # fmt: skip
def test_check_says_what_is_wrong(work_dir: Path, toml: str, message: str) -> None:
    configure(work_dir, toml)
    name = "bi" if "connectors.bi]" in toml else "boss"
    result = runner.invoke(app, ["check", name], env={"COLUMNS": "300"})
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())
