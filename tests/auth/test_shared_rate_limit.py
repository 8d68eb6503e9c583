"""Per-caller limits across processes: shared in Redis when configured, a share per worker without it."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import pytest
from starlette.testclient import TestClient

from c360.app.factory import create_app
from c360.config import ConfigError, RedisSettings, Secret, ServerSettings, Settings, load_settings
from c360.hub.auth import create_key
from c360.hub.auth.ratelimit import caller_limiter, worker_share
from c360.hub.db import create_db_engine
from tests.helpers.redis_server import REDIS_URL

NOBODY_LISTENS = "redis://127.0.0.1:1/0"


def _limited(settings: Settings, *, per_minute: int, lookups: int = 60, redis_url: str | None, prefix: str = "c360:", workers: int | None = None) -> Settings:
    return dataclasses.replace(
        settings,
        auth=dataclasses.replace(settings.auth, rate_limit_per_minute=per_minute, lookups_per_minute=lookups),
        redis=RedisSettings(url=Secret(redis_url) if redis_url else None, key_prefix=prefix),
        server=dataclasses.replace(settings.server, workers=workers),
    )


def test_two_limiters_share_one_budget_in_redis(settings: Settings, redis_prefix: str) -> None:
    shared = _limited(settings, per_minute=3, redis_url=REDIS_URL, prefix=redis_prefix, workers=2)
    one, other = caller_limiter(shared, "requests"), caller_limiter(shared, "requests")
    assert [one.take("caller"), other.take("caller"), one.take("caller")] == [0.0, 0.0, 0.0]
    assert other.take("caller") >= 1 and one.take("caller") >= 1  # 3 in all, not 3 per process
    assert one.take("someone else") == 0.0  # each caller has a bucket of its own


def _key(settings: Settings, *scopes: str) -> str:
    engine = create_db_engine(settings.database_url)
    try:
        return create_key(engine, "channel", set(scopes)).key
    finally:
        engine.dispose()


def test_two_apps_share_the_request_limit_and_the_lookup_budget(settings: Settings, people: dict[str, str], redis_prefix: str) -> None:
    shared = _limited(settings, per_minute=4, lookups=2, redis_url=REDIS_URL, prefix=redis_prefix, workers=2)
    key = _key(settings, "customer:read", "customer:lookup")
    headers = {"Authorization": f"Bearer {key}"}
    lookup = {"query": '{ customerBy(phone: "13800138000") { id } }'}
    with TestClient(create_app(shared)) as one, TestClient(create_app(shared)) as other:
        assert "errors" not in one.post("/graphql", json=lookup, headers=headers).json()
        assert "errors" not in other.post("/graphql", json=lookup, headers=headers).json()
        third = one.post("/graphql", json=lookup, headers=headers).json()  # over the look-up budget of 2 in all
        assert third["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
        assert other.post("/graphql", json={"query": "{ hub { version } }"}, headers=headers).status_code == 200
        refused = one.post("/graphql", json={"query": "{ hub { version } }"}, headers=headers)  # the 5th request
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
        assert other.post("/graphql", json={"query": "{ hub { version } }"}, headers=headers).status_code == 429


def test_unreachable_redis_fails_open_to_the_local_share_and_warns_once(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    broken = _limited(settings, per_minute=4, redis_url=NOBODY_LISTENS, workers=2)
    limiter = caller_limiter(broken, "requests")
    with caplog.at_level(logging.WARNING, logger="c360.hub.auth.redis_buckets"):
        answers = [limiter.take("caller") for _ in range(3)]
    assert answers[:2] == [0.0, 0.0] and answers[2] >= 1  # this worker's share: 4 // 2
    warnings = [record for record in caplog.records if "Redis unreachable" in record.getMessage()]
    assert len(warnings) == 1 and "127.0.0.1:1" not in warnings[0].getMessage()  # once, and no address (may hold a password)


def test_without_redis_each_worker_enforces_its_share(settings: Settings) -> None:
    assert [worker_share(600, 4), worker_share(3, 4), worker_share(0, 4), worker_share(60, 1)] == [150, 1, 0, 60]
    limiter = caller_limiter(_limited(settings, per_minute=6, redis_url=None, workers=3), "requests")
    assert [limiter.take("caller") for _ in range(3)][:2] == [0.0, 0.0] and limiter.take("caller") >= 1
    alone = caller_limiter(_limited(settings, per_minute=6, redis_url=None, workers=None), "requests")
    assert all(alone.take("caller") == 0.0 for _ in range(6)) and alone.take("caller") >= 1


def test_redis_and_worker_settings(tmp_path: Any) -> None:
    env = {"C360_REDIS_URL": "redis://:pw@cache:6379/1", "C360_WORKERS": "3", "C360_REDIS_PREFIX": "hub-a:"}
    loaded = load_settings(env, cwd=tmp_path)
    assert loaded.redis.url is not None and loaded.redis.url.reveal() == "redis://:pw@cache:6379/1"
    assert "pw" not in repr(loaded.redis) and loaded.redis.key_prefix == "hub-a:"
    assert loaded.server == ServerSettings(workers=3)
    (tmp_path / "c360.toml").write_text('[redis]\nurl = "redis://localhost:6379/0"\n[server]\nworkers = 2\n')
    from_file = load_settings({}, cwd=tmp_path)
    assert from_file.redis.url == Secret("redis://localhost:6379/0") and from_file.server.workers == 2
    assert Settings().redis.url is None  # the embedded default: no Redis
    with pytest.raises(ConfigError, match="Redis url"):
        load_settings({"C360_REDIS_URL": "http://cache:6379"}, cwd=tmp_path)
    with pytest.raises(ConfigError, match="workers"):
        load_settings({"C360_WORKERS": "0"}, cwd=tmp_path)
