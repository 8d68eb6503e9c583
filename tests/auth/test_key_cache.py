"""API keys are read once per key_cache_seconds; a revocation reaches every process at once on PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from typing import Any

import pytest
from sqlalchemy import event
from starlette.testclient import TestClient

from c360.app.factory import create_app
from c360.config import Settings
from c360.hub.auth import Caller, create_key, revoke_key
from c360.hub.auth.key_cache import KeyCache
from c360.hub.auth.keys import verify_key
from c360.hub.db import create_async_db_engine, create_db_engine

VIEW = "query($id: ID!) { customer(id: $id) { id } }"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _issue(database_url: str) -> tuple[str, str]:
    engine = create_db_engine(database_url)
    try:
        issued = create_key(engine, "channel", {"customer:read"})
        return issued.key, issued.key_id
    finally:
        engine.dispose()


def _revoke(database_url: str, key_id: str) -> None:
    engine = create_db_engine(database_url)
    try:
        revoke_key(engine, key_id)
    finally:
        engine.dispose()


def test_a_key_is_read_once_per_ttl_and_its_secret_checked_every_time(database_url: str) -> None:
    key, key_id = _issue(database_url)
    clock = Clock()
    cache = KeyCache(5, clock=clock)

    async def main() -> list[Any]:
        engine = create_async_db_engine(database_url)
        reads: list[str] = []
        event.listen(
            engine.sync_engine, "before_cursor_execute", lambda _c, _cur, sql, *_rest: reads.append(sql)
        )
        try:
            answers = [await verify_key(engine, key, cache), await verify_key(engine, key, cache)]
            answers.append(await verify_key(engine, key[:-3] + "xyz", cache))  # right key id, wrong secret
            answers.append(len(reads))
            _revoke(database_url, key_id)
            answers.append(await verify_key(engine, key, cache))  # still trusted: read 1 s ago
            clock.now += 5
            answers.append(await verify_key(engine, key, cache))  # ttl over: read again
            return answers
        finally:
            await engine.dispose()

    first, second, wrong, reads, cached, after = asyncio.run(main())
    assert isinstance(first, Caller) and first == second
    assert wrong == "unknown API key"
    assert reads == 1
    assert isinstance(cached, Caller)
    assert after == "revoked API key"


def test_unknown_keys_are_not_kept() -> None:
    cache = KeyCache(5, size=2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (None, 2, 3)
    assert KeyCache(0).get("x") is None


class SlowReads:
    """A key read that takes a while, counting how often it ran."""

    def __init__(self) -> None:
        self.count = 0
        self.release = asyncio.Event()

    async def __call__(self, key_id: str) -> str:
        self.count += 1
        await self.release.wait()
        return f"row of {key_id}"


def test_requests_arriving_while_a_key_is_read_share_that_one_read() -> None:
    async def main() -> None:
        cache, reads = KeyCache(5), SlowReads()
        waiting = [asyncio.ensure_future(cache.fetch("k1", reads)) for _ in range(16)]
        await asyncio.sleep(0)
        waiting[0].cancel()  # a client that went away does not take the read from the others
        await asyncio.sleep(0)
        reads.release.set()
        answers = await asyncio.gather(*waiting[1:])
        assert answers == ["row of k1"] * 15 and reads.count == 1
        assert await cache.fetch("k1", reads) == "row of k1" and reads.count == 1  # kept
        assert await cache.fetch("k2", reads) == "row of k2" and reads.count == 2  # another key: its own read

    asyncio.run(main())


def test_a_revocation_heard_during_a_read_keeps_its_row_out_of_the_cache() -> None:
    async def main() -> None:
        cache, reads = KeyCache(5), SlowReads()
        reading = asyncio.ensure_future(cache.fetch("k1", reads))
        while not reads.count:
            await asyncio.sleep(0)
        cache.forget("k1")  # the revocation commits while the row (read before it) is on its way
        reads.release.set()
        assert await reading == "row of k1"  # the requests that waited for it are answered with it
        assert cache.get("k1") is None  # but the next request reads the key again
        assert await cache.fetch("k1", reads) == "row of k1" and reads.count == 2

    asyncio.run(main())


@pytest.mark.postgres_only
def test_a_revocation_reaches_the_app_at_once_on_postgresql(
    settings: Settings, people: dict[str, str]
) -> None:
    patient = dataclasses.replace(settings, auth=dataclasses.replace(settings.auth, key_cache_seconds=3600))
    key, key_id = _issue(settings.database_url)
    with TestClient(create_app(patient)) as client:
        client.portal.call(client.app.state.revocations.listening.wait)  # type: ignore[attr-defined, union-attr]
        headers = {"X-API-Key": key}
        assert (
            client.post(
                "/graphql", json={"query": VIEW, "variables": {"id": people["me"]}}, headers=headers
            ).status_code
            == 200
        )
        _revoke(settings.database_url, key_id)
        deadline = time.monotonic() + 10
        while True:
            answer = client.post(
                "/graphql", json={"query": VIEW, "variables": {"id": people["me"]}}, headers=headers
            )
            if answer.status_code == 401:
                break
            assert time.monotonic() < deadline, "the revocation did not reach the app"
            time.sleep(0.05)
        assert "revoked" in answer.json()["errors"][0]["message"]


def test_a_key_id_no_key_can_have_is_refused_without_a_read(database_url: str) -> None:
    """A U+0000 in the key id made PostgreSQL refuse the read: the caller got 503, "cannot check credentials"."""

    async def main() -> tuple[Any, int]:
        engine = create_async_db_engine(database_url)
        reads: list[str] = []
        event.listen(engine.sync_engine, "before_cursor_execute", lambda _c, _cur, sql, *_rest: reads.append(sql))
        try:
            return await verify_key(engine, "c360k_abc\x00defghij_" + "s" * 30, KeyCache(5)), len(reads)
        finally:
            await engine.dispose()

    assert asyncio.run(main()) == ("malformed API key", 0)
