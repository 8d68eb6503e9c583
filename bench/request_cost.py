"""What one request costs the hub's process before and after the 360 view's own work, on the server's event loop.

    python bench/request_cost.py postgresql://postgres@127.0.0.1:5432/c360_bench_20k
    N=2000 python bench/request_cost.py                  # SQLite, 10k bench database (bench/_load.py)
    RUNGS=lookup,view python bench/request_cost.py ...  # only those rungs (to profile one)

A ladder of operations through the real ASGI app, in process (as ``bench/cpu_360.py``, no sockets), on
uvloop as ``c360 serve`` runs (uvicorn picks it when it is installed, which ``uvicorn[standard]``
does). Each rung adds one thing to the one before:

- ``typename``: ``{ __typename }`` with an API key: the HTTP endpoint, strawberry, graphql-core,
  authentication and the access audit, and no database read;
- ``lookup``: ``customer(id:) { id }``: the same plus one statement;
- ``profile``: the golden profile too (masked values, lineage);
- ``view``: the whole 360 document of ``bench/query_360.py``;
- ``record``: a ``recordContact`` mutation with a fresh idempotency key (its event committed).

For each it prints the process CPU and the wall time per request. The difference between rungs
is what each part costs; the first rungs are what any request pays, whatever it asks. The
figures, and what they mean for the latency targets, are in docs/benchmarks.md.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _http import looks_like_data  # noqa: E402
from _load import bench_app, bench_credential, ensure_bench_database, sample_customers  # noqa: E402
from cpu_360 import post, run_like_server, timed  # noqa: E402
from cpu_record_contact import RECORD  # noqa: E402
from query_360 import QUERY  # noqa: E402

READS = {
    "typename": "{ __typename }",
    "lookup": "query($id: ID!) { customer(id: $id) { id } }",
    "profile": "query($id: ID!) { customer(id: $id) { id displayName profile { name value } } }",
    "view": QUERY,
}
async def run(url: str, count: int) -> None:
    ids = sample_customers(url, 100)
    credential = bench_credential(url, "bench-request-cost", {"customer:read", "contact:write"})
    headers = {"Authorization": f"Bearer {credential}"} if credential else {}
    app = bench_app(url)
    audit, writer = app.hub.state.audit, app.hub.state.writer  # as the server's lifespan starts them
    await audit.start()
    await writer.start()
    tag = uuid.uuid4().hex[:8]

    def read(query: str) -> Callable[[int], Awaitable[None]]:
        bodies = [json.dumps({"query": query, "variables": {"id": golden_id} if "$id" in query else {}}).encode() for golden_id in ids]

        async def call(i: int) -> None:
            status, answer = await post(app, bodies[i % len(bodies)], headers)
            if status != 200 or not looks_like_data(answer):
                raise RuntimeError(f"{status}: {answer[:500]!r}")

        return call

    async def record(i: int) -> None:
        body = json.dumps({"query": RECORD, "variables": {"input": {
            "customer": {"id": ids[i % len(ids)]}, "channel": "APP", "type": "INQUIRY",
            "occurredAt": "2024-05-01T09:30:00+00:00", "summary": f"cost {i}", "idempotencyKey": f"cost-{tag}-{i}",
        }}}).encode()
        status, answer = await post(app, body, headers)
        if status != 200 or b'"errors"' in answer or b'"replayed":false' not in answer:
            raise RuntimeError(f"{status}: {answer[:500]!r}")

    rungs: dict[str, Callable[[int], Awaitable[None]]] = {name: read(query) for name, query in READS.items()}
    rungs["record"] = record
    chosen = os.environ.get("RUNGS")  # e.g. RUNGS=view: only those, to profile one
    if chosen:
        rungs = {name: rungs[name] for name in chosen.split(",")}
    print(f"{count} requests per rung, uvloop, {url.rsplit('/', 1)[-1]}")
    print(f"{'rung':<10} {'cpu ms':>8} {'wall ms':>8}")
    for name, call in rungs.items():
        cpu, wall = await timed(call, count, audit)
        print(f"{name:<10} {cpu:>8.2f} {wall:>8.2f}")
    print(f"load average {os.getloadavg()}")
    await writer.stop()
    await audit.stop()


def main() -> None:
    url, _ = ensure_bench_database(10_000, sys.argv[1] if len(sys.argv) > 1 else None)  # loaded when missing
    run_like_server(run(url, int(os.environ.get("N", "1000"))))


if __name__ == "__main__":
    main()
