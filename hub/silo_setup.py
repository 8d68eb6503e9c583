"""Glue between the hub's commands and the simulated silos: build with a progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.progress import Progress

if TYPE_CHECKING:
    from silos.manifest import SiloManifest

__all__ = ["DEMO_API_KEY", "build_silos"]

# The simulated silos accept this key; it guards nothing real and is printed by the demo.
DEMO_API_KEY = "demo-silo-key"


def build_silos(data_dir: Path, size: int, seed: int, progress: Progress) -> "SiloManifest":
    """Generate (or reuse, when size and seed match) the silo data, with a progress bar."""
    import silos

    task = progress.add_task(f"simulated silos ({size:,} customers)", total=size)

    def report(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    manifest = silos.build(data_dir, size=size, seed=seed, progress=report)
    progress.update(task, completed=size, total=size)
    return manifest
