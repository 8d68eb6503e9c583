"""Bench data shared by the API benchmarks: a master index loaded by a full sync of the simulated silos.

    python bench/_load.py --size 100000                       # SQLite under .c360/bench/
    python bench/_load.py --size 100000 --database-url postgresql://postgres@127.0.0.1:5432/c360_bench

Built once and reused: a SQLite file ``.c360/bench/c360-<size>.db`` (or the named PostgreSQL
database, created if missing) counts as ready when it holds the marker row written last. One
customer then gets a long history (``LONG_HISTORY`` contacts, orders, bills, payments and service
requests) written straight through the models, so the 360 query can be timed on a heavy customer too.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from c360.hub.db import create_db_engine, is_postgres  # noqa: E402
from c360.hub.db.migrate import upgrade  # noqa: E402
from c360.hub.models import (  # noqa: E402
    Bill,
    Contact,
    GoldenCustomer,
    Order,
    Payment,
    ServiceRequest,
    ServiceRequestStatus,
    SourceRecord,
)
from c360.hub.models.golden import GOLDEN_ACTIVE  # noqa: E402

__all__ = ["DATA_DIR", "ensure_bench_database", "sample_customers", "LONG_HISTORY"]

DATA_DIR = Path(".c360") / "bench"
LONG_HISTORY = 2000  # rows per list kind for the heavy customer
MARKER_SOURCE = "bench"  # a source_record (source 'bench', kind 'marker') says the load finished


def default_url(size: int) -> str:
    return f"sqlite:///{DATA_DIR / f'c360-{size}.db'}"


def _ensure_pg_database(url: str) -> None:
    name = make_url(url).database
    admin = create_engine(make_url(url).set(drivername="postgresql+psycopg", database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}) is None:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def _ready(url: str) -> str | None:
    """The heavy customer's id when the database is fully loaded, else None."""
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            row = connection.execute(
                select(SourceRecord.source_key).where(SourceRecord.source == MARKER_SOURCE, SourceRecord.kind == "marker")
            ).first()
            return row[0] if row else None
    except Exception:  # no tables yet
        return None
    finally:
        engine.dispose()


def _sync(url: str, size: int, seed: int) -> None:
    from c360.connectors import registry
    from c360.hub.identity.resolver import IdentityResolver
    from c360.silos import build
    from c360.silos.run import DEFAULT_API_KEY, SiloServers
    from c360.sync import run_stream

    silos_dir = Path(".c360") / f"bench-silos-{size}-{seed}"
    build(silos_dir, size, seed)
    os.environ["C360_BOSS_API_KEY"] = os.environ["C360_KEYACCOUNT_API_KEY"] = DEFAULT_API_KEY
    engine = create_db_engine(url)
    with SiloServers(silos_dir) as servers:
        tables = registry.demo_connectors_config(
            boss_url=servers.boss_url, keyaccount_url=servers.keyaccount_url, billing_dsn=servers.billing_dsn,
            callcenter_dir=servers.callcenter_dir, bi_dir=servers.bi_dir,
        )
        resolver = IdentityResolver()
        for name, table in tables.items():
            connector = registry.build(name, table)
            started = time.perf_counter()
            try:
                for stream in connector.streams():
                    outcome = run_stream(engine, name, stream, full=True, handler=resolver)
                    if not outcome.ok:
                        print(f"  {name}.{stream.name} failed: {outcome.error}", flush=True)
            finally:
                connector.close()
            print(f"  synced {name} in {time.perf_counter() - started:.0f}s", flush=True)
    engine.dispose()


def _long_history(url: str) -> str:
    """Give one active customer LONG_HISTORY rows of each busy list; returns its id."""
    engine = create_db_engine(url)
    base = datetime(2020, 1, 1, tzinfo=UTC)
    with Session(engine) as session, session.begin():
        golden_id = session.scalar(
            select(GoldenCustomer.id).where(GoldenCustomer.status == GOLDEN_ACTIVE).order_by(GoldenCustomer.id).limit(1)
        )
        assert golden_id is not None, "no active customer after the sync"
        common = {"party_source": "golden", "party_key": golden_id, "golden_id": golden_id}
        for i in range(LONG_HISTORY):
            at = base + timedelta(hours=i)
            record = SourceRecord(source="bench", kind="history", source_key=f"{golden_id}-{i}", raw={}, normalized={},
                                  content_hash="0" * 64)
            session.add(record)
            session.flush()
            key = f"bench-{golden_id}-{i}"
            session.add_all([
                Contact(source="bench", source_key=key, source_record_id=record.id, channel="call_center", direction="inbound",
                        type="inquiry", occurred_at=at, agent="a1", summary=f"call {i}", phone="13800138000", **common),
                Order(source="bench", source_key=key, source_record_id=record.id, order_type="change", status="done",
                      channel="app", amount=Decimal("9.90"), created_at=at, **common),
                Bill(source="bench", source_key=key, source_record_id=record.id, account_key="acc",
                     period=f"{1900 + i // 12:04d}-{i % 12 + 1:02d}", amount=Decimal("59.00"), status="paid", **common),
                Payment(source="bench", source_key=key, source_record_id=record.id, account_key="acc", amount=Decimal("59.00"),
                        method="wechat", paid_at=at, **common),
                ServiceRequest(source="bench", source_key=key, source_record_id=record.id, type="complaint",
                               channel="call_center", status="closed", summary="slow", opened_at=at, **common),
                ServiceRequestStatus(source="bench", request_key=key, status="open", changed_at=at, source_record_id=record.id),
                ServiceRequestStatus(source="bench", request_key=key, status="closed", changed_at=at + timedelta(minutes=30),
                                     source_record_id=record.id),
            ])
        session.add(SourceRecord(source=MARKER_SOURCE, kind="marker", source_key=golden_id, raw={}, normalized={},
                                 content_hash="0" * 64))
    engine.dispose()
    return golden_id


def ensure_bench_database(size: int, url: str | None = None, seed: int = 42) -> tuple[str, str]:
    """(database url, heavy customer id); loads the database on first use."""
    url = url or default_url(size)
    if is_postgres(url):
        _ensure_pg_database(url)
    else:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
    heavy = _ready(url)
    if heavy is not None:
        return url, heavy
    started = time.perf_counter()
    print(f"loading {size} simulated customers into {make_url(url).render_as_string(hide_password=True)} ...", flush=True)
    upgrade(url)
    _sync(url, size, seed)
    heavy = _long_history(url)
    print(f"loaded in {time.perf_counter() - started:.0f}s", flush=True)
    return url, heavy


def sample_customers(url: str, count: int, seed: int = 7) -> list[str]:
    """``count`` random active golden ids (deterministic for a seed)."""
    engine = create_db_engine(url)
    with engine.connect() as connection:
        total = connection.scalar(select(func.count()).select_from(GoldenCustomer).where(GoldenCustomer.status == GOLDEN_ACTIVE))
        ids = list(connection.scalars(select(GoldenCustomer.id).where(GoldenCustomer.status == GOLDEN_ACTIVE).order_by(
            func.random()).limit(count))) if is_postgres(url) else None
        if ids is None:
            import random

            rng = random.Random(seed)
            offsets = sorted(rng.sample(range(total or 1), min(count, total or 1)))
            ids = [connection.scalar(select(GoldenCustomer.id).where(GoldenCustomer.status == GOLDEN_ACTIVE)
                                     .order_by(GoldenCustomer.id).offset(o).limit(1)) for o in offsets]
    engine.dispose()
    return [i for i in ids if i]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url, heavy = ensure_bench_database(args.size, args.database_url)
    print(f"ready: {url} (long-history customer {heavy})")


if __name__ == "__main__":
    main()


# --- serving the hub for a benchmark -----------------------------------------------------------

STATS_PATH = "/bench/stats"


AUDIT_OFF_ENV = "C360_BENCH_AUDIT_OFF"  # bench only: skip the audit insert, to measure what it costs
STATS_DIR_ENV = "C360_BENCH_STATS_DIR"  # with several workers: each writes its count to a file here
URL_ENV = "C360_BENCH_URL"


def bench_app(url: str):  # type: ignore[no-untyped-def]
    """The hub's real ASGI app, plus ``GET /bench/stats``: SQL statements run by the server so far, and
    which worker process answered (``worker``, its pid: a load generator can spread its connections).

    With several worker processes each keeps its count in a file under ``$C360_BENCH_STATS_DIR``
    (one 8-byte slot per process) and the stats answer sums them, whichever worker serves it.
    """
    from sqlalchemy import event

    from c360.app.factory import create_app
    from c360.config import Settings
    from c360.hub.db import create_async_db_engine

    engine = create_async_db_engine(url)
    counted = {"statements": 0}
    stats_dir = os.environ.get(STATS_DIR_ENV)
    slot = os.open(os.path.join(stats_dir, str(os.getpid())), os.O_RDWR | os.O_CREAT, 0o600) if stats_dir else None

    def count(*_args: object) -> None:
        counted["statements"] += 1
        if slot is not None:
            os.pwrite(slot, counted["statements"].to_bytes(8, "little"), 0)

    def total() -> int:
        if stats_dir is None:
            return counted["statements"]
        found = 0
        for name in os.listdir(stats_dir):
            with open(os.path.join(stats_dir, name), "rb") as f:
                found += int.from_bytes(f.read(8) or b"\0", "little")
        return found

    if os.environ.get(AUDIT_OFF_ENV) == "1":
        from c360.schema.audit_ext import AuditTrail

        async def skip_audit(_sessions: object, _rows: object) -> None:
            return None

        AuditTrail.write = staticmethod(skip_audit)  # type: ignore[method-assign]
    settings = Settings(database_url=url)
    if hasattr(settings, "auth") and hasattr(settings.auth, "rate_limit_per_minute"):  # access control: no per-caller cap
        import dataclasses

        # Served as an operator serves it (C360_MODE=production), with no per-caller cap.
        auth = dataclasses.replace(settings.auth, rate_limit_per_minute=10**9, mode="production")
        settings = dataclasses.replace(settings, auth=auth)
    app = create_app(settings, engine=engine)
    for counted_engine in (engine, app.state.read_engine):
        event.listen(counted_engine.sync_engine, "before_cursor_execute", count)

    async def with_stats(scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] == "http" and scope["path"] == STATS_PATH:
            import json

            body = json.dumps({"statements": total(), "worker": os.getpid()}).encode()
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)

    with_stats.hub = app  # type: ignore[attr-defined]  # (bench/cpu_360.py starts its audit writer)
    return with_stats


def bench_app_from_env():  # type: ignore[no-untyped-def]
    """:func:`bench_app` for uvicorn's worker processes (``factory=True``): the URL comes from the environment."""
    return bench_app(os.environ[URL_ENV])


def bench_credential(url: str, name: str, scopes: set[str]) -> str | None:
    """An API key with ``scopes`` when the hub has access control, else None (anonymous)."""
    try:
        from c360.hub.auth.keys import create_key
    except ImportError:
        return None
    engine = create_db_engine(url)
    try:
        return create_key(engine, name, scopes, actor="bench").key
    finally:
        engine.dispose()


class BenchServer:
    """``uvicorn`` serving :func:`bench_app` in a child process, until the context ends."""

    def __init__(self, url: str, port: int, env: dict[str, str] | None = None, workers: int = 1) -> None:
        self.url, self.port, self.env, self.workers = url, port, env or {}, workers
        self.base = f"http://127.0.0.1:{port}"
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> BenchServer:
        self._stats = tempfile.TemporaryDirectory(prefix="c360-bench-stats-")
        # Served as `c360 serve` serves (c360.app.server.serve_workers): with several workers, each has
        # its own socket and the kernel spreads the connections.
        options = "dict(log_level='warning', access_log=False, ws='websockets-sansio', ws_per_message_deflate=False, lifespan='on')"
        code = (
            "import sys, uvicorn; sys.path.insert(0, 'bench'); sys.path.insert(0, '.');"
            "from c360.app.server import serve_workers;"
            f"serve_workers('_load:bench_app_from_env', '127.0.0.1', {self.port}, {self.workers}, {options})"
            if self.workers > 1
            else "import sys, uvicorn; sys.path.insert(0, 'bench'); sys.path.insert(0, '.');"
            f"uvicorn.run('_load:bench_app_from_env', factory=True, host='127.0.0.1', port={self.port}, log_level='warning',"
            " access_log=False, ws='websockets-sansio', ws_per_message_deflate=False)"
        )
        env = {**os.environ, **self.env, URL_ENV: self.url, STATS_DIR_ENV: self._stats.name}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path("bench").resolve()), str(Path(".").resolve()), env.get("PYTHONPATH")]))
        self._process = subprocess.Popen([sys.executable, "-c", code], env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.base}/healthz", timeout=1).read()
                return self
            except OSError:
                if self._process.poll() is not None:
                    raise RuntimeError("bench server exited") from None
                time.sleep(0.2)
        raise RuntimeError("bench server did not start")

    def cpu_seconds(self) -> float | None:
        """CPU time (user + system) the server's processes have used so far; None off Linux.

        Read from ``/proc`` for the uvicorn process and its workers, so a benchmark can report the
        server's CPU per request apart from the load generator's and from other work on the machine.
        """
        if self._process is None or not Path("/proc").is_dir():
            return None
        return _tree_cpu(self._process.pid)

    def __exit__(self, *_exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(20)
            self._stats.cleanup()


def _tree_cpu(pid: int) -> float:
    tick = os.sysconf("SC_CLK_TCK")
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        own = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    children = Path(f"/proc/{pid}/task/{pid}/children")
    kids = [int(child) for child in children.read_text().split()] if children.exists() else []
    return own + sum(_tree_cpu(child) for child in kids)
