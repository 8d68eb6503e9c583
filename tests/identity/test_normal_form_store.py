"""Parties are normalized once, when they land; records that landed before that get their form from a full run."""

from __future__ import annotations

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from c360.hub.identity.full_run import resolve_full
from c360.hub.models import SourceRecord
from c360.hub.normalize.normal_form import NORMAL_FORM_VERSION
from c360.records import PhoneRef
from tests.helpers.identity import land, partition, party


def _forms(engine: Engine) -> dict[str, dict[str, object]]:
    with Session(engine) as session:
        return dict(session.execute(select(SourceRecord.source_key, SourceRecord.normalized).where(SourceRecord.kind == "party")).all())


def test_a_landed_party_carries_its_normalized_form(engine: Engine) -> None:
    land(engine, [party("boss", "A", name="張偉", phones=(PhoneRef(number="+86 138 1111 2222"),), address="北京市朝阳区建国路88号")])
    form = _forms(engine)["A"]
    assert form["v"] == NORMAL_FORM_VERSION
    assert (form["name"], form["key"], form["street"]) == ("张伟", "zhang wei", "建国路88号")
    assert form["phones"][0][0] == "+8613811112222"


def test_records_without_a_form_are_built_from_raw_and_get_one_from_a_full_run(engine: Engine) -> None:
    land(engine, [party("boss", "A", name="王芳", phones=(PhoneRef(number="13812340001"),)),
                  party("crm", "B", name="王芳", phones=(PhoneRef(number="13812340001"),))])
    before = partition(engine)
    with Session(engine) as session, session.begin():
        session.execute(update(SourceRecord).values(normalized={}))  # as a database of an earlier release holds them
    land(engine, [party("web", "C", name="王芳", phones=(PhoneRef(number="13812340001"),))])
    assert {"boss:A", "crm:B", "web:C"} in partition(engine)
    resolve_full(engine)
    assert all(form.get("v") == NORMAL_FORM_VERSION for form in _forms(engine).values())
    assert {frozenset(g - {"web:C"}) for g in partition(engine)} == before
