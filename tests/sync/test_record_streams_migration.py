"""Migration 0008 on a database that full syncs had already damaged: who delivers each record comes
from the run history, and the streams whose records a sibling's full read flagged read everything again."""

from __future__ import annotations

from alembic import command
from simulated_hub import SimulatedHub, managers_in_view, partition, sweep_like_before_streams
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from c360.hub.db import create_db_engine
from c360.hub.db.migrate import alembic_config, current_revision, head_revision, upgrade
from c360.hub.models import SourceRecord, SyncState


def _downgrade(url: str, revision: str) -> None:
    """The other way from ``c360.hub.db.migrate.upgrade``: the database as it was before ``revision``'s successors."""
    config = alembic_config(url)
    engine = create_db_engine(url)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, revision)
    finally:
        engine.dispose()


def _streams(engine: Engine) -> dict[tuple[str, str, str], list[str]]:
    with Session(engine) as session:
        rows = session.execute(select(SourceRecord.source, SourceRecord.kind, SourceRecord.source_key, SourceRecord.streams))
        return {(source, kind, key): streams for source, kind, key, streams in rows}


def _cursors(engine: Engine) -> dict[str, dict[str, object]]:
    with Session(engine) as session:
        return {f"{s.connector}.{s.stream}": dict(s.cursor) for s in session.scalars(select(SyncState))}


def test_upgrade_names_each_records_streams_and_the_next_run_repairs_what_a_sibling_flagged(
    hub: SimulatedHub, engine: Engine, database_url: str
) -> None:
    written = _streams(engine)
    xrefs, live, managed = hub.xrefs(), hub.records(deleted=False), hub.managed_enterprises()
    gone = hub.delete_in_silo("keyaccount.db", "enterprises", "id", 1)  # really deleted, by its own stream's full read
    hub.sync("keyaccount.enterprises", full=True)
    sweep_like_before_streams(hub)  # then the contacts' full read flags every other enterprise
    assert hub.managed_enterprises() == set()
    cursors = _cursors(engine)

    engine.dispose()
    _downgrade(database_url, "0007")
    upgrade(database_url)
    assert current_revision(engine) == head_revision()

    assert _streams(engine) == written  # every record, from the run history alone
    for (source, kind, key), streams in written.items():
        if source == "keyaccount" and kind in ("party", "party_relation"):
            assert streams == [hub.stream("keyaccount.enterprises" if key.startswith("ent:") else "keyaccount.contacts")]
    assert {name for names in written.values() for name in names} == {
        f"{connector}.{stream.name}" for connector, c in hub.connectors.items() for stream in c.streams()
    }
    after, enterprises = _cursors(engine), hub.stream("keyaccount.enterprises")
    assert after[enterprises] == {} != cursors[enterprises]
    assert {name: cursor for name, cursor in after.items() if name != enterprises} == {
        name: cursor for name, cursor in cursors.items() if name != enterprises
    }

    hub.sync("keyaccount")  # an ordinary incremental sync now repairs
    lost = {("keyaccount", kind, f"ent:{gone[0]}") for kind in ("party", "party_relation")} & live
    assert hub.records(deleted=False) == live - lost
    repaired = hub.managed_enterprises()
    assert len(repaired) == len(managed) - len({key for key in lost if key[1] == "party_relation"})
    assert all(managers_in_view(database_url, repaired).values())
    assert partition(hub.xrefs()) == {group - lost for group in partition(xrefs)} - {frozenset()}


def test_upgrade_leaves_a_flag_its_own_stream_confirmed_since(hub: SimulatedHub, engine: Engine, database_url: str) -> None:
    gone = hub.delete_in_silo("keyaccount.db", "enterprises", "id", 1)
    sweep_like_before_streams(hub)  # flags the enterprise that is gone along with the live ones
    hub.sync("keyaccount.enterprises", full=True)  # brings the live ones back; the gone one stays flagged
    lost = ("keyaccount", "party", f"ent:{gone[0]}")
    assert lost in hub.records(deleted=True)
    flagged, cursors = hub.records(deleted=True), _cursors(engine)

    engine.dispose()
    _downgrade(database_url, "0007")
    upgrade(database_url)

    assert _cursors(engine) == cursors  # nothing misjudged is left: no stream needs to read everything again
    assert hub.records(deleted=True) == flagged
