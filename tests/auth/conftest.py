"""Access-control fixtures: two people, callers of each kind, an app that accepts self-service tokens."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from starlette.testclient import TestClient

from c360.app.factory import create_app
from c360.config import AuthSettings, Secret, Settings
from c360.hub.auth import Caller, create_key
from c360.hub.db import create_db_engine
from tests.api import factory
from tests.api.conftest import api, seed  # noqa: F401  (the schema-level runner and seeding, shared with the API tests)
from tests.helpers.redis_server import REDIS_URL
from tests.helpers.serving import app_in_thread

SECRET = Secret("test-secret-" + "x" * 40)
RIC = "11010519491231002X"
PHONE = "+8613800138000"
OTHER_PHONE = "+8613900139000"
EMAIL = "zhang.wei@example.cn"
ADDRESS = "北京市朝阳区建国路88号院3号楼"
CLEAR_VALUES = (RIC, "13800138000", "13900139000", EMAIL, "建国路88号")


def flush_audit(client: TestClient) -> None:
    """Wait until the app's audit writer has committed every row queued so far (it writes in the background)."""
    client.portal.call(client.app.state.audit.flush)  # type: ignore[attr-defined, union-attr]


def issue_key(settings: Settings, *scopes: str) -> tuple[str, str]:
    """A new channel API key with ``scopes`` in the settings' database: (the key, its id)."""
    engine = create_db_engine(settings.database_url)
    try:
        issued = create_key(engine, "channel", set(scopes))
        return issued.key, issued.key_id
    finally:
        engine.dispose()


def caller(*scopes: str, customer_id: str | None = None) -> Caller:
    kind = "self-service" if customer_id else "channel"
    return Caller(name=f"test:{'+'.join(scopes) or 'none'}", kind=kind, scopes=frozenset(scopes), customer_id=customer_id)


@pytest.fixture
def people(seed: Any) -> dict[str, str]:  # noqa: F811  (the fixture imported above)
    def build(session: Any) -> dict[str, str]:
        me = factory.customer(session, "张伟", ric=RIC, phone=PHONE, email=EMAIL, address=ADDRESS)
        other = factory.customer(session, "李娜", phone=OTHER_PHONE)
        firm = factory.customer(session, "闽江科技有限公司", kind="organization")
        factory.fact(session, factory.PartyRelation, firm, relation="contact", related_key="P1", title="IT", related_golden_id=other.id)
        return {"me": me.id, "other": other.id, "firm": firm.id}

    return seed(build)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, auth=AuthSettings(jwt_secret=SECRET))


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own on the local Redis (skips when no Redis runs; `.ci/run` starts one)."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError:
        client.close()
        pytest.skip("needs Redis on 127.0.0.1:6379 (.ci/run starts it)")
    prefix = f"c360test:{uuid.uuid4().hex}:"
    yield prefix
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()


@pytest.fixture
def server(settings: Settings) -> Iterator[str]:
    """The hub of ``settings`` on loopback, in a thread of this process; its WebSocket URL."""
    with app_in_thread(create_app(settings)) as url:
        yield url
