"""On a simulated operator synced for real, a recycled number names its current holder, and its earlier one back then."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from c360.connectors import registry
from c360.hub.identity.resolver import IdentityResolver
from c360.hub.models import CrossReference, SourceRecord, Subscription
from c360.silos import build
from c360.silos.run import SiloServers
from c360.sync import run_stream
from tests.api.conftest import Api

KEY = "test-key"
STREAMS = (("boss", "customers"), ("boss", "subscriptions"), ("callcenter", "calls"), ("callcenter", "service_requests"))
BY_PHONE = "query($phone: String, $at: DateTime) { customerBy(phone: $phone, at: $at) { id } }"


@pytest.fixture
def synced(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    build(tmp_path / "silos", 1500, 42)
    monkeypatch.setenv("C360_BOSS_API_KEY", KEY)
    with SiloServers(tmp_path / "silos", api_key=KEY) as servers:
        tables = registry.demo_connectors_config(
            boss_url=servers.boss_url, keyaccount_url=servers.keyaccount_url, billing_dsn=servers.billing_dsn,
            callcenter_dir=servers.callcenter_dir, bi_dir=servers.bi_dir,
        )
        resolver = IdentityResolver()
        for connector_name, stream_name in STREAMS:
            connector = registry.build(connector_name, tables[connector_name])
            try:
                stream = next(s for s in connector.streams() if s.name == stream_name)
                assert run_stream(engine, connector_name, stream, full=True, handler=resolver).ok
            finally:
                connector.close()
    return engine


def _holders(engine: Engine) -> dict[str, list[tuple[dt.datetime | None, dt.datetime | None, str]]]:
    """Each number held by more than one customer over time: (from, to, golden id) per subscription."""
    with Session(engine) as session:
        rows = session.execute(
            select(Subscription.msisdn, Subscription.activated_at, Subscription.deactivated_at, CrossReference.golden_id)
            .join(SourceRecord, (SourceRecord.source == Subscription.party_source) & (SourceRecord.source_key == Subscription.party_key)
                  & (SourceRecord.kind == "party"))
            .join(CrossReference, CrossReference.source_record_id == SourceRecord.id)
            .where(Subscription.deleted.is_(False))
        ).all()
    found: dict[str, list[tuple[dt.datetime | None, dt.datetime | None, str]]] = defaultdict(list)
    for msisdn, start, end, golden in rows:
        found[msisdn].append((start, end, golden))
    return {m: sorted(h, key=lambda w: w[0] or dt.datetime.min.replace(tzinfo=dt.UTC)) for m, h in found.items()
            if len({g for *_, g in h}) > 1}


def test_recycled_numbers_name_their_holder_of_the_time(synced: Engine, api: Api) -> None:
    recycled = _holders(synced)
    assert len(recycled) >= 5, "the simulator recycles about one number in a hundred"
    for msisdn, holdings in recycled.items():
        (first_from, first_to, earlier), *_, (_, last_to, current) = holdings
        assert last_to is None and first_to is not None
        assert api.data(BY_PHONE, {"phone": msisdn})["customerBy"]["id"] == current, msisdn
        back_then = (first_to - dt.timedelta(days=1)).isoformat()
        assert api.data(BY_PHONE, {"phone": msisdn, "at": back_then})["customerBy"]["id"] == earlier, msisdn
