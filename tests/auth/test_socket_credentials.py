"""An open WebSocket lives no longer than its credential: closed with 4403 at its token's exp and on its key's revocation.

Real servers on loopback, real graphql-transport-ws clients. Before, the credential was checked at
``connection_init`` only: an expired token and a revoked key both kept receiving events.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import websockets
from starlette.applications import Starlette

from c360.app.factory import create_app
from c360.config import Settings
from c360.hub.auth import issue_token, revoke_key, rotate_key
from c360.hub.db import create_db_engine
from tests.auth.conftest import issue_key
from tests.helpers.serving import app_in_thread

pytestmark = pytest.mark.reliability  # the abuse list of the reliability suite (docs/security.md)

SUBSCRIBE = "subscription($f: ContactEventFilter) { contactEvents(filter: $f) { customerId summary } }"
RECORD = """mutation($id: ID!, $s: String) { recordContact(input: {customer: {id: $id}, channel: APP, type: INQUIRY,
    occurredAt: "2024-05-01T09:30:00+00:00", summary: $s}) { event { seq } } }"""
CLOSE_WAIT = 10.0  # seconds a socket is given to be closed (the polling interval is 1 s on SQLite)


@contextlib.contextmanager
def running(settings: Settings) -> Iterator[tuple[str, Starlette]]:
    """The hub on a free loopback port: its WebSocket URL and its app."""
    app = create_app(settings)
    with app_in_thread(app) as url:
        yield url, app


def _patient(settings: Settings, backend: str) -> Settings:
    """On PostgreSQL, keys cached for an hour: only the revocation notice can close a socket in time.
    On SQLite (no notices) revocations are polled every key_cache_seconds: 1 s here."""
    seconds = 3600 if backend == "postgresql" else 1
    return dataclasses.replace(settings, auth=dataclasses.replace(settings.auth, key_cache_seconds=seconds))


def _listening(app: Starlette, backend: str) -> None:
    if backend != "postgresql":
        return
    deadline = time.monotonic() + 10
    while not app.state.revocations.listening.is_set():
        assert time.monotonic() < deadline, "the revocation listener did not start"
        time.sleep(0.02)


def _on_keys(settings: Settings, change: Callable[[Any, str], Any], key_id: str) -> None:
    engine = create_db_engine(settings.database_url)
    try:
        change(engine, key_id)
    finally:
        engine.dispose()


async def _subscribed(url: str, credential: str, filter_: dict[str, Any] | None = None) -> Any:
    ws = await websockets.connect(url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
    await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {credential}"}}))
    assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "connection_ack"
    frame = {"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE, "variables": {"f": filter_}}}
    await ws.send(json.dumps(frame))
    return ws


async def _summaries_until_closed(ws: Any, within: float) -> tuple[list[str], int | None]:
    """Events received until the server closes the socket, and its close code (None: still open after ``within``)."""
    got: list[str] = []
    deadline = time.monotonic() + within
    try:
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), max(0.01, deadline - time.monotonic())))
            if message["type"] == "next":
                got.append(message["payload"]["data"]["contactEvents"]["summary"])
    except websockets.ConnectionClosed as closed:
        return got, closed.rcvd.code if closed.rcvd else None
    except TimeoutError:
        await ws.close()
        return got, None


async def _next_summary(ws: Any) -> str:
    message = json.loads(await asyncio.wait_for(ws.recv(), 10))
    assert message["type"] == "next", message
    return str(message["payload"]["data"]["contactEvents"]["summary"])


async def _record(url: str, writer: str, customer_id: str, summary: str) -> None:
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {writer}"}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        payload = {"query": RECORD, "variables": {"id": customer_id, "s": summary}}
        await ws.send(json.dumps({"id": "w", "type": "subscribe", "payload": payload}))
        answer = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert answer["type"] == "next" and "errors" not in answer["payload"], answer


def test_a_socket_is_closed_when_its_token_expires(settings: Settings, people: dict[str, str]) -> None:
    token = issue_token(settings.auth, people["me"], ttl=timedelta(seconds=5))
    writer, _ = issue_key(settings, "contact:write")

    async def main(url: str) -> tuple[str, list[str], int | None]:
        ws = await _subscribed(url, token, {"customerIds": [people["me"]]})
        await asyncio.sleep(0.3)  # subscribed before anything is recorded
        await _record(url, writer, people["me"], "before expiry")
        first = await _next_summary(ws)
        rest, code = await _summaries_until_closed(ws, CLOSE_WAIT)
        return first, rest, code

    with running(settings) as (url, _app):
        first, rest, code = asyncio.run(main(url))
    assert first == "before expiry"
    assert code == 4403, "the socket outlived its token"
    assert rest == []


@pytest.mark.parametrize("change", [revoke_key, rotate_key], ids=["revoke", "rotate"])
def test_a_socket_is_closed_when_its_key_is_revoked(
    settings: Settings, people: dict[str, str], backend: str, change: Callable[[Any, str], Any]
) -> None:
    settings = _patient(settings, backend)
    revoked, revoked_id = issue_key(settings, "events:subscribe")  # unfiltered: the whole feed
    kept, _ = issue_key(settings, "events:subscribe")
    writer, _ = issue_key(settings, "contact:write")

    async def main(url: str) -> tuple[list[str], int | None, str]:
        doomed = await _subscribed(url, revoked)
        other = await _subscribed(url, kept)
        await asyncio.sleep(0.3)
        await _record(url, writer, people["me"], "before")
        assert await _next_summary(doomed) == "before" and await _next_summary(other) == "before"
        await asyncio.to_thread(_on_keys, settings, change, revoked_id)
        got, code = await _summaries_until_closed(doomed, CLOSE_WAIT)
        await _record(url, writer, people["me"], "after")
        still = await _next_summary(other)  # another key's socket is not touched
        await other.close()
        return got, code, still

    with running(settings) as (url, app):
        _listening(app, backend)
        got, code, still = asyncio.run(main(url))
    assert code == 4403, "the socket outlived its key"
    assert got == []
    assert still == "after"


@pytest.mark.postgres_only
def test_a_revocation_closes_the_keys_sockets_in_every_process(settings: Settings, people: dict[str, str]) -> None:
    settings = _patient(settings, "postgresql")
    key, key_id = issue_key(settings, "events:subscribe")

    async def main(urls: list[str]) -> list[int | None]:
        sockets = [await _subscribed(url, key) for url in urls]
        await asyncio.sleep(0.3)
        await asyncio.to_thread(_on_keys, settings, revoke_key, key_id)
        return [(await _summaries_until_closed(ws, CLOSE_WAIT))[1] for ws in sockets]

    with running(settings) as (one, one_app), running(settings) as (other, other_app):
        _listening(one_app, "postgresql")
        _listening(other_app, "postgresql")
        codes = asyncio.run(main([one, other]))
    assert codes == [4403, 4403]
