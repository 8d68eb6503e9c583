"""An erased customer keeps its golden id when everything is resolved again, though its records identify no one."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from c360.hub.identity.full_run import resolve_full
from c360.hub.identity.resolver import IdentityResolver
from c360.hub.identity.store import party_ids
from c360.hub.models import AuditEntry, GoldenCustomer, StewardDecision
from c360.hub.privacy import erase_customer
from tests.privacy.conftest import T0, World, golden_of, land, party


def _goldens(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(GoldenCustomer).where(GoldenCustomer.status == "active")) or 0


def test_erased_records_stay_one_customer_through_full_resolution(engine: Engine, world: World) -> None:
    # a call from the person's number, attached to the customer as of the call
    land(engine, [party("callcenter", "call:1", name="张先生", id_number=None, birth_date=None, gender=None, emails=(), address=None,
                        extra={}, observed_at=T0 + dt.timedelta(days=1))])
    assert golden_of(engine, "callcenter", "call:1") == world.me
    active = _goldens(engine)
    with Session(engine) as session, session.begin():
        erase_customer(session, world.me, actor="dpo@operator", reason="DSR-2024-17")
    with Session(engine) as session:
        pins = session.execute(select(StewardDecision).where(StewardDecision.decision == "merge")).scalars().all()
        assert len(pins) == 2 and all(p.decided_by == "dpo@operator" and p.active for p in pins)
        audit = session.execute(select(AuditEntry).where(AuditEntry.action == "erase")).scalars().one()
        assert audit.detail["pinned"] == 2

    for _ in range(2):  # and stays so when resolved again
        resolve_full(engine)
        assert {golden_of(engine, s, k) for s, k in (("boss", "C1"), ("keyaccount", "K1"), ("callcenter", "call:1"))} == {world.me}
        assert golden_of(engine, "boss", "C2") == world.other
        assert _goldens(engine) == active
    with Session(engine) as session, session.begin():
        IdentityResolver().resolve_records(session, party_ids(session))
    assert golden_of(engine, "callcenter", "call:1") == golden_of(engine, "boss", "C1") == world.me
    with Session(engine) as session:
        assert session.get(GoldenCustomer, world.me).status == "active"

    # a new record with the person's old number is not drawn into the erased customer
    land(engine, [party("boss", "C9", name="王五", id_number=None, birth_date=None, gender=None, emails=(), address=None, extra={})])
    assert golden_of(engine, "boss", "C9") != world.me
