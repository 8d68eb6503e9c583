"""`c360 resolve --full` gives the clusters incremental resolution built, on simulated silos synced for real."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from c360.connectors import registry
from c360.hub.identity.full_run import resolve_full
from c360.hub.identity.resolver import IdentityResolver
from c360.hub.transfer.xref_export import xref_rows
from c360.silos import build
from c360.silos.run import SiloServers
from c360.sync import run_stream

KEY = "test-key"
# Party-bearing streams, contacts and callers before the customers they resemble: incremental
# resolution sees the records in an order a full run never does.
ORDER = (("keyaccount", "contacts"), ("callcenter", "service_requests"), ("boss", "customers"),
         ("keyaccount", "enterprises"), ("callcenter", "calls"), ("boss", "subscriptions"))
# Subscriptions and the calls from their numbers before the customers holding them: a caller attaches
# to its number's subscriber, who lands last (the order a scheduler running streams in parallel can give).
PARTIES_LAST = (("boss", "subscriptions"), ("callcenter", "calls"), ("keyaccount", "contacts"),
                ("callcenter", "service_requests"), ("boss", "customers"), ("keyaccount", "enterprises"))


def partition(engine: Engine) -> dict[str, frozenset[str]]:
    """Each party record → the set of records in its customer (independent of golden ids)."""
    groups: dict[str, set[str]] = {}
    for source, key, gid in xref_rows(engine, include_deleted=True):
        if gid is not None:
            groups.setdefault(gid, set()).add(f"{source}:{key}")
    return {member: frozenset(group) for group in groups.values() for member in group}


@pytest.fixture(scope="module")
def silo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("silos")
    build(data, 300, 7)
    return data


@pytest.mark.parametrize("order", [ORDER, PARTIES_LAST], ids=["contacts-first", "parties-last"])
def test_full_resolution_equals_incremental(
    engine: Engine, silo_dir: Path, monkeypatch: pytest.MonkeyPatch, order: tuple[tuple[str, str], ...]
) -> None:
    monkeypatch.setenv("C360_BOSS_API_KEY", KEY)
    monkeypatch.setenv("C360_KEYACCOUNT_API_KEY", KEY)
    with SiloServers(silo_dir, api_key=KEY) as servers:
        tables = registry.demo_connectors_config(
            boss_url=servers.boss_url, keyaccount_url=servers.keyaccount_url, billing_dsn=servers.billing_dsn,
            callcenter_dir=servers.callcenter_dir, bi_dir=servers.bi_dir,
        )
        resolver = IdentityResolver()
        for connector_name, stream_name in order:
            table = dict(tables[connector_name], page_size=40)  # many small pages: many incremental steps
            connector = registry.build(connector_name, table)
            try:
                stream = next(s for s in connector.streams() if s.name == stream_name)
                outcome = run_stream(engine, connector_name, stream, full=True, handler=resolver)
                assert outcome.ok, outcome.error
            finally:
                connector.close()

    incremental = partition(engine)
    sizes = {len(group) for group in incremental.values()}
    sources = {frozenset(m.split(":", 1)[0] for m in group) for group in incremental.values()}
    assert len(incremental) > 300 and max(sizes) > 2  # real clusters, not all singletons
    assert frozenset({"boss", "keyaccount"}) <= set().union(*(s for s in sources if len(s) > 1))
    assert any({"boss", "callcenter"} <= s for s in sources)  # callers attached to customers

    resolve_full(engine)
    assert partition(engine) == incremental
    resolve_full(engine, batch_records=25)  # many batches of whole components: the same again
    assert partition(engine) == incremental
