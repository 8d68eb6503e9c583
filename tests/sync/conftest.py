"""Fixtures of the sync engine's tests: a file-backed silo, its stream, a no-wait retry policy, and the
hub synced from the simulated silos."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

sys.path.insert(0, str(Path(__file__).parent))

from simulated_hub import SimulatedHub, copy_silos, simulated_hub, simulated_silos  # noqa: E402
from sync_fakes import FileSilo  # noqa: E402

from c360.sync.retry import RetryPolicy  # noqa: E402


@pytest.fixture
def silo(tmp_path: Path) -> FileSilo:
    return FileSilo(tmp_path / "silo.json")


@pytest.fixture
def no_wait() -> RetryPolicy:
    """Retries without sleeping: tests see the attempts, not the waits."""
    waits: list[float] = []
    return RetryPolicy(attempts=3, base_delay=0.01, sleep=waits.append)


@pytest.fixture
def hub(engine: Engine, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> Iterator[SimulatedHub]:
    """The index after a first sync of every stream of every built-in connector, on a private copy of
    the simulated silos (tests may delete silo rows)."""
    with simulated_hub(engine, copy_silos(simulated_silos(tmp_path_factory), tmp_path), monkeypatch) as hub:
        hub.sync()
        yield hub
