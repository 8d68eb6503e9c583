"""Migration 0011 on a database written before it: every event stays, its key now belongs to its caller,
and keys named after a channel are bound to it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from c360.hub.db import create_db_engine
from c360.hub.db.migrate import alembic_config, current_revision, head_revision, upgrade

AT = datetime(2024, 5, 1, tzinfo=UTC)


def _migrate(url: str, revision: str, *, down: bool) -> None:
    config = alembic_config(url)
    engine = create_db_engine(url)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            (command.downgrade if down else command.upgrade)(config, revision)
    finally:
        engine.dispose()


def _event(connection: sa.Connection, seq: int, recorded_by: str, key: str | None) -> None:
    connection.execute(
        sa.text(
            "INSERT INTO event_log (seq, event_id, type, golden_id, channel, payload, occurred_at, recorded_at, recorded_by, "
            "idempotency_key, request_hash) VALUES (:seq, :event_id, 'contact.recorded', 'G1', 'web', '{}', :at, :at, :by, :key, 'h')"
        ),
        {"seq": seq, "event_id": f"e-{seq}", "at": AT, "by": recorded_by, "key": key},
    )


def _key(connection: sa.Connection, key_id: str, name: str) -> None:
    connection.execute(
        sa.text("INSERT INTO api_key (key_id, name, salt, key_hash, scopes, created_at) VALUES (:id, :name, 's', 'h', '[]', :at)"),
        {"id": key_id, "name": name, "at": AT},
    )


def test_upgrade_keeps_every_event_and_scopes_keys_to_their_caller(engine: Engine, database_url: str) -> None:
    engine.dispose()
    _migrate(database_url, "0010", down=True)
    with engine.begin() as connection:
        _event(connection, 1, "key:call-center:aaaaaaaaaaaa", "k-1")
        _event(connection, 2, "key:web:bbbbbbbbbbbb", "k-2")
        _event(connection, 3, "key:web:bbbbbbbbbbbb", None)
        _key(connection, "aaaaaaaaaaaa", "call-center")
        _key(connection, "bbbbbbbbbbbb", "Web")
        _key(connection, "cccccccccccc", "integration-bus")
        with pytest.raises(IntegrityError), connection.begin_nested():  # before: one key text for the whole log
            _event(connection, 4, "key:web:bbbbbbbbbbbb", "k-1")
    before = _rows(engine)

    upgrade(database_url)
    assert current_revision(engine) == head_revision()
    assert _rows(engine) == before
    with engine.begin() as connection:
        _event(connection, 4, "key:web:bbbbbbbbbbbb", "k-1")  # another caller, same text: its own key
        with pytest.raises(IntegrityError), connection.begin_nested():
            _event(connection, 5, "key:call-center:aaaaaaaaaaaa", "k-1")
        channels = dict(connection.execute(sa.text("SELECT name, channels FROM api_key")).all())
    assert {name: _json(value) for name, value in channels.items()} == {
        "call-center": ["call_center"], "Web": ["web"], "integration-bus": None,
    }

    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM event_log WHERE seq = 4"))
    engine.dispose()
    _migrate(database_url, "0010", down=True)  # and back, while no two callers share a key text
    assert _rows(engine) == before


def _rows(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text("SELECT seq, recorded_by, idempotency_key FROM event_log ORDER BY seq"))]


def _json(value: object) -> object:
    return json.loads(value) if isinstance(value, str) else value
