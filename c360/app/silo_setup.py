"""Glue between the hub's commands and the simulated silos: build with a progress bar."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from rich.progress import Progress

if TYPE_CHECKING:
    from c360.silos.manifest import SiloManifest

__all__ = ["DEMO_API_KEY", "LiveSilos", "build_silos"]

# The simulated silos accept this key; it guards nothing real and is printed by the demo.
DEMO_API_KEY = "demo-silo-key"


def build_silos(data_dir: Path, size: int, seed: int, progress: Progress) -> SiloManifest:
    """Generate (or reuse, when size and seed match) the silo data, with a progress bar."""
    from c360 import silos

    task = progress.add_task(f"simulated silos ({size:,} customers)", total=size)

    def report(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    manifest = silos.build(data_dir, size=size, seed=seed, progress=report)
    progress.update(task, completed=size, total=size)
    return manifest


class LiveSilos:
    """Makes the simulated silos change every few seconds, so scheduled syncs have news to pick up."""

    def __init__(self, data_dir: Path, seed: int, *, every_s: float = 15.0, changes: int = 20) -> None:
        self._data_dir = data_dir
        self._seed = seed
        self._every_s = every_s
        self._changes = changes
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="c360-live-silos", daemon=True)
        self.ticks = 0

    def _run(self) -> None:
        from c360.silos.live import tick

        while not self._stop.wait(self._every_s):
            tick(self._data_dir, self._seed, self._changes)
            self.ticks += 1

    def __enter__(self) -> LiveSilos:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
