"""The hub synced from the simulated silos (``c360/silos/``) on loopback, with identity resolution, for sync tests.

``SimulatedHub`` runs streams the way ``c360 sync`` does (one after another,
``IdentityResolver`` as the ingest hook) and reads back what the index holds:
cross-references, which records are flagged deleted, the silos' own rows.

Each hub names its connectors ``<type>_<random>``: on PostgreSQL a stream's
lock is an advisory lock of the whole database, which the other tests'
schemas (and parallel runs) share.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from c360.config import Settings
from c360.connectors import Connector, registry
from c360.hub.identity.resolver import IdentityResolver
from c360.hub.ingest.facts import FACT_TABLES
from c360.hub.models import CrossReference, PartyRelation, SourceRecord, SyncRun, utcnow
from c360.silos import build
from c360.silos.run import SiloServers
from c360.sync import RunOutcome, run_stream, select_streams
from tests.api.conftest import Api

SIZE = 100
SEED = 3
KEY = "sim-key"
KEY_ENV = "SIMULATED_SILO_KEY"  # not C360_*: ``work_dir`` clears those
BUILT_IN = ("bi", "billing", "boss", "callcenter", "keyaccount")

MANAGER_QUERY = "query($id: ID!) { customer(id: $id) { accountManager { name } } }"

Record = tuple[str, str, str]  # (source, kind, source_key)


def simulated_silos(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The simulated silos, generated once per test session (``build`` reuses a built folder)."""
    root = tmp_path_factory.getbasetemp() / "simulated-silos"
    build(root, SIZE, seed=SEED)
    return root


def copy_silos(built: Path, into: Path) -> Path:
    """A private copy a test may change (delete silo rows) without touching the other tests' silos."""
    return Path(shutil.copytree(built, into / "silos"))


@dataclass
class SimulatedHub:
    engine: Engine
    servers: SiloServers
    names: dict[str, str]  # connector type -> this hub's name for it
    tables: dict[str, dict[str, Any]]  # the ``[connectors.*]`` tables the connectors were built from
    connectors: dict[str, Connector]
    resolver: IdentityResolver

    def stream(self, target: str) -> str:
        """``TYPE[.STREAM]`` as this hub names it (``keyaccount.contacts`` -> ``keyaccount_1a2b.contacts``)."""
        kind, dot, stream = target.partition(".")
        return f"{self.names[kind]}{dot}{stream}"

    def sync(self, target: str | None = None, *, full: bool = False) -> list[RunOutcome]:
        """Every stream ``target`` (``TYPE[.STREAM]``) names, in turn, as ``c360 sync [--full]`` runs them."""
        selected = select_streams(self.connectors, None if target is None else self.stream(target))
        outcomes = [run_stream(self.engine, name, stream, full=full, handler=self.resolver) for name, stream in selected]
        failed = [f"{o.connector}.{o.stream}: {o.error}" for o in outcomes if not o.ok]
        assert not failed, failed
        return outcomes

    def xrefs(self) -> dict[Record, tuple[str, str]]:
        """Every cross-reference: the record's golden customer and role."""
        with Session(self.engine) as session:
            rows = session.execute(
                select(SourceRecord.source, SourceRecord.kind, SourceRecord.source_key, CrossReference.golden_id,
                       CrossReference.role)
                .join(CrossReference, CrossReference.source_record_id == SourceRecord.id)
            )
            return {(source, kind, key): (golden, role) for source, kind, key, golden, role in rows}

    def records(self, *, deleted: bool) -> set[Record]:
        with Session(self.engine) as session:
            rows = session.execute(
                select(SourceRecord.source, SourceRecord.kind, SourceRecord.source_key)
                .where(SourceRecord.deleted.is_(deleted))
            )
            return {(source, kind, key) for source, kind, key in rows}

    def managed_enterprises(self) -> set[str]:
        """Golden ids of the customers that hold a live account-manager relation."""
        with Session(self.engine) as session:
            return set(session.scalars(
                select(PartyRelation.golden_id).where(
                    PartyRelation.relation == "account_manager", PartyRelation.deleted.is_(False),
                    PartyRelation.golden_id.is_not(None),
                )
            ))

    def delete_in_silo(self, database: str, table: str, key: str, count: int) -> list[str]:
        """Remove ``count`` rows from a silo's own database (records that vanish without a tombstone); their keys."""
        with sqlite3.connect(self.servers.data_dir / database) as silo:
            ids = [str(row[0]) for row in silo.execute(f"SELECT {key} FROM {table} ORDER BY {key} LIMIT ?", (count,))]
            silo.executemany(f"DELETE FROM {table} WHERE {key} = ?", [(id_,) for id_ in ids])
        silo.close()
        return ids


    def toml(self) -> str:
        """The same connectors as a ``c360.toml`` (JSON strings and numbers are TOML values too)."""
        return "".join(
            f"[connectors.{name}]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in table.items())
            for name, table in self.tables.items()
        )


def connector_tables(servers: SiloServers, names: dict[str, str]) -> dict[str, dict[str, Any]]:
    tables = registry.demo_connectors_config(
        boss_url=servers.boss_url, keyaccount_url=servers.keyaccount_url, billing_dsn=servers.billing_dsn,
        callcenter_dir=servers.callcenter_dir, bi_dir=servers.bi_dir,
        boss_api_key_env=KEY_ENV, keyaccount_api_key_env=KEY_ENV,
    )  # fmt: skip
    for table in tables.values():
        table["page_size"] = 50  # several pages per stream
    return {names[kind]: table for kind, table in tables.items()}


@contextmanager
def simulated_hub(engine: Engine, silos: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SimulatedHub]:
    """The silos in ``silos`` served on loopback and every built-in connector configured against them."""
    monkeypatch.setenv(KEY_ENV, KEY)
    with SiloServers(silos, api_key=KEY) as servers:
        names = {kind: f"{kind}_{uuid.uuid4().hex[:8]}" for kind in BUILT_IN}
        tables = connector_tables(servers, names)
        connectors = dict(registry.configured(Settings(connectors=tables)))
        try:
            yield SimulatedHub(engine, servers, names, tables, connectors, IdentityResolver())
        finally:
            for connector in connectors.values():
                connector.close()


def sweep_like_before_streams(hub: SimulatedHub) -> None:
    """What a full key-account ``contacts`` run did before deletion went by stream: it flagged every
    key-account party and relation it had not seen (the enterprises') and told identity resolution."""
    hub.sync("keyaccount.contacts", full=True)
    now = utcnow()
    with Session(hub.engine) as session, session.begin():
        run = session.scalars(select(SyncRun).order_by(SyncRun.id.desc()).limit(1)).one()
        swept = list(session.scalars(
            select(SourceRecord.id).where(
                SourceRecord.source == "keyaccount", SourceRecord.kind.in_(("party", "party_relation")),
                SourceRecord.deleted.is_(False), SourceRecord.last_seen < run.started_at,
            )
        ))
        session.execute(update(SourceRecord).where(SourceRecord.id.in_(swept)).values(deleted=True, deleted_at=now))
        relations = FACT_TABLES["party_relation"]
        session.execute(update(relations).where(relations.c.source_record_id.in_(swept)).values(deleted=True))
        hub.resolver.records_landed(session, swept)
        run.records_deleted += len(swept)
        run.finished_at = now + timedelta(microseconds=1)


def managers_in_view(database_url: str, golden_ids: set[str]) -> dict[str, object]:
    """The 360 view's ``accountManager`` of each customer, through the GraphQL schema."""
    api = Api(database_url)
    return {gid: api.data(MANAGER_QUERY, {"id": gid})["customer"]["accountManager"] for gid in sorted(golden_ids)}


def partition(xrefs: dict[tuple[str, str, str], tuple[str, str]]) -> set[frozenset[tuple[str, str, str]]]:
    """Which records share a customer, whatever the golden ids are called."""
    groups: dict[str, set[tuple[str, str, str]]] = {}
    for record, (golden, _role) in xrefs.items():
        groups.setdefault(golden, set()).add(record)
    return {frozenset(group) for group in groups.values()}
