"""The faults a REST silo throws at a run, through a real loopback HTTP server and the REST SDK."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from loopback import Switches, connector, free_port_url, items, make_app, serve
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from c360.hub.models import SourceRecord, SyncRun
from c360.sync import RetryPolicy, load_cursor, run_stream

NO_WAIT = RetryPolicy(attempts=3, base_delay=0.0, sleep=lambda _: None)


@pytest.fixture
def silo() -> Iterator[tuple[str, Switches, list[dict[str, object]]]]:
    switches = Switches()
    data = items(45)
    with serve(make_app(data, switches)) as url:
        yield url, switches, data


def _keys(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return sorted(session.scalars(select(SourceRecord.source_key)))


def _exactly_the_silo(engine: Engine, data: list[dict[str, object]]) -> None:
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(SourceRecord)) == len(data)
    assert _keys(engine) == sorted(str(r["id"]) for r in data)


def _run(engine: Engine, url: str, **overrides: object):  # type: ignore[no-untyped-def]
    with connector(url, **overrides) as conn:
        return run_stream(engine, "loopback", conn.streams()[0], retry=NO_WAIT)


def test_429_and_500_bursts_are_ridden_out(engine: Engine, silo) -> None:  # type: ignore[no-untyped-def]
    url, switches, data = silo
    switches.throttle_next, switches.fail_next = 2, 2  # within the client's own retries
    assert _run(engine, url).ok
    switches.fail_next = 5  # beyond them: the runner re-reads from the committed cursor
    data.append({"id": "S9999", "updated_at": "2024-06-01T00:00:00", "msisdn": "+8613900000000", "plan": "5G"})
    outcome = _run(engine, url)
    assert outcome.ok and outcome.counts.read == 1  # only the new record: the keyset drops the boundary
    _exactly_the_silo(engine, data)


def test_timeouts_are_retried(engine: Engine, silo) -> None:  # type: ignore[no-untyped-def]
    url, switches, data = silo
    switches.slow_next, switches.slow_s = 2, 1.0
    assert _run(engine, url).ok
    _exactly_the_silo(engine, data)


def test_silo_down_at_start_fails_the_run_and_writes_nothing(engine: Engine) -> None:
    outcome = _run(engine, free_port_url())
    assert outcome.status == "failed" and "connection failed" in (outcome.error or "")
    assert _keys(engine) == []
    with Session(engine) as session:
        assert load_cursor(session, "loopback", "items") is None
        assert session.scalars(select(SyncRun.status)).all() == ["failed"]


def test_silo_dying_mid_pagination_resumes_after_the_last_committed_page(
    engine: Engine, silo  # type: ignore[no-untyped-def]
) -> None:
    url, switches, data = silo
    switches.die_after = 2
    outcome = _run(engine, url)
    assert outcome.status == "failed" and outcome.counts.read == 20
    with Session(engine) as session:
        assert load_cursor(session, "loopback", "items") == {"updated_at": "2024-05-01T00:00:19", "key": "S0019"}
    switches.die_after = None
    assert _run(engine, url).ok
    _exactly_the_silo(engine, data)


def test_a_malformed_page_fails_the_run_and_the_next_run_recovers(engine: Engine, silo) -> None:  # type: ignore[no-untyped-def]
    url, switches, data = silo
    switches.die_after = 1
    _run(engine, url)
    switches.die_after, switches.malformed_next = None, 1
    outcome = _run(engine, url)
    assert outcome.status == "failed" and "not JSON" in (outcome.error or "")
    assert len(_keys(engine)) == 10
    assert _run(engine, url).ok
    _exactly_the_silo(engine, data)
