"""`c360 serve --workers 2`: a caller's request limit holds across the worker processes, with Redis and without."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

from tests.demo_process import free_port, stop_process
from tests.helpers.redis_server import REDIS_URL

LIMIT = 4
REQUESTS = 10
STARTUP_S = 90


@contextmanager
def _serving(work_dir: Path, database_url: str, **env: str) -> Iterator[int]:
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("C360_")}
    environment |= {"C360_DATABASE_URL": database_url, "C360_RATE_LIMIT": str(LIMIT), **env}
    log_path = work_dir / "serve.log"
    with log_path.open("w+", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "c360", "serve", "--workers", "2", "--port", str(port)],
            cwd=work_dir, env=environment, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + STARTUP_S
            while log_path.read_text(encoding="utf-8").count("Application startup complete") < 2:
                assert process.poll() is None and time.monotonic() < deadline, log_path.read_text(encoding="utf-8")
                time.sleep(0.3)
            yield port
        finally:
            stop_process(process)


def _statuses(port: int, key: str) -> list[int]:
    """REQUESTS requests, each on a new connection, so the kernel hands them to either worker."""
    statuses = []
    for _ in range(REQUESTS):
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/graphql",
            data=json.dumps({"query": "{ hub { version } }"}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}", "Connection": "close"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as exc:
            statuses.append(exc.code)
    return statuses


def test_limit_is_shared_through_redis(work_dir: Path, database_url: str, full_access_key: str, redis_prefix: str) -> None:  # noqa: F811
    with _serving(work_dir, database_url, C360_REDIS_URL=REDIS_URL, C360_REDIS_PREFIX=redis_prefix) as port:
        statuses = _statuses(port, full_access_key)
    assert statuses.count(200) == LIMIT and statuses.count(429) == REQUESTS - LIMIT, statuses
    client = redis.Redis.from_url(REDIS_URL)
    try:
        (bucket,) = client.scan_iter(f"{redis_prefix}ratelimit:requests:*")  # the workers' one shared bucket
        assert float(client.hget(bucket, "tokens") or LIMIT) < 1
    finally:
        client.close()


def test_without_redis_each_worker_keeps_its_share(work_dir: Path, database_url: str, full_access_key: str) -> None:
    with _serving(work_dir, database_url) as port:
        statuses = _statuses(port, full_access_key)
    assert LIMIT // 2 <= statuses.count(200) <= LIMIT, statuses  # never LIMIT per worker
    assert set(statuses) <= {200, 429}
