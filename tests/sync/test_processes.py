"""Real OS processes: a hub killed with SIGKILL mid-run, and two schedulers sharing one database."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from sync_fakes import FileSilo, SubscriptionsStream

from c360.hub.models import SourceRecord, SourceRecordVersion, Subscription, SyncRun
from c360.sync import run_stream
from c360.sync.history import ABANDONED

pytestmark = pytest.mark.reliability

CHILD = Path(__file__).with_name("sync_child.py")


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(CHILD), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_sigkill_mid_run_then_restart_leaves_exactly_the_silo(
    engine: Engine, database_url: str, silo: FileSilo
) -> None:
    silo.put_many(400)
    child = _spawn("run", database_url, str(silo.path))
    assert child.stdout is not None
    lines = [child.stdout.readline().strip() for _ in range(3)]
    child.send_signal(signal.SIGKILL)
    _, err = child.communicate(timeout=30)
    assert lines == ["page 1", "page 2", "page 3"], err
    assert child.returncode == -signal.SIGKILL

    with Session(engine) as session:
        landed_before = session.scalar(select(func.count()).select_from(SourceRecord)) or 0
    assert 60 <= landed_before < 400  # killed mid-run: some pages committed, not all

    silo.put("S00000", plan="5G129")  # the silo moves on while the hub is down
    outcome = run_stream(engine, "fake", SubscriptionsStream(silo, page_size=20))
    assert outcome.ok

    with Session(engine) as session:
        index = {key: raw for key, raw in session.execute(select(SourceRecord.source_key, SourceRecord.raw))}
        facts = session.scalar(select(func.count()).select_from(Subscription))
        versions = session.scalar(select(func.count()).select_from(SourceRecordVersion))
        runs = list(session.scalars(select(SyncRun).order_by(SyncRun.id)))
    live = silo.live()
    assert set(index) == set(live) and facts == len(live) == 400
    assert all(index[key]["plan_code"] == live[key]["plan"] for key in live)
    assert versions == 1  # only S00000 changed
    assert [(r.status, r.error) for r in runs] == [("failed", ABANDONED), ("succeeded", None)]
    assert runs[0].records_written == landed_before
    assert runs[1].records_read == 400 - landed_before + 1


@pytest.mark.postgres_only
def test_two_scheduler_processes_never_run_a_stream_at_the_same_time(
    database_url: str, engine: Engine, silo: FileSilo, tmp_path: Path
) -> None:
    silo.put_many(30)
    log = tmp_path / "runs.jsonl"
    # Different intervals drift the two schedulers' phases, so each keeps meeting the other's runs.
    children = [_spawn("schedule", database_url, str(silo.path), "8", str(log), every) for every in ("0.07", "0.11")]
    for child in children:
        out, err = child.communicate(timeout=60)
        assert child.returncode == 0 and out.strip() == "done", err

    events = [json.loads(line) for line in log.read_text().splitlines()]
    spans: dict[int, list[tuple[float, float]]] = {}
    open_: dict[int, float] = {}
    for event in events:
        if event["event"] == "start":
            open_[event["pid"]] = event["t"]
        else:
            spans.setdefault(event["pid"], []).append((open_.pop(event["pid"]), event["t"]))
    assert len(spans) == 2, "both processes must have run the stream"
    ordered = sorted(span for pid_spans in spans.values() for span in pid_spans)
    assert len(ordered) >= 20, "too few ticks to say anything"
    overlaps = [(a, b) for a, b in pairwise(ordered) if b[0] < a[1]]
    assert overlaps == []

    with Session(engine) as session:
        runs = list(session.scalars(select(SyncRun).order_by(SyncRun.started_at)))
    assert all(r.status == "succeeded" for r in runs)
    db_overlaps = [(a.id, b.id) for a, b in pairwise(runs) if a.finished_at and b.started_at < a.finished_at]
    assert db_overlaps == []
