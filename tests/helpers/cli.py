"""`c360` as a child process in a given folder, with none of this process's c360 settings leaking in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

__all__ = ["run_cli"]


def run_cli(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("C360_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "c360", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
