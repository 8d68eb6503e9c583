"""The ``c360.toml`` that ``c360 demo`` runs with, written so a second shell can drive the same hub.

``c360 sync``, ``c360 sync status`` and ``c360 quarantine retry`` read their connectors and database
from the settings; the demo's connectors point at silos on ports picked at start, so the demo writes
them down. A ``c360.toml`` the operator wrote is never overwritten: the demo's file then goes to
``.c360/demo.toml`` and the demo says to point ``C360_CONFIG`` at it. Credentials stay out of the file:
connectors name the environment variable holding their key, and a database URL with a password is
left out (the second shell sets ``C360_DATABASE_URL`` as the first did).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from c360.config import DEFAULT_CONFIG_FILE, Settings

__all__ = ["DEMO_MARKER", "DemoConfig", "write_demo_config"]

DEMO_MARKER = "# Written by `c360 demo`"
_HEADER = (
    f"{DEMO_MARKER} for the hub it runs (silos on the ports of that run); rewritten by the next run.\n"
    "# Other shells in this folder use it: c360 sync status, c360 sync boss, c360 quarantine list ...\n"
)


@dataclass(frozen=True)
class DemoConfig:
    path: Path
    database_in_file: bool  # False: the URL holds a password, the second shell must set C360_DATABASE_URL


def _has_password(url: str) -> bool:
    try:
        return make_url(url).password is not None
    except ArgumentError:  # refused long before the demo gets here; keep it out of the file all the same
        return True


def _written_by_demo(path: Path) -> bool:
    try:
        return path.read_text(encoding="utf-8").startswith(DEMO_MARKER)
    except OSError:
        return False


def write_demo_config(settings: Settings, connectors: Mapping[str, Mapping[str, Any]], cwd: Path) -> DemoConfig:
    """Write the demo's settings next to its database; returns where, and whether the database URL is in it."""
    path = cwd / DEFAULT_CONFIG_FILE
    if path.exists() and not _written_by_demo(path):
        path = cwd / ".c360" / "demo.toml"
    document: dict[str, Any] = {}
    database_in_file = not _has_password(settings.database_url)
    if database_in_file:
        document["database"] = {"url": settings.database_url}
    document["server"] = {"host": settings.server.host, "port": settings.server.port}
    document["demo"] = {"size": settings.demo.size, "seed": settings.demo.seed, "data_dir": str(settings.demo.data_dir)}
    document["connectors"] = {name: dict(table) for name, table in connectors.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_HEADER + tomli_w.dumps(document), encoding="utf-8")
    return DemoConfig(path=path, database_in_file=database_in_file)
