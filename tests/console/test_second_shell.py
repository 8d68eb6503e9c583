"""While the demo runs, another shell in its folder drives the same hub through the c360.toml it wrote."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tomllib

from tests.console.conftest import Hub


def _c360(hub: Hub, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("C360_")}
    environment |= {"C360_BOSS_API_KEY": "demo-silo-key", "C360_KEYACCOUNT_API_KEY": "demo-silo-key"}  # as printed
    return subprocess.run([sys.executable, "-m", "c360", *args], cwd=hub.folder, env=environment,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_the_written_config_names_keys_by_variable_only(hub: Hub) -> None:
    text = (hub.folder / "c360.toml").read_text(encoding="utf-8")
    config = tomllib.loads(text)
    assert config["connectors"]["boss"]["api_key_env"] == "C360_BOSS_API_KEY"
    assert "demo-silo-key" not in text and "c360k_" not in text
    assert config["server"]["port"] == hub.demo_port


def test_sync_status_and_quarantine_from_a_second_shell(hub: Hub) -> None:
    status = _c360(hub, "sync", "status")
    assert status.returncode == 0, status.stderr
    assert "boss.customers" in status.stdout and "succeeded" in status.stdout
    for _ in range(20):  # the demo's scheduler may hold the stream for a moment
        run = _c360(hub, "sync", "keyaccount", "--full")
        if "already running" not in run.stderr:
            break
        time.sleep(1)
    assert run.returncode == 0, run.stderr
    assert "keyaccount." in run.stdout
    assert _c360(hub, "quarantine", "list").returncode == 0
