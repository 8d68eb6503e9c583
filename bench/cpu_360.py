"""CPU per 360 document, in process: sequential requests through the real ASGI app (no sockets).

    python bench/cpu_360.py                      # SQLite, 10k bench database (bench/_load.py)
    python bench/cpu_360.py postgresql://postgres@127.0.0.1:5432/c360_bench_10k
    N=500 PROF=1 python bench/cpu_360.py         # with cProfile: the top functions are printed

Prints wall and process CPU time per request and the load average. The httpx client runs in the
same process, so the CPU includes its share. Figures: docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx  # noqa: E402

from _load import bench_app, bench_credential, default_url, sample_customers  # noqa: E402
from hub.db.migrate import upgrade  # noqa: E402
from query_360 import QUERY  # noqa: E402


async def run(url: str, requests: int, profile: bool) -> None:
    upgrade(url)
    ids = sample_customers(url, 100)
    credential = bench_credential(url, "bench-cpu-360", {"customer:read"})
    headers = {"Authorization": f"Bearer {credential}"} if credential else {}
    transport = httpx.ASGITransport(app=bench_app(url))  # no lifespan: queries do not need the event notifier
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", headers=headers) as client:

        async def one(i: int) -> None:
            response = await client.post("/graphql", json={"query": QUERY, "variables": {"id": ids[i % len(ids)]}})
            if response.status_code != 200 or response.json().get("errors"):
                raise RuntimeError(response.text[:500])

        for i in range(30):  # warm-up: imports, caches, pool
            await one(i)
        profiler = cProfile.Profile() if profile else None
        wall, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        for i in range(requests):
            await one(i)
        if profiler:
            profiler.disable()
        wall = (time.perf_counter() - wall) / requests * 1000
        cpu = (time.process_time() - cpu) / requests * 1000
    print(f"per request: wall {wall:.2f} ms, cpu {cpu:.2f} ms ({requests} requests); load average {os.getloadavg()}")
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(35)


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else default_url(10000)
    asyncio.run(run(url, int(os.environ.get("N", "200")), bool(os.environ.get("PROF"))))


if __name__ == "__main__":
    main()
