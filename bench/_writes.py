"""``recordContact`` against the bare SQL of the same writes (``bench/events.py --only writes``).

The hub runs as in production: ``C360_MODE=production c360 serve --workers 2`` on the bench
database. A load generator in this process (``bench/_http.py``: keep-alive connections, one request
at a time each) sends ``recordContact`` with a new idempotency key each time, for a fixed time,
at concurrency 1 and 8: mutations per second, latency percentiles, the server's CPU per mutation
(``/proc``: the ``c360 serve`` process and its workers) and the load generator's own. The
connections are spread evenly over the two workers (``_spread``), and a new server's first
seconds are not measured (``WARMUP_S``).

The floor is the same writes without the hub: the very statement the hub runs for a contact
(``c360.hub.events.pg_writes.contact_statement``, one statement in autocommit, with the write's
access-audit row as the hub stores it), from 1 and 8 threads,
one psycopg connection each. Its PostgreSQL CPU per event is read from ``/proc`` for the
connections' server processes (same machine). Every round runs the hub at c=1 and c=8, then the
floor at 1 and 8 threads, with the hub stopped, so neither takes CPU from the other.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
from _http import Connection, encode_request
from _load import _tree_cpu
from sqlalchemy.engine import make_url

from c360.hub.events.pg_writes import contact_statement
from c360.hub.events.writes import ContactWrite, WriteAudit
from c360.hub.models import utcnow

__all__ = ["measure_writes"]

RECORD = "mutation($input: RecordContactInput!) { recordContact(input: $input) { event { seq cursor } replayed } }"
OK_PREFIX = b'{"data":{"recordContact":{"event":{"seq":'
WARMUP_S = 8.0
FLOOR_AUDIT = WriteAudit(actor="bench-floor", operation="mutation:recordContact", detail={"caller_kind": "channel", "clear": False})


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _server_end(server_port: int, client_port: int) -> int | None:
    """The socket inode of the server's end of the loopback connection from ``client_port`` (``/proc/net/tcp``)."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1].split(":"), fields[2].split(":")
        if int(local[1], 16) == server_port and int(remote[1], 16) == client_port:
            return int(fields[9])
    return None


def _owner(pids: list[int], inode: int) -> int | None:
    """Which of ``pids`` holds the socket ``inode``."""
    wanted = f"socket:[{inode}]"
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                if os.readlink(fd) == wanted:
                    return pid
    return None


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class HubProcess:
    """``c360 serve`` in production mode in a child process, until the context ends."""

    def __init__(self, url: str, port: int, workers: int = 2) -> None:
        self.url, self.port, self.workers = url, port, workers
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> HubProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("C360_")}
        env |= {"C360_MODE": "production", "C360_DATABASE_URL": self.url, "C360_RATE_LIMIT": str(10**9), "C360_LOG_LEVEL": "WARNING"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "c360", "serve", "--workers", str(self.workers), "--port", str(self.port)],
            env=env, stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 90
        while True:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("c360 serve did not start")
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.5):
                    pass
                if len(self.worker_pids()) >= self.workers:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        time.sleep(1.0)  # the workers' start-up (pools, listeners) settles
        return self

    def worker_pids(self) -> list[int]:
        """The uvicorn workers (children started by multiprocessing's spawn, not its resource tracker)."""
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids = [int(pid) for pid in children.read_text().split()] if children.exists() else []
        return [pid for pid in pids if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]

    def cpu_seconds(self) -> float:
        assert self.process is not None
        return _tree_cpu(self.process.pid)

    def worker_cpu(self) -> dict[int, float]:
        return {pid: _cpu(pid) for pid in self.worker_pids()}

    def __exit__(self, *_exc: object) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


async def _spread(
    stack: contextlib.AsyncExitStack, host: str, port: int, concurrency: int, workers: list[int]
) -> list[Connection]:
    """``concurrency`` connections spread evenly over the server's worker processes.

    The workers share one listening socket and whichever accepts first gets the connection, so
    8 connections can all land on one of two workers (half the server idle). Each new connection
    is kept only while its worker has less than its share; which worker holds it is read from
    ``/proc`` (loopback, same machine). Gives up balancing after a few dozen tries.
    """
    share = -(-concurrency // max(len(workers), 1))
    held: dict[int, int] = {}
    kept: list[Connection] = []
    for _attempt in range(concurrency * 8):
        if len(kept) == concurrency:
            return kept
        connection = Connection(host, port)
        await connection.__aenter__()
        await connection.send(encode_request("GET", "/healthz", host, {}))  # accepted by now
        inode = _server_end(port, connection.local_port)
        owner = _owner(workers, inode) if inode is not None else None
        if owner is None or held.get(owner, 0) < share:
            held[owner or 0] = held.get(owner or 0, 0) + 1
            kept.append(connection)
            stack.push_async_exit(connection.__aexit__)
        else:
            await connection.__aexit__()
    while len(kept) < concurrency:  # could not balance: take what comes
        kept.append(await stack.enter_async_context(Connection(host, port)))
    return kept


async def _drive(
    port: int, credential: str | None, customers: list[str], concurrency: int, seconds: float, tag: str,
    workers: list[int],
) -> dict[str, Any]:
    """recordContact over ``concurrency`` keep-alive connections for ``seconds``; every answer checked."""
    host = "127.0.0.1"
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {credential}"} if credential else {})
    template = json.dumps({"query": RECORD, "variables": {"input": {
        "customer": {"id": "@ID@"}, "channel": "APP", "type": "INQUIRY", "occurredAt": "2024-05-01T09:30:00+00:00",
        "summary": "bench event @N@", "idempotencyKey": f"bench-{tag}-@N@"}}})
    latencies: list[float] = []
    failures: list[str] = []
    counter = iter(range(10**9))
    async with contextlib.AsyncExitStack() as stack:
        connections = await _spread(stack, host, port, concurrency, workers)
        deadline = time.perf_counter() + seconds

        async def worker(connection: Connection) -> None:
            while time.perf_counter() < deadline:
                n = next(counter)
                body = template.replace("@ID@", customers[n % len(customers)]).replace("@N@", str(n)).encode()
                request = encode_request("POST", "/graphql", host, headers, body)
                started = time.perf_counter()
                status, answer = await connection.send(request)
                latencies.append((time.perf_counter() - started) * 1000)
                if status != 200 or not answer.startswith(OK_PREFIX) or b'"replayed":false' not in answer:
                    failures.append(f"{status}: {answer[:200]!r}")

        began, own = time.perf_counter(), time.process_time()
        await asyncio.gather(*(worker(connection) for connection in connections))
        elapsed, own = time.perf_counter() - began, time.process_time() - own
    if failures:
        raise RuntimeError(f"{len(failures)} of {len(latencies)} mutations failed, e.g. {failures[0]}")
    return {
        "mutations": len(latencies),
        "per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(_percentile(latencies, 0.50), 2),
        "p90_ms": round(_percentile(latencies, 0.90), 2),
        "p99_ms": round(_percentile(latencies, 0.99), 2),
        "client_cpu_ms": round(own * 1000 / len(latencies), 3),
    }


def _hub_run(hub: HubProcess, credential: str | None, customers: list[str], concurrency: int, seconds: float) -> dict[str, Any]:
    pids = hub.worker_pids()
    asyncio.run(_drive(hub.port, credential, customers, concurrency, 1.0, f"warm-{uuid.uuid4().hex[:8]}", pids))
    load = os.getloadavg()[0]
    cpu, workers = hub.cpu_seconds(), hub.worker_cpu()
    result = asyncio.run(_drive(hub.port, credential, customers, concurrency, seconds, uuid.uuid4().hex[:12], pids))
    spent = hub.cpu_seconds() - cpu
    shares = sorted((hub.worker_cpu().get(pid, 0.0) - before for pid, before in workers.items()), reverse=True)
    return {
        "what": "c360", "concurrency": concurrency, **result,
        "server_cpu_ms": round(spent * 1000 / result["mutations"], 3),
        "worker_cpu_split": [round(share / max(sum(shares), 1e-9), 2) for share in shares],
        "load_before": round(load, 2),
    }


def _floor_run(url: str, customers: list[str], threads: int, seconds: float) -> dict[str, Any]:
    """The hub's contact statement as bare SQL: ``threads`` connections, each one statement at a time."""
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    tag = uuid.uuid4().hex[:12]
    latencies: list[list[float]] = []
    backend_cpu: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(threads + 1)
    stop_at: list[float] = []

    def work(index: int) -> None:
        mine: list[float] = []
        with psycopg.connect(conninfo, autocommit=True) as connection:
            backend = connection.execute("SELECT pg_backend_pid()").fetchone()[0]  # type: ignore[index]
            start.wait()
            cpu = _cpu(backend)
            n = 0
            while time.perf_counter() < stop_at[0]:
                n += 1
                write = ContactWrite(
                    golden_id=customers[(index * 7919 + n) % len(customers)], channel="app", type="inquiry",
                    occurred_at=utcnow(), direction="inbound", agent=None, summary=f"floor event {n}", outcome=None,
                    phone=None, service_request_id=None, opens_request=False, recorded_by="bench-floor",
                    idempotency_key=f"floor-{tag}-{index}-{n}", request_hash="0" * 64, audit=FLOOR_AUDIT,
                )
                statement, params = contact_statement(write)
                began = time.perf_counter()
                row = connection.execute(statement, params).fetchone()
                mine.append((time.perf_counter() - began) * 1000)
                if row is None or row[0] is None:
                    raise RuntimeError("the floor's statement wrote nothing")
            spent = _cpu(backend) - cpu
        with lock:
            latencies.append(mine)
            backend_cpu.append(spent)

    workers = [threading.Thread(target=work, args=(index,)) for index in range(threads)]
    for thread in workers:
        thread.start()
    load = os.getloadavg()[0]
    stop_at.append(time.perf_counter() + 0.5 + seconds)
    start.wait()
    began = time.perf_counter()
    for thread in workers:
        thread.join()
    elapsed = time.perf_counter() - began
    every = [value for part in latencies for value in part]
    return {
        "what": "floor", "threads": threads, "events": len(every), "per_s": round(len(every) / elapsed, 1),
        "p50_ms": round(_percentile(every, 0.50), 2), "p99_ms": round(_percentile(every, 0.99), 2),
        "postgres_cpu_ms": round(sum(backend_cpu) * 1000 / len(every), 3), "load_before": round(load, 2),
    }


def measure_writes(url: str, credential: str | None, customers: list[str], *, port: int, seconds: float, rounds: int) -> list[dict[str, Any]]:
    """Interleaved rounds: the hub at c=1 and c=8, then the floor at 1 and 8 threads. Prints each figure as it comes."""
    results: list[dict[str, Any]] = []
    for round_ in range(1, rounds + 1):
        with HubProcess(url, port) as hub:
            # A new process's first seconds cost more (connections opened, statements prepared, caches
            # filled): not measured.
            asyncio.run(_drive(hub.port, credential, customers, 8, WARMUP_S, f"warm-{uuid.uuid4().hex[:8]}", hub.worker_pids()))
            for concurrency in (1, 8):
                results.append({"round": round_, **_hub_run(hub, credential, customers, concurrency, seconds)})
                print(json.dumps(results[-1]), flush=True)
        for threads in (1, 8):
            results.append({"round": round_, **_floor_run(url, customers, threads, seconds)})
            print(json.dumps(results[-1]), flush=True)
    return results


def summary(results: list[dict[str, Any]]) -> list[str]:
    """Medians over the rounds, and the hub's share of the floor at 8 (per round, then the median)."""
    lines = []

    def median(rows: list[dict[str, Any]], key: str) -> float:
        return round(statistics.median(row[key] for row in rows), 2)

    for concurrency in (1, 8):
        rows = [r for r in results if r["what"] == "c360" and r["concurrency"] == concurrency]
        lines.append(
            f"c360 recordContact c={concurrency}: {median(rows, 'per_s')}/s, p50 {median(rows, 'p50_ms')} ms, "
            f"p90 {median(rows, 'p90_ms')} ms, p99 {median(rows, 'p99_ms')} ms, server CPU {median(rows, 'server_cpu_ms')} ms "
            f"per mutation (load generator {median(rows, 'client_cpu_ms')} ms)"
        )
    for threads in (1, 8):
        rows = [r for r in results if r["what"] == "floor" and r["threads"] == threads]
        lines.append(
            f"floor, same writes as bare SQL, {threads} thread(s): {median(rows, 'per_s')}/s, p50 {median(rows, 'p50_ms')} ms, "
            f"p99 {median(rows, 'p99_ms')} ms, PostgreSQL CPU {median(rows, 'postgres_cpu_ms')} ms per event"
        )
    ratios = []
    for round_ in sorted({r["round"] for r in results}):
        hub = [r for r in results if r["round"] == round_ and r["what"] == "c360" and r["concurrency"] == 8]
        floor = [r for r in results if r["round"] == round_ and r["what"] == "floor" and r["threads"] == 8]
        if hub and floor:
            ratios.append(hub[0]["per_s"] / floor[0]["per_s"])
    if ratios:
        lines.append(
            f"c360 at c=8 / floor at 8 threads: {statistics.median(ratios):.2f} (rounds: {', '.join(f'{r:.2f}' for r in ratios)})"
        )
    return lines
