"""The scheduler: one APScheduler job per scheduled stream, in this process only.

Job stores are in memory and never shared: several hub processes may each
run a scheduler, and the per-stream lock (``c360.sync.lock``) is what keeps one
run of a stream at a time across all of them. A tick that finds the lock
taken is skipped, not queued.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine

from c360.config import Settings
from c360.hub.ingest import LandedRecordsHandler, NoResolution
from c360.sync._contract import Connector, Stream
from c360.sync.retry import RetryPolicy
from c360.sync.runner import AlreadyRunning, RunOutcome, run_stream
from c360.sync.targets import ScheduledStream, scheduled_streams

__all__ = ["Scheduler", "start_scheduler", "configured_connectors"]

log = logging.getLogger(__name__)


def configured_connectors(settings: Settings) -> dict[str, Connector]:
    """The enabled connectors of the settings, built by the connector registry."""
    from c360.connectors import registry  # imported late: the registry loads entry points
    from c360.sync.targets import is_enabled

    built = registry.configured(settings)
    return {name: c for name, c in built.items() if is_enabled(settings.connectors.get(name, {}), name)}


class Scheduler:
    """A started scheduler and the connectors it owns; ``shutdown`` stops both."""

    def __init__(self, scheduler: BackgroundScheduler, jobs: list[ScheduledStream], connectors: Mapping[str, Connector]):
        self._scheduler = scheduler
        self.jobs = jobs
        self._connectors = connectors

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def job_ids(self) -> list[str]:
        return sorted(job.id for job in self._scheduler.get_jobs())

    def shutdown(self, wait: bool = True) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=wait)
        for connector in self._connectors.values():
            connector.close()


def _job(
    engine: Engine,
    connector: str,
    stream: Stream[Any, Any],
    handler: LandedRecordsHandler,
    retry: RetryPolicy | None,
    on_run: Callable[[RunOutcome], None] | None,
) -> Callable[[], None]:
    def tick() -> None:
        try:
            outcome = run_stream(engine, connector, stream, handler=handler, retry=retry)
        except AlreadyRunning:
            log.debug("%s.%s: another process is running it; tick skipped", connector, stream.name)
            return
        except Exception as exc:
            # Outer guard of a scheduled tick: the run row already holds the one-line error; log only
            # the type (database messages can quote parameters, i.e. personal data) and keep ticking.
            log.error("%s.%s: run ended by %s", connector, stream.name, type(exc).__name__)
            return
        if not outcome.ok:
            log.warning("%s.%s: run %d failed: %s", connector, stream.name, outcome.run_id, outcome.error)
        if on_run is not None:
            on_run(outcome)

    return tick


def start_scheduler(
    settings: Settings,
    engine: Engine,
    handler: LandedRecordsHandler | None = None,
    *,
    connectors: Mapping[str, Connector] | None = None,
    retry: RetryPolicy | None = None,
    on_run: Callable[[RunOutcome], None] | None = None,
) -> Scheduler:
    """Schedule every enabled, scheduled stream and start running them in background threads.

    ``connectors`` defaults to those the registry builds from ``settings``;
    tests pass their own.
    """
    built = dict(connectors) if connectors is not None else configured_connectors(settings)
    jobs = scheduled_streams(settings.connectors, built)
    scheduler = BackgroundScheduler(timezone="UTC", job_defaults={"max_instances": 1, "coalesce": True})
    for job in jobs:
        scheduler.add_job(
            _job(engine, job.connector, job.stream, handler or NoResolution(), retry, on_run),
            trigger=job.trigger,
            id=f"{job.connector}.{job.stream.name}",
            name=f"sync {job.connector}.{job.stream.name}",
            misfire_grace_time=30,
        )
    scheduler.start()
    return Scheduler(scheduler, jobs, built)
