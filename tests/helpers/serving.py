"""``c360 serve`` as a child process on loopback, for tests that kill it, restart it or run it as another role."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from tests.demo_process import stop_process

__all__ = ["app_in_thread", "kill_mid_burst", "serving"]

STARTUP_S = 60


@contextmanager
def app_in_thread(app: Any, listening: socket.socket | None = None) -> Iterator[str]:
    """``app`` served by uvicorn on loopback, in a thread of this process; its WebSocket URL.

    ``listening``: a bound socket to serve on (accepted sockets inherit its options); else a free port.
    """
    if listening is None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
    else:
        port = listening.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="websockets-sansio"))
    sockets = None if listening is None else [listening]
    thread = threading.Thread(target=server.run, kwargs={"sockets": sockets}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    try:
        yield f"ws://127.0.0.1:{port}/graphql"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def serving(work_dir: Path, database_url: str, port: int, workers: int = 1) -> Iterator[subprocess.Popen[bytes]]:
    """The hub serving ``database_url`` on ``port`` until the block ends (stopped as Ctrl-C would), or killed."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("C360_")}
    environment |= {"C360_DATABASE_URL": database_url, "C360_RATE_LIMIT": "1000000"}
    with (work_dir / f"serve-{time.monotonic_ns()}.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "c360", "serve", "--workers", str(workers), "--port", str(port)],
            cwd=work_dir, env=environment, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + STARTUP_S
            while True:
                assert process.poll() is None and time.monotonic() < deadline, "the hub did not start"
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                    break
                except OSError:
                    time.sleep(0.1)
            yield process
        finally:
            if process.poll() is None:
                stop_process(process)


def kill_mid_burst(hub: subprocess.Popen[bytes], burst: Callable[[threading.Event], None], answered: Callable[[], int], at: int) -> None:
    """Run ``burst`` (given a stop flag) in a thread, SIGKILL the hub once ``answered()`` reaches ``at``, then stop the burst."""
    stop = threading.Event()
    sending = threading.Thread(target=burst, args=(stop,))
    sending.start()
    deadline = time.monotonic() + 90
    while answered() < at:
        assert time.monotonic() < deadline and sending.is_alive(), f"{answered()} answered"
        time.sleep(0.005)
    hub.send_signal(signal.SIGKILL)
    hub.wait(10)
    stop.set()
    sending.join(60)
