"""Contact events: what ``recordContact`` costs against the bare SQL of the same writes, and the latency
from ``recordContact`` to subscriber delivery.

    python bench/events.py --database-url postgresql://postgres@127.0.0.1:5432/c360_bench   # both parts
    python bench/events.py --database-url postgresql://... --only writes --seconds 15 --rounds 3
    python bench/events.py --only delivery                  # SQLite bench database (see bench/_load.py)

Writes (PostgreSQL; ``bench/_writes.py``): ``c360 serve`` in production mode with 2 workers,
recordContact at concurrency 1 and 8 (mutations/s, latency percentiles, the server's CPU per
mutation), the floor (the hub's own statement for a contact as bare SQL from 1 and 8 threads), and
the ratio of the two at 8; in interleaved rounds.

Delivery:
The hub runs under uvicorn in a child process. 1 and then 100 subscribers
connect over real WebSockets (graphql-transport-ws, the ``websockets``
package directly) and subscribe after the log's current end. ``--warmup`` events are recorded first
and reported apart (``warmup_max_ms``: the first events after 100 subscriptions
start pay one-time costs). Events are then recorded one at a time at ``--rate``
per second over HTTP; a delivery's
latency is from sending the mutation to that subscriber receiving the event.
Last, ``--burst`` events are recorded by 8 concurrent writers with every
subscriber still connected: events accepted per second. Server, writer and
subscribers run in three processes (the subscribers in a child of this one,
so receiving 100 streams does not delay the writer's clock; both stamp times
with the system-wide monotonic clock). Figures: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx  # noqa: E402
import websockets  # noqa: E402
from _load import DATA_DIR, BenchServer, bench_credential, ensure_bench_database, sample_customers  # noqa: E402
from _writes import measure_writes, summary  # noqa: E402

from c360.hub.db import is_postgres  # noqa: E402
from c360.hub.db.migrate import upgrade  # noqa: E402

SUBSCRIBE = "subscription($after: String) { contactEvents(after: $after) { seq } }"
RECORD = "mutation($input: RecordContactInput!) { recordContact(input: $input) { event { seq cursor } } }"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class Subscriber:
    def __init__(self) -> None:
        self.received: dict[int, float] = {}  # seq -> perf_counter at receipt
        self.ready = asyncio.Event()

    async def run(self, ws_url: str, credential: str | None, after: str) -> None:
        async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"], ping_interval=None, max_queue=None) as ws:
            payload = {"authorization": f"Bearer {credential}"} if credential else {}
            await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE, "variables": {"after": after}}}))
            self.ready.set()
            async for raw in ws:
                message = json.loads(raw)
                if message["type"] == "next":
                    self.received[message["payload"]["data"]["contactEvents"]["seq"]] = time.monotonic()  # system-wide clock: compared with the writer process
                elif message["type"] in ("error", "complete"):
                    raise RuntimeError(str(message)[:300])


def contact(customer_id: str, i: int) -> dict[str, Any]:
    return {"input": {"customer": {"id": customer_id}, "channel": "APP", "type": "INQUIRY",
                      "occurredAt": "2024-05-01T09:30:00+00:00", "summary": f"bench event {i}"}}


async def record(client: httpx.AsyncClient, customer_id: str, i: int) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": RECORD, "variables": contact(customer_id, i)})
    body = response.json()
    if body.get("errors"):
        raise RuntimeError(str(body["errors"])[:300])
    return body["data"]["recordContact"]["event"]  # type: ignore[no-any-return]


async def subscriber_process(ws_url: str, credential: str | None, after: str, count: int, total: int) -> None:
    """Child mode: ``count`` subscribers; prints ``ready``, then (after every one got ``total`` events, or
    ``stop`` on stdin) one JSON line: per subscriber, seq -> monotonic receipt time."""
    subs = [Subscriber() for _ in range(count)]
    tasks = [asyncio.create_task(sub.run(ws_url, credential, after)) for sub in subs]
    await asyncio.wait_for(asyncio.gather(*(sub.ready.wait() for sub in subs)), 60)
    print("ready", flush=True)
    stop = asyncio.ensure_future(asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline))
    while not stop.done() and any(len(sub.received) < total for sub in subs):
        await asyncio.sleep(0.1)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    print(json.dumps([sub.received for sub in subs]), flush=True)
    os._exit(0)  # the stdin reader thread may still be blocked


async def scenario(server: BenchServer, credential: str | None, customers: list[str], subscribers: int, args: argparse.Namespace) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {credential}"} if credential else {}
    async with httpx.AsyncClient(base_url=server.base, headers=headers, timeout=60) as client:
        start = await record(client, customers[0], -1)
        ws_url = server.base.replace("http", "ws") + "/graphql"
        total = args.warmup + args.events + args.burst
        child = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--subscriber-process", ws_url, credential or "", start["cursor"], str(subscribers), str(total),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=2**26,
        )
        assert child.stdout is not None and child.stdin is not None
        line = await asyncio.wait_for(child.stdout.readline(), 90)
        if line.strip() != b"ready":
            raise RuntimeError(f"subscriber process failed: {line[:300]!r}")
        await asyncio.sleep(0.5)  # let every subscription reach the live tail

        warm: dict[int, float] = {}  # the first events after 100 subscriptions start are a cold start: timed apart
        for i in range(args.warmup):
            began = time.monotonic()
            warm[(await record(client, customers[i % len(customers)], -2 - i))["seq"]] = began
            await asyncio.sleep(max(0.0, 1 / args.rate - (time.monotonic() - began)))
        await asyncio.sleep(0.5)

        sent: dict[int, float] = {}
        for i in range(args.events):
            began = time.monotonic()
            event = await record(client, customers[i % len(customers)], i)
            sent[event["seq"]] = began
            await asyncio.sleep(max(0.0, 1 / args.rate - (time.monotonic() - began)))

        burst_started = time.perf_counter()
        queue = list(range(args.burst))

        async def writer() -> None:
            while queue:
                i = queue.pop()
                await record(client, customers[i % len(customers)], 10_000 + i)

        await asyncio.gather(*(writer() for _ in range(8)))
        accepted = args.burst / (time.perf_counter() - burst_started)

        try:
            line = await asyncio.wait_for(child.stdout.readline(), 60)
        except TimeoutError:
            child.stdin.write(b"stop\n")
            await child.stdin.drain()
            line = await asyncio.wait_for(child.stdout.readline(), 30)
        await child.wait()
    received = [{int(seq): at for seq, at in got.items()} for got in json.loads(line)]
    latencies = [(got[seq] - at) * 1000 for got in received for seq, at in sent.items() if seq in got]
    missing = sum(1 for got in received for seq in sent if seq not in got)
    cold = [(got[seq] - at) * 1000 for got in received for seq, at in warm.items() if seq in got]
    return {
        "subscribers": subscribers,
        "events": args.events,
        "rate_per_s": args.rate,
        "deliveries": len(latencies),
        "missing": missing,
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "max_ms": round(max(latencies), 1),
        "warmup_events": args.warmup,
        "warmup_max_ms": round(max(cold), 1) if cold else None,
        "burst_events": args.burst,
        "accepted_per_s": round(accepted, 1),
        "burst_fully_delivered": all(len(got) >= total for got in received),
    }


def main() -> None:
    if sys.argv[1:2] == ["--subscriber-process"]:
        ws_url, credential, after, count, total = sys.argv[2:7]
        asyncio.run(subscriber_process(ws_url, credential or None, after, int(count), int(total)))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="customers in the bench database")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--subscribers", default="1,100")
    parser.add_argument("--events", type=int, default=100, help="paced events per scenario")
    parser.add_argument("--rate", type=float, default=20.0, help="paced events per second")
    parser.add_argument("--warmup", type=int, default=5, help="events recorded first and timed apart (cold start)")
    parser.add_argument("--burst", type=int, default=300, help="events recorded as fast as 8 writers can")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--only", choices=("writes", "delivery"), default=None, help="run one part (default: both)")
    parser.add_argument("--seconds", type=float, default=15.0, help="writes: length of each timed run")
    parser.add_argument("--rounds", type=int, default=2, help="writes: interleaved rounds of hub and floor")
    parser.add_argument("--writes-port", type=int, default=8767)
    args = parser.parse_args()

    url, _heavy = ensure_bench_database(args.size, args.database_url)
    upgrade(url)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    credential = bench_credential(url, "bench-events", {"contact:write", "events:subscribe", "customer:read"})
    if args.only != "delivery":
        if not is_postgres(url):
            print("writes: the floor is PostgreSQL's; give --database-url postgresql://... (skipped)")
        else:
            writes = measure_writes(
                url, credential, sample_customers(url, 2000), port=args.writes_port, seconds=args.seconds, rounds=args.rounds
            )
            for line in summary(writes):
                print(line)
            out = DATA_DIR / f"events-writes-{args.size}.json"
            out.write_text(json.dumps(writes, indent=1))
            print(f"written {out}")
    if args.only == "writes":
        return
    customers = sample_customers(url, 50)
    results = []
    with BenchServer(url, args.port) as server:
        for count in (int(n) for n in args.subscribers.split(",")):
            results.append(asyncio.run(scenario(server, credential, customers, count, args)))
            print(json.dumps(results[-1]), flush=True)
    print(f"load average {os.getloadavg()}")
    out = DATA_DIR / f"events-{url.split('://')[0]}-{args.size}.json"
    out.write_text(json.dumps(results, indent=1))
    print(f"written {out}")


if __name__ == "__main__":
    main()
