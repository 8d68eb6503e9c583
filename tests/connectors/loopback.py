"""Real servers on loopback for connector tests: a uvicorn thread and a small scriptable REST silo.

The REST silo follows the contract of ``docs/silos.md`` (items + next_page_token,
inclusive ``updated_since``, keyset order on (updated_at, id), ``X-API-Key``).
``script`` queues misbehaviour per request — a status with headers, or a raw
body — so tests see retries and bad pages through real HTTP.
"""

from __future__ import annotations

import json
import socket
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

API_KEY = "test-key-123"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LoopbackServer:
    """uvicorn serving ``app`` on 127.0.0.1 in a daemon thread."""

    def __init__(self, app: Any, port: int | None = None) -> None:
        self.port = port or free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="error", lifespan="off", ws="none")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LoopbackServer:
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("loopback server failed to start")
            self.thread.join(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(5)


@contextmanager
def serving(app: Any) -> Iterator[LoopbackServer]:
    server = LoopbackServer(app).start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Scripted:
    """One scripted answer: a status (with headers) or a raw body."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None


@dataclass
class RestSilo:
    """In-memory collections keyed by path: ``{path: (key field, [records])}``."""

    collections: dict[str, tuple[str, list[dict[str, Any]]]]
    api_key: str = API_KEY
    script: deque[Scripted] = field(default_factory=deque)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def page(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        key, records = self.collections[path]
        rows = sorted(records, key=lambda r: (r["updated_at"], r[key]))
        if "updated_since" in params:
            rows = [r for r in rows if r["updated_at"] >= params["updated_since"]]
        if "page_token" in params:
            after = tuple(json.loads(params["page_token"]))
            rows = [r for r in rows if (r["updated_at"], r[key]) > after]
        size = int(params.get("page_size", 100))
        more = len(rows) > size
        rows = rows[:size]
        token = json.dumps([rows[-1]["updated_at"], rows[-1][key]]) if more else None
        return {"items": rows, "next_page_token": token}

    def app(self) -> Starlette:
        async def endpoint(request: Request) -> Response:
            params = dict(request.query_params)
            self.requests.append((request.url.path, params))
            if request.headers.get("x-api-key") != self.api_key:
                return JSONResponse({"error": "bad key"}, status_code=401)
            if self.script:
                answer = self.script.popleft()
                if answer.body is not None:
                    return Response(answer.body, status_code=answer.status, media_type="application/json")
                return JSONResponse({"error": "scripted"}, status_code=answer.status, headers=answer.headers)
            return JSONResponse(self.page(request.url.path, params))

        return Starlette(routes=[Route(path, endpoint) for path in self.collections])


def bad_pages_app(paths: list[str]) -> Starlette:
    """A silo that answers with valid JSON of the wrong shape: ``items`` is not a list."""

    async def endpoint(request: Request) -> Response:
        return JSONResponse({"items": "oops", "next_page_token": None})

    return Starlette(routes=[Route(path, endpoint) for path in paths])
