"""Every built-in connector against the project's silo simulator (``c360/silos/``), read end to end.

Reads all five silos through the demo configuration, checks the conformance
promises on real data, that the simulator's deliberately malformed records
become InvalidRecord (quarantine) and nothing else does, and that injected
faults are retried or reported.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from c360.config import Settings
from c360.connectors import BadPageError, Connector, RetriableError, registry
from c360.connectors.conformance import check_declarations, check_mapping, read_all
from c360.records import InvalidRecord
from c360.silos import build
from c360.silos.run import SiloServers

SIZE = 40
KEY = "sim-key"


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiloServers]:
    data_dir = tmp_path_factory.mktemp("simulated") / "silos"
    build(data_dir, SIZE, seed=3)
    with SiloServers(data_dir, api_key=KEY) as servers:
        yield servers


@pytest.fixture
def connectors(simulator: SiloServers, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Connector]]:
    monkeypatch.setenv("C360_BOSS_API_KEY", KEY)
    monkeypatch.setenv("C360_KEYACCOUNT_API_KEY", KEY)
    tables = registry.demo_connectors_config(
        boss_url=simulator.boss_url, keyaccount_url=simulator.keyaccount_url, billing_dsn=simulator.billing_dsn,
        callcenter_dir=simulator.callcenter_dir, bi_dir=simulator.bi_dir,
    )  # fmt: skip
    for table in tables.values():
        table["page_size"] = 25
    for name in ("boss", "keyaccount"):
        tables[name].update(backoff_base_s=0.001, backoff_max_s=0.01, max_wait_s=5)
    built = registry.configured(Settings(connectors=tables))
    yield built
    for connector in built.values():
        connector.close()
    simulator.boss_faults.reset()


def test_every_stream_reads_resumes_and_maps(connectors: dict[str, Connector]) -> None:
    invalid: dict[str, list[str]] = {}
    for name, connector in connectors.items():
        check_declarations(connector)
        connector.check()
        for stream in connector.streams():
            pages = read_all(stream)
            raws = [raw for page in pages for raw in page.records]
            assert raws, f"{name}/{stream.name} is empty"
            keys = [stream.record_key(raw) for raw in raws]
            assert len(set(keys)) == len(keys), f"{name}/{stream.name} returned a record twice"
            if len(pages) > 1:  # resume from the middle: exactly the rest
                middle = len(pages) // 2
                taken = sum(len(p.records) for p in pages[:middle])
                stored = json.loads(json.dumps(pages[middle - 1].cursor))
                rest = [stream.record_key(r) for p in read_all(stream, stored) for r in p.records]
                assert keys[:taken] + rest == keys, f"{name}/{stream.name} resume"
            assert read_all(stream, pages[-1].cursor) == [], f"{name}/{stream.name} read again"
            good = []
            for raw in raws:
                try:
                    stream.records(raw)
                except InvalidRecord as error:
                    invalid.setdefault(f"{name}/{stream.name}", []).append(error.reason)
                else:
                    good.append(raw)
            check_mapping(stream, [type(pages[0])(good, None)])
    # Only the simulator's planted defects are refused (see docs/silos.md), each naming its field.
    allowed = {"boss/orders": "amount", "billing/bills": "account_id", "callcenter/service_requests": "opened_at",
               "bi/analysis": "churn_score"}  # fmt: skip
    assert set(invalid) <= set(allowed), invalid
    for where, reasons in invalid.items():
        assert all(allowed[where] in reason for reason in reasons), (where, reasons)


def test_throttling_and_errors_are_retried(simulator: SiloServers, connectors: dict[str, Connector]) -> None:
    simulator.boss_faults.set(throttle_next=1, retry_after_s=0, fail_next=2)
    pages = read_all(connectors["boss"].stream("accounts"))
    waits = connectors["boss"].client.waits  # type: ignore[attr-defined]
    assert pages and len(waits) == 3 and waits[-1] == 0.0  # two 500s with backoff, then Retry-After: 0


def test_a_truncated_page_is_a_bad_page(simulator: SiloServers, connectors: dict[str, Connector]) -> None:
    simulator.boss_faults.set(malformed_next=1)
    with pytest.raises(BadPageError, match="boss: GET /api/v1/customers returned a body that is not JSON"):
        read_all(connectors["boss"].stream("customers"))


def test_a_silo_that_dies_mid_read_fails_retriably(simulator: SiloServers, connectors: dict[str, Connector]) -> None:
    simulator.boss_faults.set(die_after_pages=1)
    pages = connectors["boss"].stream("customers").read(None)
    first = next(pages)
    with pytest.raises(RetriableError, match="HTTP 503"):
        next(pages)
    simulator.boss_faults.reset()
    resumed = read_all(connectors["boss"].stream("customers"), first.cursor)
    assert resumed and resumed[0].records[0]["customer_id"] != first.records[-1]["customer_id"]
