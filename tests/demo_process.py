"""`c360 demo` as a child process, the way a newcomer starts it, for the tests that need the whole hub running."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["DemoRun", "free_port", "post_graphql", "running_demo"]

STARTUP_S = 180


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def post_graphql(port: int, key: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """POST one GraphQL request; an HTTP error answers with its JSON body, as a client would read it."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)  # type: ignore[no-any-return]
    except urllib.error.HTTPError as exc:
        return json.loads(exc.read() or b"{}")  # type: ignore[no-any-return]


def stop_process(process: subprocess.Popen[Any]) -> None:
    """Ask a c360 process to stop as Ctrl-C would (its shutdown runs); kill it if it has not in 30 s."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()


@dataclass
class DemoRun:
    port: int
    log_path: Path
    key: str  # the call-center API key the demo printed
    returncode: int | None = None

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8")


@contextmanager
def running_demo(work_dir: Path, database_url: str, *, size: int = 200, **env: str) -> Iterator[DemoRun]:
    """Start `c360 demo` on ``database_url``, wait until it serves, yield it; stop it with Ctrl-C after."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("C360_")}
    environment |= {"C360_DATABASE_URL": database_url, **env}
    log_path = work_dir / "demo.log"
    log = log_path.open("w+", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "c360", "demo", "--size", str(size), "--port", str(port)],
        cwd=work_dir,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + STARTUP_S
        output = ""
        while "Uvicorn running" not in output:
            assert process.poll() is None, output
            assert time.monotonic() < deadline, output
            time.sleep(0.5)
            output = log_path.read_text(encoding="utf-8")
        key = re.search(r"call-center\s+(c360k_\S+)", output)
        assert key, output
        run = DemoRun(port=port, log_path=log_path, key=key.group(1))
        yield run
    finally:
        stop_process(process)
        log.close()
    run.returncode = process.returncode
