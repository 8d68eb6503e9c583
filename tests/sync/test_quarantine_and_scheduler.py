"""Quarantine retry after a mapping fix, schedule parsing, and the in-process scheduler."""

from __future__ import annotations

import threading

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from sync_fakes import FakeConnector, FileSilo, SubscriptionsStream

from c360.config import ConfigError, Settings
from c360.hub.models import QuarantinedRecord, SourceRecord
from c360.sync import (
    QuarantineNotFound,
    RunOutcome,
    UnknownTarget,
    parse_schedule,
    retry_quarantined,
    run_stream,
    scheduled_streams,
    select_streams,
    start_scheduler,
)


def test_retry_lands_the_record_once_the_mapping_accepts_it(engine: Engine, silo: FileSilo) -> None:
    silo.put("S1", plan="BROKEN")
    stream = SubscriptionsStream(silo)
    run_stream(engine, "fake", stream)
    connectors = {"fake": FakeConnector("fake", [stream])}
    with Session(engine) as session:
        quarantine_id = session.scalars(select(QuarantinedRecord.id)).one()

    still = retry_quarantined(engine, quarantine_id, connectors)
    assert not still.ok and still.message == "still fails: plan: unknown plan code"

    stream.strict_plans = False  # the connector's mapping was fixed
    landed = retry_quarantined(engine, quarantine_id, connectors)
    assert landed.ok and len(landed.source_record_ids) == 1
    with Session(engine) as session:
        row = session.get(QuarantinedRecord, quarantine_id)
        assert row is not None and row.status == "retried" and row.retried_at is not None
        assert session.scalars(select(SourceRecord.source_key)).all() == ["S1"]
        assert session.scalars(select(SourceRecord.streams)).all() == [[f"fake.{stream.name}"]]  # judged by its stream
    again = retry_quarantined(engine, quarantine_id, connectors)
    assert not again.ok and "already retried" in again.message
    with pytest.raises(QuarantineNotFound):
        retry_quarantined(engine, 999, connectors)


def test_schedules_parse_and_streams_override_their_connector() -> None:
    assert isinstance(parse_schedule({"interval_seconds": 60}, "x"), IntervalTrigger)
    assert isinstance(parse_schedule({"cron": "*/5 * * * *"}, "x"), CronTrigger)
    assert parse_schedule(None, "x") is None
    for bad in ({"interval_seconds": 0}, {"cron": "every minute"}, {"hourly": True}):
        with pytest.raises(ConfigError):
            parse_schedule(bad, "[connectors.boss] schedule")

    silo = FileSilo.__new__(FileSilo)
    a, b = SubscriptionsStream(silo), SubscriptionsStream(silo)
    b.name = "other"  # type: ignore[misc]
    connectors = {"boss": FakeConnector("boss", [a, b]), "off": FakeConnector("off", [a])}
    tables = {
        "boss": {"schedule": {"interval_seconds": 60}, "streams": {"other": {"schedule": {"cron": "0 * * * *"}}}},
        "off": {"enabled": False, "schedule": {"interval_seconds": 5}},
    }
    jobs = {(j.connector, j.stream.name): type(j.trigger) for j in scheduled_streams(tables, connectors)}
    assert jobs == {("boss", "subscriptions"): IntervalTrigger, ("boss", "other"): CronTrigger}
    with pytest.raises(ConfigError, match="no such stream"):
        scheduled_streams({"boss": {"streams": {"nope": {}}}}, connectors)

    assert [s.name for _, s in select_streams(connectors, "boss")] == ["subscriptions", "other"]
    assert [(c, s.name) for c, s in select_streams(connectors, "boss.other")] == [("boss", "other")]
    with pytest.raises(UnknownTarget, match="connectors: boss, off"):
        select_streams(connectors, "crm")
    with pytest.raises(UnknownTarget, match="streams: subscriptions, other"):
        select_streams(connectors, "boss.nope")


def test_the_scheduler_runs_each_scheduled_stream_and_shuts_down(engine: Engine, silo: FileSilo) -> None:
    silo.put_many(12)
    outcomes: list[RunOutcome] = []
    two_runs = threading.Event()

    def seen(outcome: RunOutcome) -> None:
        outcomes.append(outcome)
        if len(outcomes) >= 2:
            two_runs.set()

    settings = Settings(connectors={"fake": {"schedule": {"interval_seconds": 0.05}}})
    scheduler = start_scheduler(
        settings, engine, connectors={"fake": FakeConnector("fake", [SubscriptionsStream(silo)])}, on_run=seen
    )
    try:
        assert scheduler.job_ids() == ["fake.subscriptions"]
        assert two_runs.wait(timeout=30)
    finally:
        scheduler.shutdown()
    assert not scheduler.running
    assert outcomes[0].ok and outcomes[0].counts.written == 12
    assert all(o.ok and o.counts.read == 0 for o in outcomes[1:])  # later ticks are incremental
