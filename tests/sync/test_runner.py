"""run_stream end to end on a real database: pages, cursor, quarantine, deletions, history."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from sync_fakes import FileSilo, SubscriptionsStream, fail_on

from c360.connectors.errors import BadPageError, FatalError, RetriableError
from c360.hub.db import create_db_engine
from c360.hub.models import QuarantinedRecord, SourceRecord, Subscription, SyncRun, SyncState, utcnow
from c360.sync import AlreadyRunning, RetryPolicy, load_cursor, run_stream, stream_lock
from c360.sync.history import ABANDONED


def _index(engine: Engine) -> dict[str, tuple[str, bool, int]]:
    with Session(engine) as session:
        rows = session.execute(
            select(SourceRecord.source_key, SourceRecord.raw, SourceRecord.deleted, SourceRecord.version)
        ).all()
    return {key: (raw["plan_code"], deleted, version) for key, raw, deleted, version in rows}


def _live(engine: Engine) -> dict[str, str]:
    return {key: plan for key, (plan, deleted, _) in _index(engine).items() if not deleted}


def _cursor(engine: Engine) -> dict | None:  # type: ignore[type-arg]
    with Session(engine) as session:
        return load_cursor(session, "fake", "subscriptions")


def _runs(engine: Engine) -> list[SyncRun]:
    with Session(engine) as session:
        return list(session.scalars(select(SyncRun).order_by(SyncRun.id)))


def test_first_run_lands_everything_and_the_next_reads_only_changes(engine: Engine, silo: FileSilo) -> None:
    silo.put_many(25)
    stream = SubscriptionsStream(silo)
    outcome = run_stream(engine, "fake", stream)
    assert outcome.ok and (outcome.counts.read, outcome.counts.written) == (25, 25)
    assert _cursor(engine) == {"seq": 25}
    silo.put("S00003", plan="5G129")
    again = run_stream(engine, "fake", stream)
    assert (again.counts.read, again.counts.written) == (1, 1)
    assert stream.reads[-1] == {"seq": 25}
    index = _index(engine)
    assert len(index) == 25 and index["S00003"] == ("5G129", False, 2)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Subscription)) == 25
    run = _runs(engine)[0]
    assert (run.status, run.records_read, run.records_written, run.records_quarantined) == ("succeeded", 25, 25, 0)
    assert run.finished_at is not None and run.finished_at >= run.started_at


def test_bad_records_are_quarantined_and_the_run_goes_on(engine: Engine, silo: FileSilo) -> None:
    silo.put_many(5)
    silo.put("S00002", plan="BROKEN")
    silo.put("S00009", msisdn="")
    outcome = run_stream(engine, "fake", SubscriptionsStream(silo, page_size=2))
    assert outcome.ok and outcome.counts.quarantined == 2 and outcome.counts.written == 4
    with Session(engine) as session:
        rows = list(session.scalars(select(QuarantinedRecord).order_by(QuarantinedRecord.id)))
    assert [(q.source_key, q.reason, q.status) for q in rows] == [
        ("S00002", "plan: unknown plan code", "open"),
        ("S00009", "msisdn: missing", "open"),
    ]
    assert '"plan": "BROKEN"' in rows[0].payload and rows[0].run_id == outcome.run_id
    assert _runs(engine)[0].records_quarantined == 2


def test_text_the_hub_cannot_store_is_quarantined_and_the_cursor_passes_it(engine: Engine, silo: FileSilo) -> None:
    """U+0000 (PostgreSQL) or a lone surrogate (both drivers) used to fail the page, and so every later run, at that page."""
    silo.put_many(5)
    silo.put("S00002", plan="4G\x0058")
    silo.put("S00004", plan="4G\ud83d")
    outcome = run_stream(engine, "fake", SubscriptionsStream(silo, page_size=2))
    assert outcome.ok and (outcome.counts.quarantined, outcome.counts.written) == (2, 3)
    assert _cursor(engine) == {"seq": 7} and not {"S00002", "S00004"} & set(_index(engine))
    with Session(engine) as session:
        rows = list(session.scalars(select(QuarantinedRecord).order_by(QuarantinedRecord.id)))
    assert [(row.source_key, row.reason) for row in rows] == [
        ("S00002", "invalid SubscriptionRecord: record: plan_code contains the character U+0000 (NUL), which the hub cannot store"),
        ("S00004", "invalid SubscriptionRecord: plan_code: Input should be a valid string, "
                   "unable to parse raw data as a unicode string"),  # pydantic's own check
    ]
    assert '"plan": "4G\\u000058"' in rows[0].payload and '"plan": "4G\\ud83d"' in rows[1].payload  # as sent, escaped


def test_failure_on_page_three_keeps_the_cursor_of_page_two_and_resumes(engine: Engine, silo: FileSilo) -> None:
    silo.put_many(50)
    broken = SubscriptionsStream(silo, before_page=fail_on(3, FatalError("silo answered HTTP 400")))
    outcome = run_stream(engine, "fake", broken)
    assert outcome.status == "failed" and outcome.error == "FatalError: silo answered HTTP 400"
    assert _cursor(engine) == {"seq": 20} and len(_index(engine)) == 20
    healthy = SubscriptionsStream(silo)
    resumed = run_stream(engine, "fake", healthy)
    assert resumed.ok and healthy.reads == [{"seq": 20}] and resumed.counts.read == 30
    assert set(_live(engine)) == set(silo.live()) and all(v == 1 for _, _, v in _index(engine).values())
    assert [r.status for r in _runs(engine)] == ["failed", "succeeded"]


def test_malformed_page_fails_the_run_at_the_last_good_page(engine: Engine, silo: FileSilo) -> None:
    silo.put_many(30)
    bad = SubscriptionsStream(silo, before_page=fail_on(2, BadPageError("boss/subscriptions page 2: not JSON")))
    outcome = run_stream(engine, "fake", bad, retry=RetryPolicy(attempts=3, sleep=lambda _: None))
    assert outcome.status == "failed" and "not JSON" in (outcome.error or "")
    assert _cursor(engine) == {"seq": 10} and bad.reads == [None]
    assert run_stream(engine, "fake", SubscriptionsStream(silo)).ok
    assert set(_live(engine)) == set(silo.live())


def test_silo_dying_mid_pagination_is_retried_from_the_committed_cursor(
    engine: Engine, silo: FileSilo, no_wait: RetryPolicy
) -> None:
    silo.put_many(40)
    served = iter(range(1, 100))
    failing = {3: RetriableError("connection failed"), 4: RetriableError("HTTP 503")}

    def flaky(_page: int) -> None:
        error = failing.get(next(served))  # the 3rd and 4th page requests of the run fail
        if error is not None:
            raise error

    stream = SubscriptionsStream(silo, before_page=flaky)
    outcome = run_stream(engine, "fake", stream, retry=no_wait)
    assert outcome.ok and stream.reads == [None, {"seq": 20}, {"seq": 20}]
    assert outcome.counts.read == 40 and len(_index(engine)) == 40


def test_silo_down_at_start_fails_the_run_after_its_retries(
    engine: Engine, silo: FileSilo, no_wait: RetryPolicy
) -> None:
    silo.put_many(5)
    stream = SubscriptionsStream(silo, before_page=fail_on(1, RetriableError("boss: connection failed")))
    outcome = run_stream(engine, "fake", stream, retry=no_wait)
    assert outcome.status == "failed" and len(stream.reads) == no_wait.attempts
    assert _cursor(engine) is None and _index(engine) == {}
    assert _runs(engine)[0].error == "RetriableError: boss: connection failed"


def test_tombstones_and_disappearance_mark_records_deleted(engine: Engine, silo: FileSilo) -> None:
    silo.put_many(6)
    stream = SubscriptionsStream(silo)
    run_stream(engine, "fake", stream)
    silo.delete("S00001")
    tombstoned = run_stream(engine, "fake", stream)
    assert tombstoned.counts.deleted == 1 and _index(engine)["S00001"][1] is True
    silo.vanish("S00002")
    silo.put("S00005", plan="BROKEN")
    incremental = run_stream(engine, "fake", stream)
    assert incremental.counts.deleted == 0 and _index(engine)["S00002"][1] is False
    full = run_stream(engine, "fake", stream, full=True)
    assert full.ok and full.counts.deleted == 1 and full.counts.quarantined == 1
    index = _index(engine)
    assert index["S00002"][1] is True
    assert index["S00005"] == ("4G58", False, 1)  # unreadable now, but still in the silo: kept, not deleted
    assert set(_live(engine)) == set(silo.live())
    with Session(engine) as session:
        assert session.scalar(select(Subscription.deleted).where(Subscription.source_key == "S00002")) is True
        state = session.get(SyncState, ("fake", "subscriptions"))
        assert state is not None and state.last_full_sync_at is not None
    assert [r.records_deleted for r in _runs(engine)] == [0, 1, 0, 1]


def test_a_run_left_running_is_marked_abandoned_by_the_next(engine: Engine, silo: FileSilo) -> None:
    with Session(engine) as session, session.begin():
        session.add(SyncRun(connector="fake", stream="subscriptions", status="running", started_at=utcnow()))
    silo.put_many(3)
    assert run_stream(engine, "fake", SubscriptionsStream(silo)).ok
    first, second = _runs(engine)
    assert (first.status, first.error) == ("failed", ABANDONED) and second.status == "succeeded"


def test_a_second_run_of_the_same_stream_is_refused_while_one_holds_the_lock(
    engine: Engine, silo: FileSilo
) -> None:
    held = stream_lock(engine, "fake", "subscriptions")
    assert held.acquire()
    try:
        with pytest.raises(AlreadyRunning, match="fake.subscriptions is already running"):
            run_stream(engine, "fake", SubscriptionsStream(silo))
        other = stream_lock(engine, "fake", "other")
        assert other.acquire()
        other.release()
    finally:
        held.release()
    assert run_stream(engine, "fake", SubscriptionsStream(silo)).ok


def test_a_hub_in_another_database_or_schema_does_not_hold_this_ones_stream(
    engine: Engine, fresh_database_url: Callable[[], str]
) -> None:
    """On PostgreSQL the test databases are schemas of one server database, where advisory locks are shared."""
    neighbour = create_db_engine(fresh_database_url())
    try:
        theirs = stream_lock(neighbour, "fake", "subscriptions")
        assert theirs.acquire()
        try:
            ours = stream_lock(engine, "fake", "subscriptions")
            assert ours.acquire()
            ours.release()
        finally:
            theirs.release()
    finally:
        neighbour.dispose()


def test_an_unexpected_error_is_recorded_on_the_run_and_raised(engine: Engine, silo: FileSilo) -> None:
    silo.put_many(3)
    with pytest.raises(ZeroDivisionError):
        run_stream(engine, "fake", SubscriptionsStream(silo, before_page=fail_on(1, ZeroDivisionError("boom"))))
    assert [(r.status, r.error) for r in _runs(engine)] == [("failed", "ZeroDivisionError: boom")]
