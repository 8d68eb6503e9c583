"""Finding connectors by name: the built-ins plus plugins in the ``c360.connectors`` entry-point group.

A plugin package declares, in its ``pyproject.toml``::

    [project.entry-points."c360.connectors"]
    webshop = "c360_webshop:WebshopConnector"

Discovery happens on every call (no process-wide cache), so a plugin
installed while the hub runs is found by the next ``available()``. A plugin
that fails to load does not hide the others; ``discover()`` reports it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import requests

from c360.config import Settings
from c360.connectors.base import Connector
from c360.connectors.builtin import BUILTIN_CONNECTORS
from c360.connectors.config import validate_config
from c360.connectors.errors import ConfigError
from c360.connectors.rest import RestConnector
from c360.connectors.sdk import SdkVersionError

__all__ = ["ENTRY_POINT_GROUP", "Discovery", "discover", "available", "build", "configured", "demo_connectors_config"]

ENTRY_POINT_GROUP = "c360.connectors"


@dataclass(frozen=True)
class Discovery:
    """What was found: classes by name, where each came from, and plugins that failed to load."""

    connectors: dict[str, type[Connector]] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)
    broken: dict[str, str] = field(default_factory=dict)


def discover() -> Discovery:
    """Built-ins first; a plugin may not take a built-in's name."""
    found = Discovery(connectors=dict(BUILTIN_CONNECTORS), origins={name: "built-in" for name in BUILTIN_CONNECTORS})
    for point in entry_points(group=ENTRY_POINT_GROUP):
        distribution = point.dist.name if point.dist is not None else "unknown distribution"
        if point.name in found.connectors:
            if found.connectors[point.name].__module__ != point.module:
                found.broken[point.name] = f"plugin from {distribution} clashes with a connector of the same name"
            continue
        try:
            cls = point.load()
        except SdkVersionError as error:
            found.broken[point.name] = f"{distribution} {error}"
            continue
        except (ImportError, AttributeError) as error:
            found.broken[point.name] = f"cannot load {point.value} from {distribution}: {type(error).__name__}"
            continue
        if not (isinstance(cls, type) and issubclass(cls, Connector)):
            found.broken[point.name] = f"{point.value} from {distribution} is not a Connector subclass"
            continue
        found.connectors[point.name] = cls
        found.origins[point.name] = f"plugin ({distribution})"
    return found


def available() -> dict[str, type[Connector]]:
    """Every usable connector class by registry name."""
    return discover().connectors


def build(instance: str, table: Mapping[str, Any], *, session: requests.Session | None = None) -> Connector:
    """A connector for one ``[connectors.NAME]`` table.

    ``type`` picks the class (default: the instance name); ``schedule`` and
    ``enabled`` belong to the sync engine and are ignored here. ``session``
    (REST connectors only) is an HTTP session of the caller's, e.g. a test's.
    """
    type_name = table.get("type", instance)
    known = available()
    if not isinstance(type_name, str) or type_name not in known:
        names = ", ".join(sorted(known))
        raise ConfigError(f"[connectors.{instance}] type: unknown connector {type_name!r}; known: {names}")
    cls = known[type_name]
    config = validate_config(cls.config_model, instance, table)
    if session is None:
        return cls(instance, config)
    if not issubclass(cls, RestConnector):
        raise ConfigError(f"[connectors.{instance}] type: {type_name} is not a REST connector; it takes no session")
    return cls(instance, config, session=session)


def configured(settings: Settings) -> dict[str, Connector]:
    """A connector for every table in ``settings.connectors`` except those with ``enabled = false``.

    Raises the first ``ConfigError``, after closing what was already built.
    """
    built: dict[str, Connector] = {}
    try:
        for instance, table in settings.connectors.items():
            if table.get("enabled", True) is False:
                continue
            built[instance] = build(instance, table)
    except ConfigError:
        for connector in built.values():
            connector.close()
        raise
    return built


def demo_connectors_config(
    *,
    boss_url: str,
    keyaccount_url: str,
    billing_dsn: str,
    callcenter_dir: str | Path,
    bi_dir: str | Path,
    boss_api_key_env: str = "C360_BOSS_API_KEY",
    keyaccount_api_key_env: str = "C360_KEYACCOUNT_API_KEY",
    schedule: Any = None,
) -> dict[str, dict[str, Any]]:
    """The ``[connectors.*]`` tables for the simulated silos of ``c360 demo``.

    Keys stay in environment variables; ``schedule`` (the sync engine's
    syntax, e.g. ``{"interval_seconds": 300}``) is added to every table when given.
    """
    tables: dict[str, dict[str, Any]] = {
        "boss": {"type": "boss", "base_url": boss_url, "api_key_env": boss_api_key_env, "page_size": 1000},
        "billing": {"type": "billing", "dsn": billing_dsn, "page_size": 1000},
        "callcenter": {"type": "callcenter", "folder": str(callcenter_dir), "page_size": 1000},
        "keyaccount": {
            "type": "keyaccount",
            "base_url": keyaccount_url,
            "api_key_env": keyaccount_api_key_env,
            "page_size": 1000,
        },
        "bi": {"type": "bi", "folder": str(bi_dir), "page_size": 1000},
    }
    if schedule is not None:
        for table in tables.values():
            table["schedule"] = schedule
    return tables
