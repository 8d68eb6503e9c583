"""Bad input: a steward naming a record the hub does not have changes nothing; records that identify no one stay apart."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from c360.hub.identity import steward
from c360.hub.identity.steward import UnknownRecord
from c360.hub.models import AuditEntry, CrossReference, GoldenCustomer, SourceRecord, StewardDecision
from c360.records import PhoneRef, SubscriptionRecord
from tests.helpers.identity import T0, golden_of, land, partition, party, record_id


def _state(engine: Engine) -> tuple[object, ...]:
    with Session(engine) as session:
        counts = tuple(session.scalar(select(func.count()).select_from(m)) for m in (StewardDecision, AuditEntry, GoldenCustomer))
    return partition(engine), counts


@pytest.fixture
def two(engine: Engine) -> tuple[int, int, int]:
    land(engine, [party("boss", "A", name="周涛", phones=(PhoneRef(number="13955557777"),)),
                  party("boss", "B", name="吴芳", phones=(PhoneRef(number="13955558888"),)),
                  SubscriptionRecord(source="boss", source_key="S1", party_source="boss", party_key="A", msisdn="13955557777",
                                     updated_at=T0)])
    with Session(engine) as session:
        sub = session.execute(select(SourceRecord.id).where(SourceRecord.kind == "subscription")).scalar_one()
    return record_id(engine, "boss", "A"), record_id(engine, "boss", "B"), sub


@pytest.mark.parametrize("operation", ["merge", "never_merge", "unmerge"])
def test_unknown_or_non_party_record_is_refused_and_changes_nothing(engine: Engine, two: tuple[int, int, int], operation: str) -> None:
    a, b, subscription = two
    before = _state(engine)
    for bad in (999_999, subscription):
        with Session(engine) as session, session.begin(), pytest.raises(UnknownRecord, match=f"no party source record with id {bad}"):
            if operation == "unmerge":
                steward.unmerge(session, bad, actor="s")
            else:
                getattr(steward, operation)(session, a, bad, actor="s")
        assert _state(engine) == before


def test_cli_names_the_unknown_record(engine: Engine, two: tuple[int, int, int], database_url: str, work_dir: object,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from c360.app.cli.main import app

    monkeypatch.setenv("C360_DATABASE_URL", database_url)
    before = _state(engine)
    result = CliRunner().invoke(app, ["steward", "merge", str(two[0]), "999999", "--actor", "s"])
    assert result.exit_code == 2 and "no party source record with id 999999" in result.output
    result = CliRunner().invoke(app, ["steward", "never-merge", "boss:party:A", "boss:party:nobody", "--actor", "s"])
    assert result.exit_code == 2 and "unknown record 'boss:party:nobody'" in result.output
    assert _state(engine) == before


def test_records_without_a_usable_identifying_attribute_are_unresolvable(engine: Engine) -> None:
    land(engine, [
        party("boss", "N1", name="张伟"),  # a name alone
        party("boss", "N2", name="张伟"),  # the same name alone: not enough to link
        party("boss", "N3", name="王先生", phones=(PhoneRef(number="12345"),)),  # an honorific and a number that is no phone
        party("boss", "N4", id_number="000000000000000000"),  # a placeholder ID
        party("boss", "N5"),  # nothing at all
    ])
    goldens = {k: golden_of(engine, "boss", k) for k in ("N1", "N2", "N3", "N4", "N5")}
    assert len(set(goldens.values())) == 5
    with Session(engine) as session:
        for key, gid in goldens.items():
            assert session.get(GoldenCustomer, gid).resolvable is False, key
            method = session.execute(select(CrossReference.method).where(CrossReference.golden_id == gid)).scalar_one()
            assert method == "unresolvable", key
