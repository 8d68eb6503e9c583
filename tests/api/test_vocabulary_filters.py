"""The API's list filters take the hub's canonical names, also for rows stored under a silo's own word."""

from __future__ import annotations

from typing import Any

from tests.api import factory
from tests.api.conftest import Api


def test_list_filters_take_canonical_names_for_rows_stored_under_silo_words(api: Api, seed: Any) -> None:
    from c360.hub.models import Contact, ServiceRequest

    def build(session: Any) -> Any:
        golden = factory.customer(session)
        factory.fact(session, ServiceRequest, golden, source="callcenter", type="fault", channel="hotline", status="opened",
                     opened_at=factory.BASE)  # fmt: skip
        factory.fact(session, Contact, golden, source="callcenter", channel="hotline", occurred_at=factory.BASE)
        return golden

    golden = seed(build)
    data = api.data("""query($id: ID!) { customer(id: $id) {
        serviceRequests(status: ["open"], channel: ["call_center"], type: ["fault_report"]) { totalCount }
        contacts(channel: ["call_center"]) { totalCount } closed: serviceRequests(status: ["closed"]) { totalCount } } }""",
        {"id": golden.id})  # fmt: skip
    customer = data["customer"]
    assert customer["serviceRequests"]["totalCount"] == 1 and customer["contacts"]["totalCount"] == 1
    assert customer["closed"]["totalCount"] == 0
