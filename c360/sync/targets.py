"""Which streams exist, which one a ``CONNECTOR[.STREAM]`` names, and when each should run.

Schedules come from the sync engine's own keys of ``[connectors.NAME]``::

    [connectors.boss]
    type = "boss"
    enabled = true                                  # default true
    schedule = { interval_seconds = 300 }           # or { cron = "*/5 * * * *" }
    streams.customers.schedule = { cron = "0 * * * *" }   # per-stream override

A stream with no schedule runs only on demand (``c360 sync``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from c360.config import ConfigError
from c360.errors import SyncError
from c360.sync._contract import Connector, Stream

__all__ = ["ScheduledStream", "UnknownTarget", "is_enabled", "parse_schedule", "scheduled_streams", "select_streams"]


class UnknownTarget(SyncError):
    """Raised when ``c360 sync NAME`` (or triggerSync) named no configured connector or stream; the message lists the known ones."""


@dataclass(frozen=True)
class ScheduledStream:
    connector: str
    stream: Stream[Any, Any]
    trigger: BaseTrigger


def parse_schedule(value: Any, where: str) -> BaseTrigger | None:
    """``{interval_seconds = N}``, ``{cron = "m h dom mon dow"}`` or a bare crontab string; None: unscheduled."""
    if value is None:
        return None
    if isinstance(value, str):  # shorthand: a bare crontab expression
        value = {"cron": value}
    if not isinstance(value, Mapping) or len(value) != 1 or not ({"interval_seconds", "cron"} & set(value)):
        raise ConfigError(f"{where}: expected {{interval_seconds = N}} or {{cron = \"*/5 * * * *\"}}")
    if "interval_seconds" in value:
        seconds = value["interval_seconds"]
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds <= 0:
            raise ConfigError(f"{where}.interval_seconds must be a positive number, got {seconds!r}")
        return IntervalTrigger(seconds=seconds)
    try:
        return CronTrigger.from_crontab(str(value["cron"]))
    except ValueError as exc:
        raise ConfigError(f"{where}.cron is not a crontab expression: {exc}") from None


def is_enabled(table: Mapping[str, Any], name: str) -> bool:
    enabled = table.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ConfigError(f"[connectors.{name}] enabled must be true or false, got {enabled!r}")
    return enabled


def _stream_tables(table: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    streams = table.get("streams", {})
    if not isinstance(streams, Mapping):
        raise ConfigError(f"[connectors.{name}] streams must be a table of stream names")
    return streams


def scheduled_streams(
    tables: Mapping[str, Mapping[str, Any]], connectors: Mapping[str, Connector]
) -> list[ScheduledStream]:
    """Every enabled stream with a schedule (its own, else its connector's)."""
    jobs: list[ScheduledStream] = []
    for name, connector in sorted(connectors.items()):
        table = tables.get(name, {})
        if not is_enabled(table, name):
            continue
        default = parse_schedule(table.get("schedule"), f"[connectors.{name}] schedule")
        overrides = _stream_tables(table, name)
        known = {stream.name for stream in connector.streams()}
        for stream_name in overrides:
            if stream_name not in known:
                raise ConfigError(
                    f"[connectors.{name}] streams.{stream_name}: no such stream; streams: {', '.join(sorted(known))}"
                )
        for stream in connector.streams():
            override = overrides.get(stream.name, {})
            if isinstance(override, Mapping) and override.get("enabled", True) is False:
                continue
            where = f"[connectors.{name}] streams.{stream.name}.schedule"
            trigger = parse_schedule(override.get("schedule"), where) if isinstance(override, Mapping) else None
            trigger = trigger or default
            if trigger is not None:
                jobs.append(ScheduledStream(name, stream, trigger))
    return jobs


def select_streams(connectors: Mapping[str, Connector], target: str | None) -> list[tuple[str, Stream[Any, Any]]]:
    """The (connector, stream) pairs ``CONNECTOR[.STREAM]`` names; all of them for None."""
    if target is None:
        return [(name, stream) for name, connector in sorted(connectors.items()) for stream in connector.streams()]
    name, _, stream_name = target.partition(".")
    connector = connectors.get(name)
    if connector is None:
        known = ", ".join(sorted(connectors)) or "none configured"
        raise UnknownTarget(f"no connector {name!r}; connectors: {known}")
    streams = list(connector.streams())
    if not stream_name:
        return [(name, stream) for stream in streams]
    for stream in streams:
        if stream.name == stream_name:
            return [(name, stream)]
    raise UnknownTarget(f"{name} has no stream {stream_name!r}; streams: {', '.join(s.name for s in streams)}")
