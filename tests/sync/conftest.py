"""Fixtures of the sync engine's tests: a file-backed silo, its stream and a no-wait retry policy."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from sync_fakes import FileSilo  # noqa: E402

from sync.retry import RetryPolicy  # noqa: E402


@pytest.fixture
def silo(tmp_path: Path) -> FileSilo:
    return FileSilo(tmp_path / "silo.json")


@pytest.fixture
def no_wait() -> RetryPolicy:
    """Retries without sleeping: tests see the attempts, not the waits."""
    waits: list[float] = []
    return RetryPolicy(attempts=3, base_delay=0.01, sleep=waits.append)
