"""A full sync flags as deleted only what the stream that produced a record no longer delivers.

Every built-in connector reads its simulated silo (REST on loopback, SQLite,
drop folders) with identity resolution, as ``c360 sync`` does. Several streams
of one silo write the same kinds (key-account enterprises and contacts both
land parties and party relations; the call center's service requests and
calls both land callers), so a full read of one stream must not judge the
records of another.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from simulated_hub import BUILT_IN, SimulatedHub, managers_in_view, partition, sweep_like_before_streams
from typer.testing import CliRunner

from c360.app.cli import main as cli_main


@pytest.mark.parametrize("source", BUILT_IN)
def test_a_full_sync_of_an_up_to_date_source_changes_nothing(hub: SimulatedHub, source: str) -> None:
    xrefs, live, deleted = hub.xrefs(), hub.records(deleted=False), hub.records(deleted=True)
    assert live and xrefs
    for outcome in hub.sync(source, full=True):  # each stream of the source in turn
        assert outcome.counts.deleted == 0, outcome.stream
    assert hub.xrefs() == xrefs
    assert hub.records(deleted=False) == live
    assert hub.records(deleted=True) == deleted


def test_c360_sync_full_keyaccount_keeps_the_account_managers_in_the_360_view(
    hub: SimulatedHub, database_url: str, work_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    managed = hub.managed_enterprises()
    assert len(managed) >= 5
    assert all(managers_in_view(database_url, managed).values())
    xrefs = hub.xrefs()
    (work_dir / "c360.toml").write_text(hub.toml())
    monkeypatch.setenv("C360_DATABASE_URL", database_url)
    result = CliRunner().invoke(cli_main.app, ["sync", "--full", hub.stream("keyaccount")])
    assert result.exit_code == 0, result.output
    assert hub.xrefs() == xrefs
    assert hub.managed_enterprises() == managed
    views = managers_in_view(database_url, managed)
    assert all(views.values()), [gid for gid, manager in views.items() if manager is None]


def test_records_deleted_in_the_silo_are_flagged_by_the_full_sync_of_their_stream(hub: SimulatedHub) -> None:
    live, deleted = hub.records(deleted=False), hub.records(deleted=True)
    enterprises = hub.delete_in_silo("keyaccount.db", "enterprises", "id", 2)
    contacts = hub.delete_in_silo("keyaccount.db", "contacts", "id", 3)
    customers = hub.delete_in_silo("boss.db", "customers", "id", 2)
    bills = hub.delete_in_silo("billing.db", "bills", "bill_id", 2)
    gone = {("keyaccount", kind, f"ent:{e}") for e in enterprises for kind in ("party", "party_relation")}
    gone |= {("keyaccount", kind, f"contact:{c}") for c in contacts for kind in ("party", "party_relation")}
    gone |= {("boss", "party", c) for c in customers} | {("billing", "bill", b) for b in bills}
    gone &= live  # an enterprise without a manager has no relation record

    for source in BUILT_IN:
        hub.sync(source, full=True)

    assert len(gone) >= 8
    assert hub.records(deleted=True) - deleted == gone
    assert live - hub.records(deleted=False) == gone
    assert not {key for key in gone if key in hub.xrefs() and key[1] == "party"}


def test_records_flagged_by_a_full_sync_of_another_stream_come_back_with_a_full_sync(
    hub: SimulatedHub, database_url: str
) -> None:
    xrefs, live, managed = hub.xrefs(), hub.records(deleted=False), hub.managed_enterprises()
    sweep_like_before_streams(hub)
    assert hub.managed_enterprises() == set()  # the broken state: every manager relation is flagged
    assert len(live - hub.records(deleted=False)) >= 10

    hub.sync("keyaccount", full=True)

    assert hub.records(deleted=False) == live
    assert hub.managed_enterprises() == managed
    assert all(managers_in_view(database_url, managed).values())
    assert partition(hub.xrefs()) == partition(xrefs)
