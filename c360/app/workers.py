"""Several uvicorn worker processes on one port, each with a listening socket of its own (SO_REUSEPORT).

uvicorn's own workers accept from one shared socket. Every idle worker is woken by a new
connection, and the first to run accepts every connection pending (asyncio accepts up to its
backlog per wake-up), so a burst of keep-alive connections (a load balancer's pool, a channel's
client opening 8 at once) can land on one worker while the others idle, for the life of those
connections. With ``SO_REUSEPORT`` each worker binds the port itself and the kernel hands each new
connection to one socket by a hash of its addresses: connections spread evenly with nothing in
front of the hub. Where the platform lacks ``SO_REUSEPORT`` (or balances nothing with it, as
macOS), ``c360 serve`` keeps uvicorn's shared socket; docs/api.md says what to put in front then.

:func:`run_workers` starts the workers, restarts one that dies, and stops them all on SIGINT or
SIGTERM (each finishes its requests and its lifespan shutdown, as under uvicorn's supervisor).
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import sys
import threading
from multiprocessing.connection import wait
from typing import Any

import uvicorn

__all__ = ["reuseport_supported", "run_workers", "bind_reuseport"]

log = logging.getLogger(__name__)

STOP_SECONDS = 30  # a worker still running this long after SIGTERM is killed


def reuseport_supported() -> bool:
    """Whether the kernel spreads connections over sockets bound with SO_REUSEPORT (Linux does)."""
    return hasattr(socket, "SO_REUSEPORT") and sys.platform.startswith("linux")


def bind_reuseport(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` that other processes of this user may bind too."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _worker(app: str, host: str, port: int, options: dict[str, Any]) -> None:
    """One worker process: its own socket on the shared port, uvicorn serving ``app`` (a factory) on it."""
    sock = bind_reuseport(host, port)
    config = uvicorn.Config(app, factory=True, **options)
    uvicorn.Server(config).run(sockets=[sock])


def run_workers(app: str, host: str, port: int, workers: int, options: dict[str, Any]) -> None:
    """Serve ``app`` (``module:factory``) in ``workers`` processes until SIGINT or SIGTERM."""
    context = multiprocessing.get_context("spawn")
    stopping = threading.Event()

    def start() -> Any:
        process = context.Process(target=_worker, args=(app, host, port, options), daemon=False)
        process.start()
        return process

    def stop(_signal: int, _frame: Any) -> None:
        stopping.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    processes = [start() for _ in range(workers)]
    log.info("%d worker processes, each with its own socket on port %d (SO_REUSEPORT)", workers, port)
    try:
        while not stopping.is_set():
            wait([process.sentinel for process in processes], timeout=0.5)
            for index, process in enumerate(processes):
                if not process.is_alive() and not stopping.is_set():
                    log.warning(
                        "worker process %s exited (code %s); starting another", process.pid, process.exitcode
                    )
                    processes[index] = start()
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn shuts down gracefully
        for process in processes:
            process.join(STOP_SECONDS)
            if process.is_alive():
                process.kill()
                process.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
