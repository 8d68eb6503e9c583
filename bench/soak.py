"""Soak: the whole hub under steady mixed load for a long time — does memory drift, is any event lost?

    python bench/soak.py                                   # 30 minutes on SQLite, in a scratch folder
    python bench/soak.py --minutes 30 --database-url postgresql://postgres@127.0.0.1:5432/c360_soak

``c360 demo`` runs in a scratch folder on the given database (simulated silos that keep changing, the
scheduler syncing every stream every 30 s), and ``c360 serve`` beside it on the same database, as a
second shell would start it. The load goes to ``c360 serve``, so its memory is the API's alone (the
demo's process also holds the silos, whose data grows as they change). For ``--minutes``:

* ``--concurrency`` clients (8) in a loop: three reads of a random customer's 360 view for each
  ``recordContact`` (a fresh idempotency key each);
* ``--subscribers`` WebSocket subscribers (50) of ``contactEvents`` from the log's end at the start,
  in a child process so receiving does not slow the clients.

Every minute it prints requests/s, p50 and p99 latency, errors, and the resident memory of the API
process and of the demo's. At the end: the API's RSS drift (last minute against the second, the first
being warm-up),
and per subscriber the events lost and duplicated against the event log as the database holds it
(both must be 0), and acknowledged contacts missing from the log (must be 0).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402
import websockets  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench._scratch import scratch_database  # noqa: E402
from c360.hub.db import create_db_engine  # noqa: E402
from c360.hub.models import EventLogEntry, GoldenCustomer  # noqa: E402
from c360.schema.feed import CONTACT_FEED_TYPES  # noqa: E402

SCOPES = ("customer:read", "customer:lookup", "customer:search", "contact:write", "events:read", "events:subscribe")
VIEW = """query($id: ID!) { customer(id: $id) { id displayName profile { name value } identifiers { nodes { type value } }
  subscriptions { nodes { msisdn status } } bills(first: 6) { nodes { period amount } } balance { balance arrears }
  contacts(first: 10) { nodes { type occurredAt } } serviceRequests(first: 5) { nodes { status } } accountManager { name } } }"""
RECORD = "mutation($input: RecordContactInput!) { recordContact(input: $input) { event { seq cursor } } }"
SUBSCRIBE = "subscription($after: String) { contactEvents(after: $after) { seq } }"
READS_PER_WRITE = 3


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _tree_rss_mib(root: int) -> float:
    """Resident memory of ``root`` and all its descendants (the demo runs its silos beside the API)."""
    children: dict[int, list[int]] = collections.defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                children[int(fields[1])].append(int(entry.name))
            except (OSError, IndexError):
                continue
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, ()))
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


class Demo:
    """``c360 demo`` in a scratch folder, on ``database_url``."""

    def __init__(self, folder: Path, database_url: str, size: int) -> None:
        self.folder, self.database_url = folder, database_url
        self.port = _free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("C360_")} | {"C360_DATABASE_URL": database_url,
                                                                                          "C360_RATE_LIMIT": "100000000"}
        self.log = (folder / "demo.log").open("w+", encoding="utf-8")
        self.process = subprocess.Popen([sys.executable, "-m", "c360", "demo", "--size", str(size), "--port", str(self.port)],
                                        cwd=folder, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)  # fmt: skip
        deadline = time.monotonic() + 900
        while "Uvicorn running" not in (folder / "demo.log").read_text(encoding="utf-8"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("c360 demo did not start:\n" + (folder / "demo.log").read_text(encoding="utf-8")[-3000:])
            time.sleep(0.5)
        created = subprocess.run([sys.executable, "-m", "c360", "keys", "create", "soak", *[a for s in SCOPES for a in ("--scope", s)]],
                                 cwd=folder, env=self.env, capture_output=True, text=True, check=True).stdout  # fmt: skip
        found = re.search(r"(c360k_\S+)", created)
        assert found, created
        self.key = found.group(1)
        self.api_port = _free_port()
        self.api_log = (folder / "serve.log").open("w", encoding="utf-8")
        self.api = subprocess.Popen([sys.executable, "-m", "c360", "serve", "--workers", "1", "--port", str(self.api_port)],
                                    cwd=folder, env=self.env, stdout=self.api_log, stderr=subprocess.STDOUT)  # fmt: skip
        self.base = f"http://127.0.0.1:{self.api_port}"
        while True:
            try:
                httpx.get(self.base + "/healthz", timeout=1)
                break
            except httpx.HTTPError:
                if self.api.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("c360 serve did not start:\n" + (folder / "serve.log").read_text(encoding="utf-8")[-3000:]) from None
                time.sleep(0.2)

    def stop(self) -> None:
        for process in (self.api, self.process):
            process.send_signal(2)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
        self.api_log.close()
        self.log.close()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _subscriber(ws_url: str, key: str, after: str, received: list[int], ready: asyncio.Event) -> None:
    async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"], ping_interval=None, max_queue=None) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {key}"}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE, "variables": {"after": after}}}))
        ready.set()
        async for raw in ws:
            message = json.loads(raw)
            if message["type"] == "next":
                received.append(message["payload"]["data"]["contactEvents"]["seq"])
            elif message["type"] in ("error", "complete"):
                raise RuntimeError(str(message)[:300])


async def subscriber_process(ws_url: str, key: str, after: str, count: int) -> None:
    """Child mode: ``count`` subscribers until a line on stdin, then one JSON line: each one's seqs in order received."""
    got: list[list[int]] = [[] for _ in range(count)]
    readies = [asyncio.Event() for _ in range(count)]
    tasks = [asyncio.create_task(_subscriber(ws_url, key, after, got[i], readies[i])) for i in range(count)]
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 120)
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    failed = [repr(t.exception())[:200] for t in tasks if t.done() and t.exception()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    print(json.dumps({"received": got, "failed": failed}), flush=True)
    os._exit(0)


class Minute:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors = 0


async def _client(http: httpx.AsyncClient, customers: list[str], until: float, started: float, minutes: dict[int, Minute],
                  acked: list[int], counter: collections.Counter[str]) -> None:  # fmt: skip
    rng = random.Random()
    while time.monotonic() < until:
        write = rng.random() < 1 / (READS_PER_WRITE + 1)
        customer = rng.choice(customers)
        if write:
            counter["writes"] += 1
            body = {"query": RECORD, "variables": {"input": {
                "customer": {"id": customer}, "channel": "APP", "type": "INQUIRY", "occurredAt": "2024-05-01T09:30:00+00:00",
                "summary": "soak", "idempotencyKey": f"soak-{os.getpid()}-{counter['writes']}-{rng.random()}"}}}
        else:
            body = {"query": VIEW, "variables": {"id": customer}}
        began = time.monotonic()
        minute = minutes.setdefault(int((began - started) // 60), Minute())
        try:
            response = await http.post("/graphql", json=body)
            answer = response.json()
        except (httpx.HTTPError, ValueError):
            minute.errors += 1
            continue
        minute.latencies.append((time.monotonic() - began) * 1000)
        if answer.get("errors") or response.status_code != 200:
            minute.errors += 1
        elif write:
            acked.append(answer["data"]["recordContact"]["event"]["seq"])


def _sample_customers(database_url: str, count: int) -> list[str]:
    engine = create_db_engine(database_url)
    try:
        with Session(engine) as session:
            return list(session.scalars(select(GoldenCustomer.id).where(GoldenCustomer.status == "active").limit(count)))
    finally:
        engine.dispose()


def _log_seqs(database_url: str, after: int) -> list[int]:
    engine = create_db_engine(database_url)
    try:
        with Session(engine) as session:
            return list(session.scalars(select(EventLogEntry.seq).where(EventLogEntry.seq > after,
                                                                        EventLogEntry.type.in_(CONTACT_FEED_TYPES))))  # fmt: skip
    finally:
        engine.dispose()


async def soak(demo: Demo, args: argparse.Namespace) -> dict[str, Any]:
    customers = _sample_customers(demo.database_url, 2000)
    headers = {"Authorization": f"Bearer {demo.key}"}
    limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
    async with httpx.AsyncClient(base_url=demo.base, headers=headers, timeout=60, limits=limits) as http:
        first = (await http.post("/graphql", json={"query": RECORD, "variables": {"input": {
            "customer": {"id": customers[0]}, "channel": "APP", "type": "INQUIRY", "occurredAt": "2024-05-01T09:30:00+00:00",
            "summary": "soak start"}}})).json()["data"]["recordContact"]["event"]  # fmt: skip
        child = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--subscriber-process", demo.base.replace("http", "ws") + "/graphql", demo.key, first["cursor"],
            str(args.subscribers), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=2**28,
        )  # fmt: skip
        assert child.stdout is not None and child.stdin is not None
        if (await asyncio.wait_for(child.stdout.readline(), 180)).strip() != b"ready":
            raise SystemExit("the subscribers did not start")
        minutes: dict[int, Minute] = {}
        rss: dict[int, list[float]] = collections.defaultdict(list)  # the API process
        demo_rss: dict[int, list[float]] = collections.defaultdict(list)  # silos, scheduler and the demo's own API
        acked: list[int] = []
        counter: collections.Counter[str] = collections.Counter()
        started = time.monotonic()
        until = started + args.minutes * 60
        clients = [asyncio.create_task(_client(http, customers, until, started, minutes, acked, counter)) for _ in range(args.concurrency)]
        printed = 0
        print("minute  req/s   p50 ms   p99 ms  errors  API RSS MiB  demo RSS MiB", flush=True)
        while time.monotonic() < until:
            await asyncio.sleep(5)
            now = int((time.monotonic() - started) // 60)
            rss[now].append(_tree_rss_mib(demo.api.pid))
            demo_rss[now].append(_tree_rss_mib(demo.process.pid))
            while printed < now:
                done = minutes.get(printed, Minute())
                memory = rss.get(printed) or [float("nan")]
                other = demo_rss.get(printed) or [float("nan")]
                print(f"{printed + 1:>6} {len(done.latencies) / 60:>6.0f} {_percentile(done.latencies, 0.5):>8.1f} "
                      f"{_percentile(done.latencies, 0.99):>8.1f} {done.errors:>7} {sum(memory) / len(memory):>12.0f}"
                      f" {sum(other) / len(other):>13.0f}", flush=True)  # fmt: skip
                printed += 1
        await asyncio.gather(*clients)
    await asyncio.sleep(5)  # deliveries in flight
    child.stdin.write(b"stop\n")
    await child.stdin.drain()
    result = json.loads(await asyncio.wait_for(child.stdout.readline(), 300))
    await child.wait()
    expected = set(_log_seqs(demo.database_url, first["seq"]))
    per_subscriber = []
    for seqs in result["received"]:
        counts = collections.Counter(seqs)
        per_subscriber.append({"lost": len(expected - set(counts)), "duplicated": sum(1 for n in counts.values() if n > 1),
                               "out_of_order": sum(1 for a, b in zip(seqs, seqs[1:], strict=False) if b <= a)})  # fmt: skip
    full = [m for m in sorted(rss) if m < args.minutes]
    base = rss[full[1]] if len(full) > 2 else rss[full[0]]
    last = rss[full[-1]]
    drift = (sum(last) / len(last)) / (sum(base) / len(base)) - 1
    return {
        "minutes": args.minutes, "concurrency": args.concurrency, "subscribers": args.subscribers,
        "requests": sum(len(m.latencies) for m in minutes.values()), "errors": sum(m.errors for m in minutes.values()),
        "acknowledged_contacts": len(acked), "acknowledged_missing_from_log": len(set(acked) - expected),
        "events_in_log": len(expected), "subscribers_failed": result["failed"],
        "lost_max": max(s["lost"] for s in per_subscriber), "duplicated_max": max(s["duplicated"] for s in per_subscriber),
        "out_of_order_max": max(s["out_of_order"] for s in per_subscriber),
        "api_rss_mib_second_minute": round(sum(base) / len(base)), "api_rss_mib_last_minute": round(sum(last) / len(last)),
        "api_rss_drift_pct": round(drift * 100, 2),
        "demo_rss_mib_second_minute": round(_mean(demo_rss[full[1] if len(full) > 2 else full[0]])),
        "demo_rss_mib_last_minute": round(_mean(demo_rss[full[-1]])),
        "p99_ms_per_minute": [round(_percentile(minutes[m].latencies, 0.99), 1) for m in sorted(minutes) if m < args.minutes],
    }  # fmt: skip


def main() -> None:
    if sys.argv[1:2] == ["--subscriber-process"]:
        ws_url, key, after, count = sys.argv[2:6]
        asyncio.run(subscriber_process(ws_url, key, after, int(count)))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--subscribers", type=int, default=50)
    parser.add_argument("--size", type=int, default=2000, help="simulated customers of the demo")
    parser.add_argument("--database-url", default=None, help="PostgreSQL server URL (a scratch database is made); default SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="c360-soak-") as scratch:
        folder = Path(scratch)
        with scratch_database(args.database_url, prefix="soak") as database_url:
            demo = Demo(folder, database_url, args.size)
            try:
                summary = asyncio.run(soak(demo, args))
            finally:
                demo.stop()
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
