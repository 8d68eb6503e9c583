"""An erasure run by another process (here `c360 erase`) empties this process's memos of raw values, on
PostgreSQL, where the erasure announces itself to every listening hub process."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from c360.app.factory import create_app
from c360.config import Settings
from c360.hub.normalize import normalize_phone, normalize_ric
from tests.privacy.conftest import PHONE, RIC, World

pytestmark = pytest.mark.postgres_only


def test_an_erasure_in_another_process_empties_this_ones_memos(database_url: str, world: World, work_dir: Path) -> None:
    with TestClient(create_app(Settings(database_url=database_url))) as client:
        client.portal.call(asyncio.wait_for, client.app.state.erasures.listening.wait(), 10)  # type: ignore[attr-defined]
        normalize_phone(PHONE), normalize_ric(RIC)
        documents = client.app.state.documents  # type: ignore[attr-defined]
        documents.keep(f'{{ customerBy(idNumber: "{RIC}") {{ id }} }}', object())  # type: ignore[arg-type]
        env = {k: v for k, v in os.environ.items() if not k.startswith("C360_")} | {"C360_DATABASE_URL": database_url}
        done = subprocess.run([sys.executable, "-m", "c360", "erase", world.me, "--actor", "dpo", "--reason", "DSR-9", "--yes"],
                              cwd=work_dir, env=env, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        deadline = time.monotonic() + 5
        while normalize_phone.cache_info().currsize and time.monotonic() < deadline:
            time.sleep(0.05)
        assert normalize_phone.cache_info().currsize == 0 and normalize_ric.cache_info().currsize == 0
        assert not documents.valid
