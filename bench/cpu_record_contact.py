"""CPU per ``recordContact``, in process: sequential mutations through the real ASGI app (no sockets).

    python bench/cpu_record_contact.py postgresql://postgres@127.0.0.1:5432/c360_bench_20k
    N=500 PROF=1 python bench/cpu_record_contact.py postgresql://...   # with cProfile: the top functions

The counterpart of ``bench/cpu_360.py`` for the write path: authentication, the GraphQL endpoint,
argument conversion, the event's statement (on the event writer's own pool, started as the server
starts it) and the JSON answer; each mutation with a fresh idempotency key, on uvloop as the server runs. uvicorn's HTTP parsing is
not included (``bench/events.py`` measures the whole server beside the bare-SQL floor). Prints wall and
process CPU time per mutation and the load average. Figures: docs/benchmarks.md.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _load import bench_app, bench_credential, ensure_bench_database, sample_customers  # noqa: E402
from cpu_360 import measure, post, run_like_server  # noqa: E402

RECORD = "mutation($input: RecordContactInput!) { recordContact(input: $input) { event { seq cursor } replayed } }"


async def run(url: str, mutations: int, profile: bool) -> None:
    ids = sample_customers(url, 100)
    credential = bench_credential(url, "bench-cpu-record-contact", {"customer:read", "contact:write"})
    headers = {"Authorization": f"Bearer {credential}"} if credential else {}
    tag = uuid.uuid4().hex[:8]

    def body(i: int) -> bytes:
        return json.dumps({"query": RECORD, "variables": {"input": {
            "customer": {"id": ids[i % len(ids)]}, "channel": "APP", "type": "INQUIRY",
            "occurredAt": "2024-05-01T09:30:00+00:00", "summary": f"bench event {i}", "idempotencyKey": f"cpu-{tag}-{i}",
        }}}).encode()

    app = bench_app(url)
    audit, writer = app.hub.state.audit, app.hub.state.writer  # as the server's lifespan starts them
    await audit.start()
    await writer.start()

    async def one(i: int) -> None:
        status, answer = await post(app, body(i), headers)
        if status != 200 or b'"errors"' in answer or b'"replayed":false' not in answer:
            raise RuntimeError(f"{status}: {answer[:500]!r}")

    await measure(one, mutations, audit, profile, "mutation")
    await writer.stop()
    await audit.stop()


def main() -> None:
    url, _ = ensure_bench_database(10_000, sys.argv[1] if len(sys.argv) > 1 else None)  # loaded when missing
    run_like_server(run(url, int(os.environ.get("N", "1000")), bool(os.environ.get("PROF"))))


if __name__ == "__main__":
    main()
