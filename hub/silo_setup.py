"""Glue between the hub's commands and the simulated silos: build with a progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.progress import Progress, TaskID

if TYPE_CHECKING:
    from silos.manifest import SiloManifest

__all__ = ["DEMO_API_KEY", "build_silos"]

# The simulated silos accept this key; it guards nothing real and is printed by the demo.
DEMO_API_KEY = "demo-silo-key"


def build_silos(data_dir: Path, size: int, seed: int, progress: Progress) -> "SiloManifest":
    """Generate (or reuse) the silo data, reporting each generation stage on ``progress``."""
    import silos

    tasks: dict[str, TaskID] = {}

    def report(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(f"generating {stage}", total=total)
        progress.update(tasks[stage], completed=done, total=total)

    return silos.build(data_dir, size=size, seed=seed, progress=report)
