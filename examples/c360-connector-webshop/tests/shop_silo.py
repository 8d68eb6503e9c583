"""A test silo for the webshop connector: the shop's REST API on loopback, with seeded members and orders.

It follows the paging contract the connector relies on (``docs/silos.md`` of the hub): ``items`` plus
``next_page_token``, an inclusive ``updated_since``, keyset order on (updated_at, key), the key in
``X-API-Key`` and every list scoped by ``store``. ``broken=True`` answers every page with a body of the
wrong shape, for the conformance kit's bad-page check. Copy it when you write a connector of your own.
"""

from __future__ import annotations

import json
import socket
import threading
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

__all__ = ["API_KEY", "ShopSilo", "seeded"]

API_KEY = "webshop-test-key"
STORE = "bj-01"


def seeded() -> dict[str, tuple[str, list[dict[str, Any]]]]:
    """Five members and three orders of store bj-01 (more than one page at page_size 2), over two updates."""
    first, later = "2024-06-01T09:00:00+08:00", "2024-06-02T09:00:00+08:00"
    members = [{"member_id": f"W{i}", "nickname": "小张", "mobile": f"1380013800{i}", "email": None,
                "updated_at": first if i < 3 else later, "deleted": False} for i in range(5)]  # fmt: skip
    orders = [{"order_no": f"N{i}", "member_id": "W1", "state": "paid", "total": "99.90", "placed_at": first,
               "updated_at": first} for i in range(3)]  # fmt: skip
    return {"/v2/members": ("member_id", members), "/v2/orders": ("order_no", orders)}


class ShopSilo:
    """uvicorn serving the shop API on 127.0.0.1 in a thread; use as a context manager."""

    def __init__(self, *, broken: bool = False) -> None:
        self.collections = seeded()
        self.broken = broken
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        config = uvicorn.Config(self.app(), host="127.0.0.1", port=self.port, log_level="error", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def page(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        key, records = self.collections[path]
        rows = sorted(records, key=lambda row: (row["updated_at"], row[key]))
        if "updated_since" in params:
            rows = [row for row in rows if row["updated_at"] >= params["updated_since"]]
        if "page_token" in params:
            after = tuple(json.loads(params["page_token"]))
            rows = [row for row in rows if (row["updated_at"], row[key]) > after]
        size = int(params.get("page_size", 100))
        page, more = rows[:size], len(rows) > size
        token = json.dumps([page[-1]["updated_at"], page[-1][key]]) if more else None
        return {"items": page, "next_page_token": token}

    def app(self) -> Starlette:
        async def endpoint(request: Request) -> JSONResponse:
            if request.headers.get("x-api-key") != API_KEY:
                return JSONResponse({"error": "unknown key"}, status_code=401)
            if request.query_params.get("store") != STORE:
                return JSONResponse({"error": "unknown store"}, status_code=404)
            if self.broken:
                return JSONResponse({"items": "not a list", "next_page_token": None})
            return JSONResponse(self.page(request.url.path, dict(request.query_params)))

        return Starlette(routes=[Route(path, endpoint) for path in self.collections])

    def __enter__(self) -> ShopSilo:
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("the shop silo did not start")
            self.thread.join(0.01)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(5)
