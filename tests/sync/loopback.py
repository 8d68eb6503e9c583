"""A tiny REST silo on a loopback port, with fault switches, and a REST connector reading it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from c360.connectors.config import RestConfig
from c360.connectors.rest import RestConnector, RestStream
from c360.records import CanonicalRecord, SubscriptionRecord


@dataclass
class Switches:
    """Consumed one per request: ``fail_next`` 500s, ``throttle_next`` 429s, ``slow_next`` stalls,
    ``malformed_next`` broken JSON; ``die_after`` serves that many pages, then 503 until cleared."""

    fail_next: int = 0
    throttle_next: int = 0
    slow_next: int = 0
    slow_s: float = 1.0
    malformed_next: int = 0
    die_after: int | None = None
    served: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, name: str) -> bool:
        with self.lock:
            if getattr(self, name) > 0:
                setattr(self, name, getattr(self, name) - 1)
                return True
            return False


def make_app(items: list[dict[str, Any]], switches: Switches) -> Starlette:
    def page(request: Request) -> Response:
        if switches.die_after is not None and switches.served >= switches.die_after:
            return JSONResponse({"error": "down"}, status_code=503)
        if switches.take("throttle_next"):
            return JSONResponse({"error": "slow down"}, status_code=429, headers={"Retry-After": "0"})
        if switches.take("fail_next"):
            return JSONResponse({"error": "boom"}, status_code=500)
        if switches.take("slow_next"):
            time.sleep(switches.slow_s)
        if switches.take("malformed_next"):
            return Response('{"items": [{"id": "S1", ', media_type="application/json")
        size = int(request.query_params.get("page_size", "10"))
        since = request.query_params.get("updated_since")
        offset = int(request.query_params.get("page_token") or 0)
        rows = sorted((r for r in items if since is None or r["updated_at"] >= since),
                      key=lambda r: (r["updated_at"], r["id"]))
        chunk = rows[offset : offset + size]
        switches.served += 1
        more = offset + size < len(rows)
        return JSONResponse({"items": chunk, "next_page_token": str(offset + size) if more else None})

    return Starlette(routes=[Route("/items", page)])


@contextmanager
def serve(app: Starlette) -> Iterator[str]:
    """Run ``app`` with uvicorn on a free loopback port; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="error", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def free_port_url() -> str:
    """A loopback URL nothing listens on: a silo that is down."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


class Items(RestStream):
    name: ClassVar[str] = "items"
    path: ClassVar[str] = "/items"
    primary_key: ClassVar[tuple[str, ...]] = ("id",)

    def map(self, raw: Mapping[str, Any]) -> Sequence[CanonicalRecord]:
        return [SubscriptionRecord(source="rest", source_key=raw["id"], msisdn=raw["msisdn"], plan_code=raw["plan"])]


class ItemsConnector(RestConnector):
    name: ClassVar[str] = "loopback"
    stream_classes = (Items,)


def connector(base_url: str, **overrides: Any) -> ItemsConnector:
    config = RestConfig(base_url=base_url, page_size=10, max_retries=2, backoff_base_s=0.0, connect_timeout_s=0.5,
                        timeout_s=0.3, max_wait_s=5.0, **overrides)
    return ItemsConnector("loopback", config)


def items(count: int) -> list[dict[str, Any]]:
    return [{"id": f"S{i:04d}", "updated_at": f"2024-05-01T00:{i // 60:02d}:{i % 60:02d}",
             "msisdn": f"+86138{i:08d}", "plan": "4G58"} for i in range(count)]
