"""The full 360 query over HTTP: p50/p99 latency, requests per second and SQL statements per request.

    python bench/query_360.py                         # SQLite, 100k customers under .c360/bench/ (built once)
    python bench/query_360.py --database-url postgresql://postgres@127.0.0.1:5432/c360_bench
    python bench/query_360.py --size 10000 --requests 200 --concurrency 1,8

The hub is served as ``c360 serve`` serves it (``c360.app.server.serve_workers``: with several workers
each has its own socket and the kernel spreads the connections; the bench does not place them) in
a child process, and driven at each concurrency level, for random customers of the loaded database
and for one customer with a long history, by a lean keep-alive client (``bench/_http.py``: one
connection per concurrent worker, each request encoded once), so the load generator takes as
little of the machine's CPU as it can. Mode ``noaudit`` repeats everything against a server that
skips the access-audit insert. Statements per request are counted in the server process
(``GET /bench/stats``, read on a connection of its own each time); the server's CPU per request
(its processes, HTTP included) from ``/proc``, and the load generator's own CPU per request
(``client_cpu_ms_per_request``). Every answer is checked for status 200, data and no errors; every
16th is parsed whole and checked to be the customer asked for.

In the same run, before the server starts, the raw-SQL floor (``bench/sql_floor.py``: the least
SQL for the same document, on the driver alone) is measured for the same random customers, and
each level's p50 is printed as a multiple of it. Figures: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _http import Connection, encode_request, looks_like_data  # noqa: E402
from _load import (  # noqa: E402
    AUDIT_OFF_ENV,
    DATA_DIR,
    STATS_PATH,
    BenchServer,
    bench_credential,
    ensure_bench_database,
    sample_customers,
)
from sql_floor import measure_floor  # noqa: E402

from c360.hub.db.migrate import upgrade  # noqa: E402
from tests.api.test_view import VIEW  # noqa: E402  (the same fragment the statement-count test uses)

QUERY = VIEW % "customer(id: $id) { ...View }"
QUERY = QUERY.replace("{ customer(id: $id)", "query Full360($id: ID!) { customer(id: $id)", 1)
# Mode ``lookup``: one customer's id, the least a request that reads the database asks. What the stack
# (uvicorn, Starlette, strawberry, graphql-core, authentication, the plan, one statement, the audit) costs
# any request, served in the same run as the view: the part of the view's latency its own work cannot remove.
LOOKUP = "query Lookup($id: ID!) { customer(id: $id) { id } }"
FULL_CHECK_EVERY = 16  # every 16th answer is parsed whole and checked to be the customer asked for


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class Requests:
    """The 360 request of each customer, encoded once: the drive sends bytes, nothing is built per request."""

    def __init__(self, host: str, headers: dict[str, str], query: str = QUERY) -> None:
        self.host, self.query = host, query
        self.headers = {"Content-Type": "application/json", **headers}
        self._encoded: dict[str, bytes] = {}

    def __getitem__(self, golden_id: str) -> bytes:
        found = self._encoded.get(golden_id)
        if found is None:
            body = json.dumps({"query": self.query, "variables": {"id": golden_id}}, separators=(",", ":")).encode()
            found = self._encoded[golden_id] = encode_request("POST", "/graphql", self.host, self.headers, body)
        return found


def check(status: int, body: bytes, golden_id: str, full: bool) -> None:
    """Status 200, data and no errors (a prefix check); ``full``: parse it and check it is that customer's."""
    if status != 200 or not looks_like_data(body):
        raise RuntimeError(f"{status}: {body[:300]!r}")
    if full:
        customer = json.loads(body)["data"]["customer"]
        if customer is None or customer["id"] != golden_id or (len(customer) > 1 and "profile" not in customer):
            raise RuntimeError(f"wrong answer for {golden_id}: {body[:300]!r}")


async def stats(server: BenchServer) -> dict[str, Any]:
    """``GET /bench/stats`` on a connection of its own (an idle keep-alive connection would be closed
    by the server during a long level)."""
    async with Connection("127.0.0.1", server.port) as connection:
        return await connection.get_json(STATS_PATH)  # type: ignore[no-any-return]


async def drive(
    server: BenchServer,
    requests: Requests,
    ids: list[str],
    count: int,
    concurrency: int,
    measure: bool = True,
) -> dict[str, Any]:
    """``count`` requests over ``concurrency`` keep-alive connections; latency, rates and the CPU of both sides."""
    host = "127.0.0.1"
    latencies: list[float] = []
    async with contextlib.AsyncExitStack() as stack:
        connections = [await stack.enter_async_context(Connection(host, server.port)) for _ in range(concurrency)]
        before = (await stats(server))["statements"]
        queue = [ids[i % len(ids)] for i in range(count)][::-1]

        async def worker(connection: Connection) -> None:
            while queue:
                golden_id = queue.pop()
                full = len(queue) % FULL_CHECK_EVERY == 0
                started = time.perf_counter()
                status, body = await connection.send(requests[golden_id])
                latencies.append((time.perf_counter() - started) * 1000)
                check(status, body, golden_id, full)

        cpu_before = server.cpu_seconds() if measure else None
        started, client_started = time.perf_counter(), time.process_time()
        await asyncio.gather(*(worker(connection) for connection in connections))
        elapsed, client_cpu = time.perf_counter() - started, time.process_time() - client_started
        cpu_after = server.cpu_seconds() if measure else None
        after = (await stats(server))["statements"]
    server_cpu = None if cpu_before is None or cpu_after is None else round((cpu_after - cpu_before) / count * 1000, 2)
    return {
        "requests": count,
        "concurrency": concurrency,
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "rps": round(count / elapsed, 1),
        "statements_per_request": round((after - before) / count, 1),
        "server_cpu_ms_per_request": server_cpu,  # uvicorn and its workers, HTTP included (Linux)
        "client_cpu_ms_per_request": round(client_cpu / count * 1000, 2),  # this load generator
        "load_average": round(os.getloadavg()[0], 2),
    }


async def run_mode(
    server: BenchServer, headers: dict[str, str], ids: list[str], heavy: str, args: argparse.Namespace, query: str = QUERY,
) -> list[dict[str, Any]]:
    results = []
    requests = Requests(f"127.0.0.1:{server.port}", headers, query)
    await drive(server, requests, ids, min(50, args.requests), 4, measure=False)  # warm-up: caches, pools
    for concurrency in args.concurrency:
        result = await drive(server, requests, ids, args.requests, concurrency)
        if args.floor_ms:
            result["p50_over_floor"] = round(result["p50_ms"] / args.floor_ms, 2)
        results.append({"customers": "random", **result})
        print(json.dumps(results[-1]), flush=True)
    for concurrency in (1, 8) if args.heavy_requests > 0 and query == QUERY else ():  # the long history is the view's
        result = await drive(server, requests, [heavy], args.heavy_requests, concurrency)
        results.append({"customers": "long history", **result})
        print(json.dumps(results[-1]), flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="simulated customers in the bench database")
    parser.add_argument("--database-url", default=None, help="default: SQLite under .c360/bench/")
    parser.add_argument("--requests", type=int, default=400, help="requests per concurrency level")
    parser.add_argument("--heavy-requests", type=int, default=40, help="requests for the long-history customer")
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument("--customers", type=int, default=500, help="random customers to draw the requests from")
    parser.add_argument("--modes", default="dataloader,noaudit",
                        help="dataloader (the hub as served), noaudit (without the audit insert), "
                             "lookup (customer(id:) { id } on the same server: what any one-statement request costs)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes serving the hub")
    parser.add_argument("--floor-rounds", type=int, default=1000, help="customers timed for the raw-SQL floor (0: skip it)")
    args = parser.parse_args()
    args.concurrency = [int(c) for c in args.concurrency.split(",")]

    url, heavy = ensure_bench_database(args.size, args.database_url)
    upgrade(url)
    ids = sample_customers(url, args.customers)
    credential = bench_credential(url, "bench-query-360", {"customer:read"})
    headers = {"Authorization": f"Bearer {credential}"} if credential else {}
    print(f"database {url.split('@')[-1]}, {args.size} customers; {len(ids)} random customers + long-history {heavy}")
    report: dict[str, Any] = {
        "database": url.split("://")[0], "size": args.size, "workers": args.workers, "modes": {},
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
    }
    args.floor_ms = None
    if args.floor_rounds:
        floor = measure_floor(url, ids, args.floor_rounds)
        args.floor_ms = floor["median_ms"]
        report["floor"] = floor
        print(f"raw-SQL floor, same customers: {json.dumps(floor)}", flush=True)
    for mode in args.modes.split(","):
        print(f"--- {mode}", flush=True)
        env = {AUDIT_OFF_ENV: "1" if mode == "noaudit" else "0"}
        query = LOOKUP if mode == "lookup" else QUERY
        with BenchServer(url, args.port, env, workers=args.workers) as server:
            report["modes"][mode] = asyncio.run(run_mode(server, headers, ids, heavy, args, query))
    report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    out = DATA_DIR / f"query_360-{report['database']}-{args.size}.json"
    out.write_text(json.dumps(report, indent=1))
    print(f"written {out}")


if __name__ == "__main__":
    main()
