"""Learned weights kept in the database: `resolve --full --learn` stores them, incremental resolution uses them, reset goes back."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from c360.hub.identity.explain import explain
from c360.hub.identity.full_run import resolve_full
from c360.hub.identity.matcher import MatchConfig, compare
from c360.hub.identity.resolver import IdentityResolver
from c360.hub.identity.weights_store import (
    ActiveWeights,
    active_weights,
    as_pairs,
    reset_weights,
    weight_history,
)
from c360.hub.models import AuditEntry, MatchWeights
from c360.hub.normalize.profile import build_profile
from c360.records import PartyRecord
from tests.helpers.identity import golden_of, land, partition, record_id
from tests.helpers.latin_names import GIVEN, STREETS, SURNAMES

T0 = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)


def person(key: str, payload: dict[str, object]) -> PartyRecord:
    return PartyRecord(source="febrl", source_key=key, party_type="person", updated_at=T0, id_type="SSN",
                       **{k: v for k, v in payload.items() if k != "party_type" and k != "id_type"})  # type: ignore[arg-type]


def people(n: int, seed: int = 7) -> list[PartyRecord]:
    """FEBRL-like people with one duplicate each; every third duplicate has a new given name, birth date and number."""
    rng = random.Random(seed)
    records = []
    for i in range(n):
        payload: dict[str, object] = {
            "name": f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}{''.join(rng.choice('aeiklmnorst') for _ in range(4))}",
            "birth_date": dt.date(rng.randint(1930, 2000), rng.randint(1, 12), rng.randint(1, 28)),
            "id_number": str(rng.randint(1_000_000, 9_999_999)),
            "address": f"{rng.randint(1, 200)} {rng.choice(STREETS)}, sa {rng.randint(2000, 2999)}",
        }
        records.append(person(f"rec-{i}-org", payload))
        dup = dict(payload)
        if i % 3 == 0:
            dup["name"] = f"{rng.choice(GIVEN)} {str(payload['name']).split()[1]}"
            dup["birth_date"] = dt.date(rng.randint(1930, 2000), 1, 15)
            dup["id_number"] = str(rng.randint(1_000_000, 9_999_999))
        records.append(person(f"rec-{i}-dup", dup))
    return records


# a late pair: same name and street address, another birth date and number (hand-set: 7 + 5 − 6 − 1, grey)
LATE = (
    {"name": "sophie kingolmer", "birth_date": dt.date(1961, 4, 9), "id_number": "4433221", "address": "17 bushby close, sa 2470"},
    {"name": "sophie kingolmer", "birth_date": dt.date(1977, 1, 15), "id_number": "9182736", "address": "17 bushby close, sa 2470"},
)


def _decision(weights: dict[tuple[str, str], float] | None) -> str:
    a, b = (build_profile(i, "febrl", str(i), {"party_type": "person", "id_type": "SSN", **{k: str(v) for k, v in p.items()}})
            for i, p in enumerate(LATE))
    return compare(a, b, (), MatchConfig(weights=weights)).decision


@pytest.fixture
def learned(engine: Engine) -> MatchWeights:
    records = people(300)
    for start in range(0, len(records), 100):
        land(engine, records[start : start + 100])
    stats = resolve_full(engine, learn=True, learned_by="tester")
    assert stats.learned is not None
    with Session(engine) as session:
        row = active_weights(session)
        assert row is not None
        session.expunge(row)
    return row


def test_learning_stores_an_active_versioned_set(engine: Engine, learned: MatchWeights) -> None:
    assert learned.learned_by == "tester" and learned.active and learned.candidate_pairs >= 200 and 0 < learned.match_share < 1
    assert as_pairs(learned.prior)[("birth_date", "disagree")] == -6.0
    weights = as_pairs(learned.weights)
    assert weights[("address", "agree")] > as_pairs(learned.prior)[("address", "agree")]
    before = partition(engine)
    resolve_full(engine, learn=True, learned_by="tester2")  # a second run: a new version, the first kept inactive
    with Session(engine) as session:
        history = weight_history(session)
        assert [(r.learned_by, r.active) for r in history] == [("tester2", True), ("tester", False)]
        assert as_pairs(history[0].weights) == weights  # same data, same (seeded) weights
    assert partition(engine) == before


def test_incremental_resolution_uses_the_stored_weights(engine: Engine, learned: MatchWeights) -> None:
    weights = as_pairs(learned.weights)
    assert _decision(None) != "match" and _decision(weights) == "match"  # hand-set weights leave the pair apart
    land(engine, [person("late-1", LATE[0])])
    land(engine, [person("late-2", LATE[1])])  # the ingest hook, a resolver of its own
    assert golden_of(engine, "febrl", "late-1") == golden_of(engine, "febrl", "late-2")
    with Session(engine) as session:  # explain shows the weights the resolver used
        verdicts = explain(session, record_id(engine, "febrl", "late-1"), record_id(engine, "febrl", "late-2")).verdicts
        assert verdicts and all(v.weight == weights[(v.field, v.outcome)] for v in verdicts)
    incremental = partition(engine)
    resolve_full(engine)  # no --learn: the stored weights, so the same clusters
    assert partition(engine) == incremental


def test_reset_goes_back_to_the_hand_set_weights(engine: Engine, learned: MatchWeights) -> None:
    with Session(engine) as session, session.begin():
        assert reset_weights(session, "steward9") == learned.id
    with Session(engine) as session, session.begin():
        assert reset_weights(session, "steward9") is None  # nothing active: nothing to audit
    with Session(engine) as session:
        assert active_weights(session) is None
        assert len(weight_history(session)) == 1  # history stays
        audit = session.execute(select(AuditEntry).where(AuditEntry.operation == "weights.reset")).scalars().one()
        assert (audit.actor, audit.detail) == ("steward9", {"match_weights_id": learned.id})
    learned_clusters = partition(engine)
    resolve_full(engine)  # re-score the customers linked by the learned weights
    assert partition(engine) != learned_clusters
    land(engine, [person("late-1", LATE[0])])
    land(engine, [person("late-2", LATE[1])])
    assert golden_of(engine, "febrl", "late-1") != golden_of(engine, "febrl", "late-2")
    incremental = partition(engine)
    resolve_full(engine)
    assert partition(engine) == incremental


def test_resolver_looks_the_active_set_up_once_per_page_and_sees_a_new_one(engine: Engine, learned: MatchWeights) -> None:
    from sqlalchemy import event

    resolver = IdentityResolver()
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        if "match_weights" in statement:
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        land(engine, [person("late-1", LATE[0])], resolver)
        first = resolver.config
        land(engine, [person("late-2", LATE[1])], resolver)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 3  # the id per page, the weights once
    assert resolver.config is first and resolver.config.weights == as_pairs(learned.weights)
    with Session(engine) as session, session.begin():
        reset_weights(session, "s")
        assert resolver.stored.config(session).weights is None
    given = MatchConfig(weights={("name", "agree"): 1.0})
    with Session(engine) as session:
        assert ActiveWeights(given).config(session) is given  # a caller's own weights win


def test_cli_learns_shows_and_resets(engine: Engine, database_url: str, work_dir: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from c360.app.cli.main import app

    records = people(300)
    for start in range(0, len(records), 200):
        land(engine, records[start : start + 200])
    monkeypatch.setenv("C360_DATABASE_URL", database_url)
    runner = CliRunner()
    refused = runner.invoke(app, ["resolve", "--learn"])
    assert refused.exit_code == 2 and "--learn needs --full" in refused.output
    done = runner.invoke(app, ["resolve", "--full", "--learn", "--actor", "ops1"])
    assert done.exit_code == 0, done.output
    assert "learned and stored match weights" in done.output
    shown = runner.invoke(app, ["resolve", "--weights"])
    assert shown.exit_code == 0 and "learned set 1 in force" in shown.output and "ops1" in shown.output
    assert "birth_date" in shown.output and "(active)" in shown.output
    reset = runner.invoke(app, ["resolve", "--reset-weights", "--full", "--actor", "ops1"])
    assert reset.exit_code == 0 and "learned set 1 retired" in reset.output and "resolved" in reset.output
    assert "hand-set weights in force" in runner.invoke(app, ["resolve", "--weights"]).output
