"""`c360 demo` end to end, as a newcomer runs it: silos up, first sync, scheduler, GraphQL answering."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from hub.cli.demo_cmd import SAMPLE_QUERY


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _post(port: int, query: str, key: str) -> dict[str, object]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)  # type: ignore[no-any-return]


def test_demo_serves_the_sample_query_on_synced_silos(work_dir: Path, database_url: str) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("C360_")}
    env["C360_DATABASE_URL"] = database_url
    log = (work_dir / "demo.log").open("w+", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "hub.cli", "demo", "--size", "200", "--port", str(port)],
        cwd=work_dir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 180
        output = ""
        while "Uvicorn running" not in output:
            assert process.poll() is None, output
            assert time.monotonic() < deadline, output
            time.sleep(0.5)
            output = (work_dir / "demo.log").read_text(encoding="utf-8")
        assert "first sync" in output and "boss.customers" in output
        assert "scheduler" in output

        key = re.search(r"call-center\s+(c360k_\S+)", output)
        assert key, output
        assert "self-service token" in output and "curl" in output
        answer = _post(port, SAMPLE_QUERY, key.group(1))
        assert "errors" not in answer, answer
        data = answer["data"]
        assert isinstance(data, dict)
        assert data["hub"]["counts"]["goldenCustomers"] > 150
        assert data["hub"]["counts"]["sourceRecords"] > 1000
        hits = data["searchCustomers"]["edges"]
        assert hits, "the sample query finds customers named 张伟 in every seeded population"
        for edge in hits:
            for identifier in edge["node"]["customer"]["identifiers"]["edges"]:
                assert "*" in identifier["node"]["value"], "identifiers are masked by default"
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
        log.close()
    assert process.returncode in (0, 1, -signal.SIGINT, 130)
    assert "Traceback" not in (work_dir / "demo.log").read_text(encoding="utf-8")
