"""The audit log cannot be rewritten: the database refuses UPDATE and DELETE, and the hub runs as a role without them."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, delete, func, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from c360.hub.auth import create_key
from c360.hub.db import create_db_engine
from c360.hub.models import AuditEntry
from tests.api import factory
from tests.demo_process import free_port, post_graphql
from tests.helpers.serving import serving

APP_ROLE_SQL = Path(__file__).resolve().parents[2] / "deploy" / "postgres" / "app-role.sql"
RECORD = """mutation($input: RecordContactInput!) { recordContact(input: $input) { event { seq } } }"""
VIEW = "query($id: ID!) { customer(id: $id) { id displayName } }"


def _one_row(engine: Engine) -> int:
    with Session(engine) as session, session.begin():
        return int(session.execute(insert(AuditEntry).values(actor="key:tests", action="read", operation="q:customer",
                                                             customer_id="G1", fields=[], detail={})  # fmt: skip
                                   .returning(AuditEntry.id)).scalar_one())


def _refused(engine: Engine, statement: Any) -> str:
    with pytest.raises(DBAPIError) as refused, Session(engine) as session, session.begin():
        session.execute(statement)
    return str(refused.value.orig)


def test_the_audit_log_refuses_update_and_delete(engine: Engine, backend: str) -> None:
    row = _one_row(engine)
    assert "append-only" in _refused(engine, update(AuditEntry).where(AuditEntry.id == row).values(actor="someone-else"))
    assert "append-only" in _refused(engine, delete(AuditEntry).where(AuditEntry.id == row))
    if backend == "postgresql":
        assert "append-only" in _refused(engine, text("TRUNCATE audit_log"))
    with Session(engine) as session:
        assert session.execute(select(AuditEntry.actor).where(AuditEntry.id == row)).scalar_one() == "key:tests"
    _one_row(engine)  # appending still works


@pytest.mark.postgres_only
def test_the_hub_serves_as_a_role_that_cannot_rewrite_the_audit(database_url: str, engine: Engine, work_dir: Path) -> None:
    with Session(engine) as session, session.begin():
        customer_id = factory.customer(session, "张伟").id
    role = f"c360_app_{uuid.uuid4().hex[:8]}"
    owner = make_url(database_url)
    libpq = owner.set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run(["psql", libpq, "-q", "-v", f"app_role={role}", "-v", "app_password=not-used-with-trust", "-f", str(APP_ROLE_SQL)],
                   check=True, capture_output=True, text=True)  # fmt: skip
    app_url = owner.set(username=role).render_as_string(hide_password=False)
    try:
        app = create_db_engine(app_url)
        try:
            _one_row(app)
            assert "permission denied" in _refused(app, update(AuditEntry).values(actor="someone-else"))
            assert "permission denied" in _refused(app, delete(AuditEntry))
            key = create_key(app, "app", {"customer:read", "contact:write"}).key  # the role writes what the hub writes
        finally:
            app.dispose()
        port = free_port()
        with serving(work_dir, app_url, port):
            contact = {"customer": {"id": customer_id}, "channel": "APP", "type": "INQUIRY",
                       "occurredAt": "2024-05-01T09:30:00+00:00", "summary": "asked about roaming"}  # fmt: skip
            assert post_graphql(port, key, RECORD, {"input": contact})["data"]["recordContact"]["event"]["seq"] > 0
            assert post_graphql(port, key, VIEW, {"id": customer_id})["data"]["customer"]["id"] == customer_id
        owner_engine = create_db_engine(database_url)
        try:
            with Session(owner_engine) as session:
                actions = dict(session.execute(select(AuditEntry.action, func.count()).where(AuditEntry.customer_id == customer_id)
                                               .group_by(AuditEntry.action)).all())  # fmt: skip
        finally:
            owner_engine.dispose()
        assert actions == {"write": 1, "read": 1}
    finally:
        admin = create_db_engine(database_url)
        try:
            with admin.connect() as connection:
                connection.execute(text(f'DROP OWNED BY "{role}"'))
                connection.execute(text(f'DROP ROLE "{role}"'))
                connection.commit()
        finally:
            admin.dispose()
