"""Identity resolution with several writers at once gives the index one writer at a time would.

The scheduler runs every stream of the simulated operator in parallel threads sharing one
resolver; resolvers of their own land overlapping pages side by side; ``resolve --full``, a
steward and ``c360 import`` run beside a sync. Each ends with the partition a sequential run
builds, no failed run, and an index whose facts follow their parties' goldens.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from c360.config import Settings
from c360.connectors import registry
from c360.hub.db import create_db_engine
from c360.hub.db.migrate import upgrade
from c360.hub.identity import steward
from c360.hub.identity.full_run import resolve_full
from c360.hub.identity.resolver import IdentityResolver
from c360.hub.models import SourceRecord, StewardDecision, SyncRun
from c360.silos import build
from c360.silos.run import SiloServers
from c360.sync import run_stream
from c360.sync.runner import RunOutcome
from c360.sync.scheduler import start_scheduler
from tests.identity.index_checks import golden_ids, index_problems, partition, runs_by_status

KEY = "test-key"
PAGE = 40  # many small pages: many interleavings


@pytest.fixture(scope="module")
def silo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("silos")
    build(data, 200, 11)
    return data


@pytest.fixture
def silos(silo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, dict[str, Any]]]:
    """The simulated silos on loopback; yields their ``[connectors.*]`` tables (small pages)."""
    monkeypatch.setenv("C360_BOSS_API_KEY", KEY)
    monkeypatch.setenv("C360_KEYACCOUNT_API_KEY", KEY)
    with SiloServers(silo_dir, api_key=KEY) as servers:
        tables = registry.demo_connectors_config(
            boss_url=servers.boss_url, keyaccount_url=servers.keyaccount_url, billing_dsn=servers.billing_dsn,
            callcenter_dir=servers.callcenter_dir, bi_dir=servers.bi_dir,
        )
        yield {name: dict(table, page_size=PAGE) for name, table in tables.items()}


def new_engine(fresh_database_url: Any) -> Engine:
    url = fresh_database_url()
    upgrade(url)
    return create_db_engine(url)


def sync_all(engine: Engine, tables: Mapping[str, Mapping[str, Any]], resolver: IdentityResolver,
             only: set[str] | None = None) -> list[RunOutcome]:
    """Every stream of every connector, one after the other."""
    outcomes = []
    for name, table in tables.items():
        connector = registry.build(name, table)
        try:
            for stream in connector.streams():
                if only is None or f"{name}.{stream.name}" in only:
                    outcomes.append(run_stream(engine, name, stream, handler=resolver))
        finally:
            connector.close()
    return outcomes


@pytest.fixture
def sequential(fresh_database_url: Any, silos: dict[str, dict[str, Any]]) -> dict[str, frozenset[str]]:
    """The partition one writer builds: every stream synced in turn."""
    engine = new_engine(fresh_database_url)
    try:
        outcomes = sync_all(engine, silos, IdentityResolver())
        assert all(o.ok for o in outcomes), [o.error for o in outcomes if not o.ok]
        assert index_problems(engine) == []
        return partition(engine)
    finally:
        engine.dispose()


def test_the_scheduler_runs_every_stream_in_parallel_into_the_sequential_index(
    engine: Engine, silos: dict[str, dict[str, Any]], sequential: dict[str, frozenset[str]]
) -> None:
    tables = {name: dict(table, schedule={"interval_seconds": 0.5}) for name, table in silos.items()}
    connectors = {name: registry.build(name, table) for name, table in tables.items()}
    jobs = {f"{name}.{stream.name}" for name, connector in connectors.items() for stream in connector.streams()}
    runs: dict[str, list[RunOutcome]] = defaultdict(list)
    overlapping = threading.Event()
    active: set[str] = set()
    done = threading.Event()
    guard = threading.Lock()

    def seen(outcome: RunOutcome) -> None:
        with guard:
            runs[f"{outcome.connector}.{outcome.stream}"].append(outcome)
            if all(len(runs[job]) >= 2 for job in jobs):  # the second run of each found nothing new
                done.set()

    scheduler = start_scheduler(Settings(connectors=tables), engine, IdentityResolver(), connectors=connectors, on_run=seen)
    try:
        deadline = time.monotonic() + 240
        while not done.is_set() and time.monotonic() < deadline:
            with Session(engine) as session:
                running = set(session.scalars(select(SyncRun.connector + "." + SyncRun.stream).where(SyncRun.status == "running")))
            if len(running) > 1:
                active |= running
                overlapping.set()
            done.wait(0.05)
    finally:
        scheduler.shutdown()
    assert done.is_set(), {job: len(runs[job]) for job in jobs}
    assert overlapping.is_set() and len(active) > 2  # streams really ran side by side
    failed = [(job, o.error) for job, outcomes in runs.items() for o in outcomes if not o.ok]
    assert failed == []
    assert set(runs_by_status(engine)) == {"succeeded"}
    assert index_problems(engine) == []
    assert partition(engine) == sequential


def test_resolvers_of_their_own_landing_overlapping_streams_side_by_side(
    engine: Engine, silos: dict[str, dict[str, Any]], sequential: dict[str, frozenset[str]]
) -> None:
    """As several hub processes do: each thread its own resolver, engine and sessions, all streams at once."""
    outcomes: list[RunOutcome] = []
    errors: list[BaseException] = []
    start = threading.Barrier(len(silos))

    def one(name: str) -> None:
        own = create_db_engine(engine.url.render_as_string(hide_password=False))
        try:
            start.wait()
            outcomes.extend(sync_all(own, {name: silos[name]}, IdentityResolver()))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=one, args=(name,)) for name in silos]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    assert errors == []
    assert [o.error for o in outcomes if not o.ok] == []
    assert index_problems(engine) == []
    assert partition(engine) == sequential


class MeetThenResolve:
    """A hook that lands its page, then waits (up to half a second) for the other writer's page before resolving.

    Two writers resolving at once, each blind to the other's uncommitted records, made two
    customers of one person. Holding the identity lock, the second writer cannot land
    before the first commits: the wait times out and the pages resolve one after the other.
    """

    def __init__(self, barrier: threading.Barrier) -> None:
        self.barrier = barrier
        self.resolver = IdentityResolver()
        self.met = 0

    def records_landed(self, session: Session, source_record_ids: Any, parties: Any = None) -> None:
        try:
            self.barrier.wait(timeout=0.5)
            self.met += 1
        except threading.BrokenBarrierError:
            self.barrier.reset()
        self.resolver.records_landed(session, source_record_ids, parties)


def test_two_importers_landing_the_same_people_at_once_make_one_customer_of_each(engine: Engine, tmp_path: Path) -> None:
    from c360.hub.transfer.party_jsonl import import_parties
    from tests.helpers.identity import ric

    people = [{"kind": "person", "name": name, "id_number": ric(f"110105198{i % 10}0302{i:03d}"), "phones": [f"1381111{i:04d}"]}
              for i, name in enumerate(["张伟", "李娜", "王芳", "刘洋", "陈静", "杨磊", "赵敏", "黄强"] * 2)]
    files = {}
    for source in ("crm", "shop"):
        files[source] = tmp_path / f"{source}.jsonl"
        files[source].write_text("".join(json.dumps({**p, "source_key": f"P{i}"}, ensure_ascii=False) + "\n"
                                         for i, p in enumerate(people)), encoding="utf-8")
    barrier = threading.Barrier(2)
    hooks = {source: MeetThenResolve(barrier) for source in files}

    def load(source: str) -> None:
        own = create_db_engine(engine.url.render_as_string(hide_password=False))
        try:
            import_parties(own, files[source], source=source, page_size=4, handler=hooks[source])
        finally:
            own.dispose()

    started = [in_thread(load, source) for source in files]
    for thread, _, errors in started:
        thread.join(timeout=120)
        assert errors == []
    assert index_problems(engine) == []
    groups = set(partition(engine).values())
    assert groups == {frozenset({f"crm:P{i}", f"shop:P{i}"}) for i in range(len(people))}


def in_thread(target: Any, *args: Any) -> tuple[threading.Thread, list[Any], list[BaseException]]:
    """Run ``target(*args)`` in a thread; its result and any error land in the two lists."""
    results: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(target(*args))
        except BaseException as exc:  # noqa: BLE001 - reported by the caller's assertion
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, results, errors


def test_resolve_full_beside_a_sync(
    engine: Engine, silos: dict[str, dict[str, Any]], sequential: dict[str, frozenset[str]]
) -> None:
    syncing, results, errors = in_thread(sync_all, engine, silos, IdentityResolver())
    full_runs = 0
    while syncing.is_alive() or full_runs == 0:
        resolve_full(engine)
        full_runs += 1
    syncing.join()
    assert errors == [] and [o.error for o in results[0] if not o.ok] == []
    assert full_runs > 1
    assert index_problems(engine) == []
    assert partition(engine) == sequential


def _party_ids(engine: Engine, source: str, keys: list[str]) -> list[int]:
    with Session(engine) as session:
        found = {key: rid for key, rid in session.execute(select(SourceRecord.source_key, SourceRecord.id).where(
            SourceRecord.source == source, SourceRecord.kind == "party", SourceRecord.source_key.in_(keys)))}
    return [found[key] for key in keys]


def test_a_steward_beside_a_sync(engine: Engine, silos: dict[str, dict[str, Any]]) -> None:
    """Merges and an unmerge while the other streams land: the steward's decisions hold, the index is whole."""
    assert all(o.ok for o in sync_all(engine, silos, IdentityResolver(), only={"boss.customers"}))
    with Session(engine) as session:
        keys = sorted(session.scalars(select(SourceRecord.source_key).where(
            SourceRecord.source == "boss", SourceRecord.kind == "party")))[:12]
    ids = _party_ids(engine, "boss", keys)
    pairs = [(ids[i], ids[i + 1]) for i in range(0, 10, 2)]
    rest = {f"{n}.{s.name}" for n, t in silos.items() for s in registry.build(n, t).streams()} - {"boss.customers"}
    syncing, results, errors = in_thread(sync_all, engine, silos, IdentityResolver(), rest)
    decided = 0
    while syncing.is_alive() or decided < len(pairs):
        left, right = pairs[decided % len(pairs)]
        with Session(engine) as session, session.begin():
            steward.merge(session, left, right, actor="steward1", reason="same person")
        if decided % len(pairs) == 0:
            with Session(engine) as session, session.begin():
                steward.unmerge(session, ids[11], actor="steward1")
        decided += 1
    syncing.join()
    assert errors == [] and [o.error for o in results[0] if not o.ok] == []
    goldens = golden_ids(engine)
    assert all(goldens[left] == goldens[right] for left, right in pairs)
    assert index_problems(engine) == []
    with Session(engine) as session:
        assert session.scalar(select(StewardDecision.id).where(StewardDecision.decision == "unmerge")) is not None
    settled = partition(engine)
    resolve_full(engine)  # the same decisions and records, resolved at once
    assert partition(engine) == settled


def _crm_copies(engine: Engine, path: Path) -> Path:
    """The landed BOSS customers as a generic JSONL file from another silo ("crm"): each matches its original."""
    lines = []
    with Session(engine) as session:
        for key, raw in session.execute(select(SourceRecord.source_key, SourceRecord.raw).where(
                SourceRecord.source == "boss", SourceRecord.kind == "party").order_by(SourceRecord.id)):
            line = {"source_key": f"crm-{key}", "kind": raw.get("party_type") or "person"}
            for field in ("name", "id_type", "id_number", "birth_date", "gender", "address", "emails"):
                if raw.get(field):
                    line[field] = raw[field]
            line["phones"] = [p["number"] if isinstance(p, dict) else p for p in raw.get("phones") or ()]
            lines.append(json.dumps(line, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_c360_import_beside_a_sync(
    engine: Engine, silos: dict[str, dict[str, Any]], fresh_database_url: Any, tmp_path: Path
) -> None:
    """``c360 import`` in a process of its own while the hub syncs: the index one writer after the other builds."""
    from c360.hub.transfer.party_jsonl import import_parties

    reference = new_engine(fresh_database_url)
    try:
        assert all(o.ok for o in sync_all(reference, silos, IdentityResolver()))
        copies = _crm_copies(reference, tmp_path / "crm.jsonl")
        import_parties(reference, copies, source="crm", page_size=20)
        expected = partition(reference)
    finally:
        reference.dispose()
    assert any(len({m.split(":", 1)[0] for m in group}) > 1 and any(m.startswith("crm:") for m in group)
               for group in expected.values())  # the copies join their originals' customers

    env = {**os.environ, "C360_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    importing = subprocess.Popen(
        [sys.executable, "-m", "c360", "import", str(copies), "--source", "crm", "--page-size", "20"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
    )
    try:
        outcomes = sync_all(engine, silos, IdentityResolver())
        out, err = importing.communicate(timeout=240)
    finally:
        if importing.poll() is None:
            importing.kill()
            importing.communicate()
    assert importing.returncode == 0, err
    assert [o.error for o in outcomes if not o.ok] == []
    assert index_problems(engine) == []
    assert partition(engine) == expected
