"""Shared fixtures: a freshly migrated database of the kind selected for this run.

The suite runs once per database: SQLite by default, PostgreSQL when
``C360_TEST_DATABASE_URL`` names a server. On PostgreSQL each test gets
a schema of its own (created and dropped here), so parallel runs and the
developer's own data are never touched.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from c360.hub.db import create_db_engine, is_postgres
from c360.hub.db.migrate import upgrade

TEST_DATABASE_ENV = "C360_TEST_DATABASE_URL"


def _server_url() -> str | None:
    url = os.environ.get(TEST_DATABASE_ENV, "").strip()
    return url or None


def pytest_report_header(config: pytest.Config) -> str:
    url = _server_url()
    return f"c360 database: {make_url(url).render_as_string(hide_password=True) if url else 'sqlite (temporary files)'}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _server_url() and is_postgres(_server_url() or ""):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set C360_TEST_DATABASE_URL")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def backend() -> str:
    """'postgresql' or 'sqlite': the database this run tests against."""
    url = _server_url()
    return "postgresql" if url and is_postgres(url) else "sqlite"


def _admin_engine(server_url: str) -> Engine:
    admin = make_url(server_url).set(drivername="postgresql+psycopg")
    return create_engine(admin, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def fresh_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A factory: each call returns the URL of a new, empty database (dropped at session end).

    On PostgreSQL a "database" is a schema of its own in the server's database,
    selected through the connection's search_path: creating and dropping schemas
    costs milliseconds, where a database per test costs a checkpoint each.
    """
    server = _server_url()
    created: list[str] = []

    def make() -> str:
        if server is None or not is_postgres(server):
            return f"sqlite:///{tmp_path_factory.mktemp('db') / 'c360.db'}"
        name = f"c360_test_{uuid.uuid4().hex[:12]}"
        admin = _admin_engine(server)
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{name}"'))
        admin.dispose()
        created.append(name)
        url = make_url(server).update_query_dict({"options": f"-csearch_path={name}"})
        return url.render_as_string(hide_password=False)

    yield make
    if created and server is not None:
        admin = _admin_engine(server)
        with admin.connect() as connection:
            for name in created:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()


@pytest.fixture
def database_url(fresh_database_url: object) -> str:
    """A new database migrated to the latest schema, for one test."""
    url = fresh_database_url()  # type: ignore[operator]
    upgrade(url)
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def work_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test inside an empty working directory with no c360 settings leaking in."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("C360_") and name != TEST_DATABASE_ENV:
            monkeypatch.delenv(name)
    return tmp_path


@pytest.fixture
def full_access_key(database_url: str) -> str:
    """An API key with every scope but pii:read, in this test's database (for tests that are not about access control)."""
    from c360.hub.auth import ALL_SCOPES, create_key

    engine = create_db_engine(database_url)
    try:
        return create_key(engine, "tests", ALL_SCOPES - {"pii:read"}).key
    finally:
        engine.dispose()


@pytest.fixture
def auth_headers(full_access_key: str) -> dict[str, str]:
    """HTTP headers that authenticate as a caller with every scope but pii:read."""
    return {"Authorization": f"Bearer {full_access_key}"}
