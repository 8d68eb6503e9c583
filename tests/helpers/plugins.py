"""A connector plugin really installed (pip, offline, into a private folder) and its own tests run."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["installed_plugin", "run_plugin_tests"]


def _forget(package: str) -> None:
    for name in [name for name in sys.modules if name.startswith(package)]:
        del sys.modules[name]


@contextmanager
def installed_plugin(project: Path, target: Path, package: str) -> Iterator[Path]:
    """``pip install`` ``project`` into ``target`` and put that on ``sys.path`` until the block ends.

    A real wheel build and install (dist-info with the entry point), kept out of the shared
    virtualenv so test runs leave nothing behind. Built with the virtualenv's setuptools (the test
    extra pins one that builds wheels alone) and no package index: it needs no network. ``package``'s
    modules are forgotten before (a copy installed in the virtualenv may be imported already) and after.
    """
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
         "--target", str(target), str(project)],
        check=True, capture_output=True,
    )  # fmt: skip
    sys.path.insert(0, str(target))
    importlib.invalidate_caches()
    _forget(package)
    try:
        yield target
    finally:
        sys.path.remove(str(target))
        _forget(package)


def run_plugin_tests(folder: Path, target: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The plugin's own pytest run in ``folder``, with the installed plugin (``target``) importable."""
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), *sys.path])}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=folder, env=environment, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
