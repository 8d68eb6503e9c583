"""Routes for the pages and their static assets, with a content policy that keeps them on this origin."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

__all__ = ["STATIC_DIR", "CONTENT_POLICY", "console_page", "graphiql_page", "web_routes"]

STATIC_DIR = Path(__file__).resolve().parent / "static"

# Scripts, styles and connections only to this origin (fonts and icons are inlined as data: URLs):
# a page that tried to load anything from elsewhere would be refused by the browser as well.
CONTENT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
_HEADERS = {
    "Content-Security-Policy": CONTENT_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


@cache
def _page(name: str) -> str:
    return (STATIC_DIR / name).read_text(encoding="utf-8")


def graphiql_page() -> HTMLResponse:
    """GraphiQL with the explorer, loaded from the hub itself; served at ``GET /graphql`` (HTML)."""
    return HTMLResponse(_page("graphiql/index.html"), headers=_HEADERS)


async def console_page(_request: Request) -> Response:
    """The clerk's console: a static page; the key is typed in and kept in the browser tab only."""
    return HTMLResponse(_page("console/index.html"), headers=_HEADERS)


async def _to_console(_request: Request) -> Response:
    return RedirectResponse("/console", status_code=307)


def web_routes() -> list[BaseRoute]:
    """``/console`` and ``/static/…``; neither is behind the API gate, as neither holds data."""
    return [
        Route("/console", console_page, methods=["GET"]),
        Route("/console/", _to_console, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR, follow_symlink=False), name="static"),
    ]
