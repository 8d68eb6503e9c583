"""Run both REST silos in-process on loopback (tests, demo, benchmarks)."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from types import TracebackType

import uvicorn
from starlette.applications import Starlette

from .apps import boss_app, keyaccount_app
from .faults import Faults

__all__ = ["SiloServers", "DEFAULT_API_KEY"]

DEFAULT_API_KEY = "c360-silo-key"


class _Server:
    """One uvicorn server on a pre-bound socket, served from a daemon thread."""

    def __init__(self, app: Starlette, host: str, port: int) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.port: int = self.sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def start(self, timeout: float = 10.0) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("silo server failed to start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


class SiloServers:
    """BOSS and key-account REST silos plus where the file/SQL silos live, for the hub's config.

    Use as a context manager, or call ``start()``/``stop()``. Port 0 picks a free port; the actual
    addresses are in ``boss_url`` and ``keyaccount_url``. ``boss_faults``/``keyaccount_faults`` steer
    fault injection at runtime.
    """

    def __init__(self, data_dir: Path, host: str = "127.0.0.1", boss_port: int = 0, keyaccount_port: int = 0,
                 api_key: str = DEFAULT_API_KEY) -> None:
        self.data_dir = Path(data_dir)
        self.host = host
        self.api_key = api_key
        self.boss_faults = Faults()
        self.keyaccount_faults = Faults()
        self.billing_dsn = f"sqlite:///{(self.data_dir / 'billing.db').resolve()}"
        self.callcenter_dir = self.data_dir / "callcenter"
        self.bi_dir = self.data_dir / "bi"
        self._boss = _Server(boss_app(self.data_dir, api_key, self.boss_faults), host, boss_port)
        self._ka = _Server(keyaccount_app(self.data_dir, api_key, self.keyaccount_faults), host, keyaccount_port)
        self.boss_url = f"http://{host}:{self._boss.port}"
        self.keyaccount_url = f"http://{host}:{self._ka.port}"

    def start(self) -> SiloServers:
        self._boss.start()
        self._ka.start()
        return self

    def stop(self) -> None:
        self._boss.stop()
        self._ka.stop()

    def __enter__(self) -> SiloServers:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
