"""Bad silo values become InvalidRecord naming the field — never echoing the value."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from c360.connectors import Stream
from c360.connectors.builtin import BUILTIN_CONNECTORS
from c360.connectors.builtin.bi import Analyses
from c360.connectors.builtin.billing import Bills
from c360.connectors.builtin.boss import Accounts, Customers, Orders, Subscriptions
from c360.connectors.builtin.callcenter import Calls, ServiceRequestStatuses
from c360.connectors.builtin.keyaccount import Contacts, Contracts
from c360.records import InvalidRecord
from tests.connectors.sample import T1, _customer, bi_line

SECRET = "S3NSITIVE-灵"


def stream(cls: type[Stream]) -> Stream:
    """The stream as its built-in connector builds it, minus config and client: mapping needs neither."""
    (source,) = [name for name, connector in BUILTIN_CONNECTORS.items() if cls in connector.stream_classes]
    return cls(None, None, silo=source, source=source)


ORDER = {"order_id": "O1", "customer_id": "C1", "amount": "10.00", "updated_at": T1}
SUB = {"subscription_id": "S1", "customer_id": "C1", "account_id": "A1", "msisdn": "138", "updated_at": T1}
BILL = {"bill_id": "B1", "account_id": "A1", "customer_id": "C1", "period": "2024-05", "amount_cents": 100,
        "updated_at": T1}  # fmt: skip


@pytest.mark.parametrize(
    ("cls", "raw", "field"),
    [
        (Orders, ORDER | {"amount": SECRET}, "amount"),
        (Orders, ORDER | {"amount": "NaN"}, "amount"),
        (Orders, ORDER | {"amount": "12,50"}, "amount"),
        (Orders, ORDER | {"amount": ""}, "amount"),
        (Orders, ORDER | {"customer_id": " "}, "customer_id"),
        (Orders, ORDER | {"created_at": SECRET}, "created_at"),
        (Accounts, {"account_id": "", "customer_id": "C1"}, "account_id"),
        (Subscriptions, SUB | {"msisdn": None}, "msisdn"),
        (Customers, _customer("C1", T1, customer_type=SECRET), "customer_type"),
        (Customers, _customer("C1", T1, gender=SECRET), "gender"),
        (Customers, _customer("C1", T1, birth_date=SECRET), "birth_date"),
        (Customers, _customer("C1", T1, phones=SECRET), "phones"),
        (Customers, _customer("C1", T1, deleted=SECRET), "deleted"),
        (Bills, BILL | {"amount_cents": "12.5"}, "amount_cents"),
        (Bills, BILL | {"period": SECRET}, "period"),
        (Contacts, {"contact_id": "K1", "enterprise_id": "", "updated_at": T1}, "enterprise_id"),
        (Contracts, {"contract_id": "CT1", "enterprise_id": "E1", "value": SECRET}, "value"),
        (ServiceRequestStatuses, {"sr_id": "SR1", "status": "open", "changed_at": ""}, "changed_at"),
        (Calls, {"call_id": "CL1", "started_at": T1, "duration_s": "-5"}, "duration_s"),
        (Calls, {"call_id": "CL1", "started_at": T1, "duration_s": SECRET}, "duration_s"),
        (Analyses, bi_line(1, subject_type=SECRET), "subject_type"),
        (Analyses, bi_line(1, churn_score=1.5), "churn_score"),
        (Analyses, bi_line(1, as_of=SECRET), "as_of"),
    ],
)
def test_invalid_values_name_the_field_not_the_value(cls: type[Stream], raw: Mapping[str, Any], field: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        stream(cls).records(raw)
    assert field in caught.value.reason
    assert SECRET not in caught.value.reason and "NaN" not in caught.value.reason


def test_record_key_is_best_effort() -> None:
    assert stream(ServiceRequestStatuses).record_key({"sr_id": "SR1", "changed_at": T1, "status": "open"}) == f"SR1:{T1}"
    assert stream(Orders).record_key({"customer_id": "C1"}) is None


def test_cents_become_exact_yuan() -> None:
    (bill,) = stream(Bills).records(BILL | {"amount_cents": "5801", "paid_cents": 0})
    assert str(bill.amount) == "58.01" and str(bill.paid_amount) == "0.00"  # type: ignore[attr-defined]


def test_naive_timestamps_are_china_time(tmp_path: Path) -> None:
    (order,) = stream(Orders).records(ORDER | {"created_at": "2024-06-01T08:00:00"})
    assert order.created_at.isoformat() == "2024-06-01T00:00:00+00:00"  # type: ignore[attr-defined]
