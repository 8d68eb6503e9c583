"""The review queue: grey-band pairs among blocking candidates, minus what a steward decided."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from c360.hub.identity import steward
from c360.hub.identity.matcher import MatchConfig
from c360.hub.identity.review import review_pairs
from c360.records import PartyRecord, PhoneRef
from tests.helpers.identity import T0, golden_of, land, record_id, ric


def party(key: str, **fields: object) -> PartyRecord:
    return PartyRecord(source="crm", source_key=key, party_type="person", updated_at=T0, **fields)  # type: ignore[arg-type]





def test_grey_pairs_listed_decided_and_clear_ones_not(engine: Engine) -> None:
    land(engine, [
        # A/B share only a mobile (+7, no name on B): grey band, not linked
        party("A", name="王芳", phones=(PhoneRef(number="13800001111"),)),
        party("B", phones=(PhoneRef(number="+86 138 0000 1111"),)),
        # C/D the same: grey, but a steward will rule
        party("C", name="刘洋", phones=(PhoneRef(number="13900002222"),)),
        party("D", phones=(PhoneRef(number="13900002222"),)),
        # E/F: same ID card → a sure match, nothing to review
        party("E", name="张伟", id_number=ric("11010519850302123")),
        party("F", name="张伟", id_number=ric("11010519850302123")),
        # G/H: share a phone but names disagree → clear non-match
        party("G", name="赵敏", phones=(PhoneRef(number="13700003333"),)),
        party("H", name="孙丽", phones=(PhoneRef(number="13700003333"),)),
    ])
    a, b, c, d = (record_id(engine, "crm", k) for k in "ABCD")
    with Session(engine) as session:
        pairs = review_pairs(session)
    assert [(p.left_record_id, p.right_record_id) for p in pairs] == [(a, b), (c, d)]
    first = pairs[0]
    assert first.score == 7.0 and MatchConfig().review <= first.score < MatchConfig().match
    assert (first.left_golden_id, first.right_golden_id) == (golden_of(engine, "crm", "A"), golden_of(engine, "crm", "B"))
    assert first.left_golden_id != first.right_golden_id
    assert [(r.field, r.outcome, r.weight) for r in first.reasons] == [("phone", "agree", 7.0)]
    assert "13800001111" not in str(first.as_dict()) and "王芳" not in str(first.as_dict())

    with Session(engine) as session, session.begin():
        steward.never_merge(session, c, d, actor="tester")
    with Session(engine) as session:
        assert [(p.left_record_id, p.right_record_id) for p in review_pairs(session)] == [(a, b)]

    with Session(engine) as session, session.begin():
        steward.merge(session, a, b, actor="tester")
    with Session(engine) as session:
        assert review_pairs(session) == []


def test_pairs_already_in_one_customer_only_on_request(engine: Engine) -> None:
    # B is grey against A but joins A's customer through C (same name and mobile: a match with both)
    land(engine, [
        party("A", name="王芳", birth_date=dt.date(1990, 1, 1), phones=(PhoneRef(number="13800001111"),)),
        party("B", phones=(PhoneRef(number="13800001111"),), emails=("wangfang88@163.com",)),
        party("C", name="王芳", phones=(PhoneRef(number="13800001111"),), emails=("wangfang88@163.com",)),
    ])
    assert golden_of(engine, "crm", "A") == golden_of(engine, "crm", "B") == golden_of(engine, "crm", "C")
    with Session(engine) as session:
        assert review_pairs(session) == []
        same = review_pairs(session, include_same_customer=True)
    assert [(p.left_record_id, p.right_record_id) for p in same] == [(record_id(engine, "crm", "A"), record_id(engine, "crm", "B"))]
    assert same[0].left_golden_id == same[0].right_golden_id


def test_review_cli_lists_pairs_as_json(engine: Engine, database_url: str, work_dir: object, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import json

    import typer
    from typer.testing import CliRunner

    from c360.app.cli.transfer_cmd import review_command

    land(engine, [party("A", name="王芳", phones=(PhoneRef(number="13800001111"),)),
                  party("B", phones=(PhoneRef(number="13800001111"),))])
    monkeypatch.setenv("C360_DATABASE_URL", database_url)
    app = typer.Typer()
    app.command("review")(review_command)
    app.command("noop")(lambda: None)  # two commands, so "review" is a subcommand as in c360
    result = CliRunner().invoke(app, ["review", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [(r["left_record_id"], r["right_record_id"], r["score"]) for r in rows] == [
        (record_id(engine, "crm", "A"), record_id(engine, "crm", "B"), 7.0)]
    assert rows[0]["reasons"] == [{"field": "phone", "outcome": "agree", "weight": 7.0}]
