"""CPU per 360 document, in process: sequential requests through the real ASGI app (no sockets).

    python bench/cpu_360.py                      # SQLite, 10k bench database (bench/_load.py)
    python bench/cpu_360.py postgresql://postgres@127.0.0.1:5432/c360_bench_10k
    N=500 PROF=1 python bench/cpu_360.py         # with cProfile: the top functions are printed
    N=500 PROF=1 SORT=cumulative TOP=60 python bench/cpu_360.py   # another pstats order, more lines

Prints wall and process CPU time per request and the load average. Each request is handed to the
app as ASGI messages built once (no HTTP client), so the CPU is the app's alone: authentication,
the GraphQL endpoint, execution, the database reads and the JSON answer; uvicorn's HTTP parsing is
not included (``bench/query_360.py`` measures the whole server). It runs on uvloop, as the server
does (figures before 2026-12-05 were taken on asyncio's own loop, about 1.4× the CPU). The app's audit writer runs as in
the server (the access audit is written behind the answer, in group commits) and is flushed before
the clock stops. Figures: docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import os
import pstats
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _http import looks_like_data  # noqa: E402
from _load import bench_app, bench_credential, ensure_bench_database, sample_customers  # noqa: E402
from query_360 import QUERY  # noqa: E402


def _scope(body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    raw = [(b"host", b"bench"), (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(name.lower().encode(), value.encode()) for name, value in headers.items()]
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": "/graphql", "raw_path": b"/graphql", "query_string": b"", "root_path": "", "headers": raw,
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
    }


async def post(app: Any, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """One request through the ASGI app: (status, body)."""
    delivered = False
    answer: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # the app never asks again for a complete request
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        answer.append(message)

    await app(_scope(body, headers), receive, send)
    return answer[0]["status"], b"".join(m.get("body", b"") for m in answer[1:])


async def run(url: str, requests: int, profile: bool) -> None:
    ids = sample_customers(url, 100)
    credential = bench_credential(url, "bench-cpu-360", {"customer:read"})
    headers = {"Authorization": f"Bearer {credential}"} if credential else {}
    bodies = [json.dumps({"query": QUERY, "variables": {"id": golden_id}}).encode() for golden_id in ids]
    app = bench_app(url)
    audit = app.hub.state.audit  # the access audit written behind the answer, as in the server
    await audit.start()  # (no lifespan otherwise: queries do not need the event notifier)

    async def one(i: int) -> None:
        status, body = await post(app, bodies[i % len(bodies)], headers)
        if status != 200 or not looks_like_data(body):
            raise RuntimeError(f"{status}: {body[:500]!r}")

    await measure(one, requests, audit, profile, "request")
    await audit.stop()


WARM_UP = 30  # calls before the clock starts: imports, caches, pools


def run_like_server(main: Coroutine[Any, Any, None]) -> None:
    """Run ``main`` on the event loop ``c360 serve`` runs on: uvloop, which uvicorn picks when it is installed."""
    try:
        import uvloop
    except ImportError:  # not on every platform (uvicorn[standard] leaves it out on Windows)
        asyncio.run(main)
    else:
        uvloop.run(main)


async def timed(
    one: Callable[[int], Awaitable[None]], count: int, audit: Any, profiler: cProfile.Profile | None = None
) -> tuple[float, float]:
    """Warm up, then time ``count`` calls ``one(i)`` (each ``i`` new): (CPU ms, wall ms) per call.

    The access audit rows the timed calls leave are flushed inside the clock: they count too.
    """
    for i in range(WARM_UP):
        await one(i)
    wall, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    for i in range(WARM_UP, WARM_UP + count):
        await one(i)
    await audit.flush()
    if profiler:
        profiler.disable()
    return (time.process_time() - cpu) / count * 1000, (time.perf_counter() - wall) / count * 1000


async def measure(one: Callable[[int], Awaitable[None]], count: int, audit: Any, profile: bool, noun: str) -> None:
    """:func:`timed`, printed; with ``profile``, the top functions of cProfile too."""
    profiler = cProfile.Profile() if profile else None
    cpu, wall = await timed(one, count, audit, profiler)
    print(f"per {noun}: wall {wall:.2f} ms, cpu {cpu:.2f} ms ({count} {noun}s); load average {os.getloadavg()}")
    if profiler:
        pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "tottime")).print_stats(int(os.environ.get("TOP", "35")))


def main() -> None:
    url, _ = ensure_bench_database(10_000, sys.argv[1] if len(sys.argv) > 1 else None)  # loaded when missing
    run_like_server(run(url, int(os.environ.get("N", "200")), bool(os.environ.get("PROF"))))


if __name__ == "__main__":
    main()
