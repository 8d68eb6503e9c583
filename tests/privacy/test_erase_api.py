"""eraseCustomer (scope steward) and `c360 erase`: the same erasure, audited with the caller or the operator."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from c360.app.factory import create_app
from c360.config import Settings
from c360.hub.auth import create_key
from c360.hub.models import AuditEntry, GoldenCustomer, SourceRecord
from tests.privacy.conftest import NAME, World

ERASE = "mutation($id: ID!, $r: String!) { eraseCustomer(id: $id, reason: $r) { customerId actor reason auditId partyRecords events } }"


def _post(client: TestClient, key: str, variables: dict[str, Any]) -> Any:
    return client.post("/graphql", json={"query": ERASE, "variables": variables}, headers={"Authorization": f"Bearer {key}"}).json()


def test_erase_customer_mutation(engine: Engine, database_url: str, world: World) -> None:
    steward = create_key(engine, "dpo-desk", {"steward"})
    channel = create_key(engine, "call-center", {"customer:read", "contact:write", "sync:admin"}).key
    with TestClient(create_app(Settings(database_url=database_url))) as client:
        refused = _post(client, channel, {"id": world.me, "r": "DSR-1"})
        assert refused["data"] is None and refused["errors"][0]["extensions"] == {"code": "FORBIDDEN", "scope": "steward"}
        unknown = _post(client, steward.key, {"id": "GNOPE", "r": "DSR-1"})
        assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        blank = _post(client, steward.key, {"id": world.me, "r": " "})
        assert blank["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        with Session(engine) as session:
            assert session.get(GoldenCustomer, world.me).display_name == NAME  # type: ignore[union-attr]
        done = _post(client, steward.key, {"id": world.me, "r": "DSR-1"})
    erased = done["data"]["eraseCustomer"]
    assert erased["customerId"] == world.me and erased["partyRecords"] == 2 and erased["reason"] == "DSR-1"
    assert erased["actor"] == f"key:dpo-desk:{steward.key_id}"
    with Session(engine) as session:
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "erase")).one()
        assert (audit.actor, audit.operation, str(audit.id)) == (erased["actor"], "mutation:eraseCustomer", erased["auditId"])
        assert session.get(GoldenCustomer, world.me).display_name is None  # type: ignore[union-attr]


def _c360(args: list[str], cwd: Path, database_url: str, answer: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("C360_")}
    env["C360_DATABASE_URL"] = database_url
    return subprocess.run([sys.executable, "-m", "c360", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, input=answer)


def test_erase_command(engine: Engine, database_url: str, world: World, work_dir: Path) -> None:
    unknown = _c360(["erase", "GNOPE", "--actor", "dpo", "--reason", "DSR-2", "--yes"], work_dir, database_url)
    assert unknown.returncode == 2 and "no golden customer" in unknown.stderr and "Traceback" not in unknown.stderr
    unconfirmed = _c360(["erase", world.me, "--actor", "dpo", "--reason", "DSR-2"], work_dir, database_url, answer="n\n")
    assert unconfirmed.returncode != 0 and "nothing erased" in unconfirmed.stderr
    with Session(engine) as session:
        assert session.get(GoldenCustomer, world.me).display_name == NAME  # type: ignore[union-attr]
    done = _c360(["erase", world.me, "--actor", "dpo", "--reason", "DSR-2", "--yes"], work_dir, database_url)
    assert done.returncode == 0, done.stderr
    assert f"erased customer {world.me}" in done.stdout and "2 party records" in done.stdout
    restore = _c360(["erase", "--allow-restore", "boss:party:C1", "--actor", "dpo", "--reason", "came back"], work_dir, database_url)
    assert restore.returncode == 0, restore.stderr
    with Session(engine) as session:
        rows = list(session.scalars(select(AuditEntry).where(AuditEntry.action == "erase").order_by(AuditEntry.id)))
        assert [(r.actor, r.operation, r.detail["reason"]) for r in rows] == [("dpo", "cli:erase", "DSR-2"), ("dpo", "erase.allow-restore", "came back")]
        record = session.scalars(select(SourceRecord).where(SourceRecord.source == "boss", SourceRecord.source_key == "C1", SourceRecord.kind == "party")).one()
        assert record.restore_allowed_at is not None
    both = _c360(["erase", world.me, "--allow-restore", "1", "--actor", "dpo", "--reason", "x"], work_dir, database_url)
    assert both.returncode == 2 and "either" in both.stderr
