"""The full 360 query over HTTP: p50/p99 latency, requests per second and SQL statements per request.

    python bench/query_360.py                         # SQLite, 100k customers under .c360/bench/ (built once)
    python bench/query_360.py --database-url postgresql://postgres@127.0.0.1:5432/c360_bench
    python bench/query_360.py --size 10000 --requests 200 --concurrency 1,8

The hub is served by uvicorn in a child process and driven by httpx at each
concurrency level, for random customers of the loaded database and for one
customer with a long history. The same run repeats everything against a
second server started with ``C360_BENCH_NAIVE_RESOLVERS=1`` (every field
resolves with its own SQL, no dataloaders), so the two paths are compared on
the same data and machine. Statements per request are counted in the server
process (``GET /bench/stats``). Figures: docs/benchmarks.md.
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

from _load import (  # noqa: E402
    AUDIT_OFF_ENV,
    DATA_DIR,
    STATS_PATH,
    BenchServer,
    bench_credential,
    ensure_bench_database,
    sample_customers,
)
from hub.db.migrate import upgrade  # noqa: E402
from resolvers.loaders import NAIVE_ENV  # noqa: E402
from tests.api.test_view import VIEW  # noqa: E402  (the same fragment the statement-count test uses)

QUERY = VIEW % "customer(id: $id) { ...View }"
QUERY = QUERY.replace("{ customer(id: $id)", "query Full360($id: ID!) { customer(id: $id)", 1)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def drive(client: httpx.AsyncClient, ids: list[str], requests: int, concurrency: int) -> dict[str, Any]:
    latencies: list[float] = []
    before = (await client.get(STATS_PATH)).json()["statements"]
    queue: asyncio.Queue[str] = asyncio.Queue()
    for i in range(requests):
        queue.put_nowait(ids[i % len(ids)])

    async def worker() -> None:
        while not queue.empty():
            golden_id = queue.get_nowait()
            started = time.perf_counter()
            response = await client.post("/graphql", json={"query": QUERY, "variables": {"id": golden_id}})
            latencies.append((time.perf_counter() - started) * 1000)
            body = response.json()
            if response.status_code != 200 or body.get("errors"):
                raise RuntimeError(f"{response.status_code}: {str(body)[:300]}")

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    after = (await client.get(STATS_PATH)).json()["statements"]
    return {
        "requests": requests,
        "concurrency": concurrency,
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "rps": round(requests / elapsed, 1),
        "statements_per_request": round((after - before) / requests, 1),
    }


async def run_mode(base: str, headers: dict[str, str], ids: list[str], heavy: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    results = []
    limits = httpx.Limits(max_connections=max(args.concurrency), max_keepalive_connections=max(args.concurrency))
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=120) as client:
        await drive(client, ids, min(50, args.requests), 4)  # warm-up: connections, caches
        for concurrency in args.concurrency:
            result = await drive(client, ids, args.requests, concurrency)
            results.append({"customers": "random", **result})
            print(json.dumps(results[-1]), flush=True)
        for concurrency in (1, 8):
            result = await drive(client, [heavy], args.heavy_requests, concurrency)
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
    parser.add_argument("--modes", default="dataloader,naive,noaudit",
                        help="dataloader, naive (no batching), noaudit (dataloader without the audit insert)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes serving the hub")
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
    for mode in args.modes.split(","):
        print(f"--- {mode}", flush=True)
        env = {NAIVE_ENV: "1" if mode == "naive" else "0", AUDIT_OFF_ENV: "1" if mode == "noaudit" else "0"}
        with BenchServer(url, args.port, env, workers=args.workers) as server:
            report["modes"][mode] = asyncio.run(run_mode(server.base, headers, ids, heavy, args))
    report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    out = DATA_DIR / f"query_360-{report['database']}-{args.size}.json"
    out.write_text(json.dumps(report, indent=1))
    print(f"written {out}")


if __name__ == "__main__":
    main()
