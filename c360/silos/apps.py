"""The two REST silos (BOSS and key-account) as Starlette apps over their SQLite stores.

Every list endpoint pages by keyset on ``(updated_at, id)``: the opaque page token encodes the last
key served, so pages stay stable while the live simulator inserts newer records.
"""

from __future__ import annotations

import base64
import hmac
import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .clock import canonical
from .faults import Faults

__all__ = ["boss_app", "keyaccount_app", "DEFAULT_PAGE_SIZE", "MAX_PAGE_SIZE", "encode_token", "decode_token"]

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000

_BOSS_ROUTES = {"customers": "customers", "accounts": "accounts", "subscriptions": "subscriptions", "orders": "orders"}
_KA_ROUTES = {"enterprises": "enterprises", "contacts": "contacts", "account-managers": "account_managers",
              "contracts": "contracts"}


def encode_token(updated_at: str, key: str) -> str:
    """Opaque cursor after the record ``(updated_at, key)``."""
    return base64.urlsafe_b64encode(json.dumps([updated_at, key]).encode()).decode().rstrip("=")


def decode_token(token: str) -> tuple[str, str]:
    """Inverse of ``encode_token``; ValueError on anything forged or truncated."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        updated_at, key = json.loads(raw)
    except (ValueError, TypeError) as exc:
        raise ValueError("invalid page_token") from exc
    if not isinstance(updated_at, str) or not isinstance(key, str):
        raise ValueError("invalid page_token")
    return updated_at, key


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _make_app(db_path: Path, routes: dict[str, str], api_key: str, faults: Faults | None) -> Starlette:
    faults = faults if faults is not None else Faults()

    def list_endpoint(table: str) -> Callable[[Request], Response]:
        def endpoint(request: Request) -> Response:
            # Sync endpoint: Starlette runs it in its threadpool, so SQLite and sleep do not block the loop.
            if not hmac.compare_digest(request.headers.get("x-api-key", ""), api_key):
                return _error(401, "missing or invalid API key")
            action = faults.next_action()
            if action.delay_s:
                time.sleep(action.delay_s)
            if action.status == 429:
                return _error(429, "rate limited", {"Retry-After": str(action.retry_after)})
            if action.status is not None:
                return _error(action.status, "silo unavailable" if action.status == 503 else "internal error")
            q = request.query_params
            try:
                page_size = int(q.get("page_size", DEFAULT_PAGE_SIZE))
                if not 1 <= page_size <= MAX_PAGE_SIZE:
                    raise ValueError
            except ValueError:
                return _error(400, f"page_size must be an integer between 1 and {MAX_PAGE_SIZE}")
            where: list[str] = []
            args: list[str | int] = []
            if q.get("updated_since"):
                try:
                    where.append("updated_at >= ?")
                    args.append(canonical(q["updated_since"]))
                except ValueError:
                    return _error(400, "updated_since must be an ISO-8601 timestamp")
            if q.get("page_token"):
                try:
                    after = decode_token(q["page_token"])
                except ValueError:
                    return _error(400, "invalid page_token")
                where.append("(updated_at, id) > (?, ?)")
                args.extend(after)
            sql = f"SELECT id, updated_at, doc FROM {table}"
            if where:
                sql += " WHERE " + " AND ".join(where)
            sql += " ORDER BY updated_at, id LIMIT ?"
            args.append(page_size + 1)
            conn = sqlite3.connect(db_path, timeout=30)
            try:
                conn.execute("PRAGMA query_only=ON")
                rows = conn.execute(sql, args).fetchall()
            finally:
                conn.close()
            more = len(rows) > page_size
            rows = rows[:page_size]
            token = encode_token(rows[-1][1], rows[-1][0]) if more else None
            body = '{"items":[' + ",".join(r[2] for r in rows) + '],"next_page_token":' + json.dumps(token) + "}"
            if action.malformed:
                body = body[: len(body) // 2]
            return Response(body, media_type="application/json")

        return endpoint

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    app_routes = [Route("/healthz", healthz)]
    app_routes += [Route(f"/api/v1/{path}", list_endpoint(table)) for path, table in routes.items()]
    app = Starlette(routes=app_routes)
    app.state.faults = faults
    return app


def boss_app(data_dir: Path, api_key: str, faults: Faults | None = None) -> Starlette:
    """BOSS: customers, accounts, subscriptions, orders (``app.state.faults`` holds the fault plan)."""
    return _make_app(Path(data_dir) / "boss.db", _BOSS_ROUTES, api_key, faults)


def keyaccount_app(data_dir: Path, api_key: str, faults: Faults | None = None) -> Starlette:
    """Key-account system: enterprises, contacts, account managers, contracts."""
    return _make_app(Path(data_dir) / "keyaccount.db", _KA_ROUTES, api_key, faults)
