"""The billing connector on a real SQLite file: keyset pages, cursor resume, cents to yuan, bad rows."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from c360.connectors import BadPageError, Connector, FatalError, registry
from c360.connectors.conformance import read_all
from c360.records import BalanceRecord, BillRecord, PaymentRecord


def billing(db: Path, **over: object) -> Connector:
    return registry.build("billing", {"dsn": f"sqlite:///{db}", "page_size": 2, **over})


def test_reads_and_maps_bills_payments_balances(billing_db: Path) -> None:
    with billing(billing_db) as connector:
        records = {s.name: [r for p in read_all(s) for raw in p.records for r in s.records(raw)] for s in connector.streams()}
    bill = records["bills"][0]
    assert isinstance(bill, BillRecord)
    assert (bill.source, bill.source_key, bill.party_source, bill.party_key) == ("billing", "B1", "boss", "C002")
    assert bill.amount == Decimal("58.01") and bill.paid_amount == Decimal("0.00") and bill.period == "2024-05"
    payment = records["payments"][0]
    assert isinstance(payment, PaymentRecord) and payment.party_key == "C001"  # customer found through balances
    assert payment.amount == Decimal("58.00") and payment.bill_key == "B1"
    arrears = {r.account_key: r.arrears for r in records["balances"] if isinstance(r, BalanceRecord)}
    assert arrears == {"A001": Decimal("0.00"), "A002": Decimal("58.00"), "A003": Decimal("0.00")}


def test_resume_from_a_page_cursor_and_pick_up_new_rows(billing_db: Path) -> None:
    with billing(billing_db) as connector:
        bills = connector.stream("bills")
        pages = read_all(bills)
        assert [[r["bill_id"] for r in p.records] for p in pages] == [["B1", "B2"], ["B3", "B4"]]
        assert [r["bill_id"] for p in read_all(bills, pages[0].cursor) for r in p.records] == ["B3", "B4"]
        with sqlite3.connect(billing_db) as conn:
            conn.execute("UPDATE bills SET status='paid', updated_at='2024-06-05T00:00:00+08:00' WHERE bill_id='B1'")
        assert [r["bill_id"] for p in read_all(bills, pages[-1].cursor) for r in p.records] == ["B1"]


def test_a_row_without_updated_at_is_a_bad_page(billing_db: Path) -> None:
    with sqlite3.connect(billing_db) as conn:  # NULL sorts first: the very first page is refused
        conn.execute("UPDATE payments SET updated_at=NULL WHERE payment_id='P3'")
    with billing(billing_db) as connector, pytest.raises(BadPageError, match="billing/payments page 1: .*no updated_at"):
        list(connector.stream("payments").read(None))


def test_missing_database_file_is_reported_and_not_created(tmp_path: Path) -> None:
    db = tmp_path / "nowhere.db"
    with billing(db) as connector:
        with pytest.raises(FatalError, match="does not exist"):
            connector.check()
        with pytest.raises(FatalError, match="does not exist"):
            list(connector.stream("bills").read(None))
    assert not db.exists()


def test_missing_table_is_named_by_check(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    sqlite3.connect(db).close()
    with billing(db) as connector, pytest.raises(FatalError, match="no such table: bills"):
        connector.check()


def test_password_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    dsn = "postgresql+psycopg://billing_reader@db.invalid/billing"
    with pytest.raises(registry.ConfigError, match=r"password_env: environment variable BILLING_PW is not set"):
        registry.build("billing", {"dsn": dsn, "password_env": "BILLING_PW"})
    monkeypatch.setenv("BILLING_PW", "s3cret")
    with registry.build("billing", {"dsn": dsn, "password_env": "BILLING_PW"}) as connector:
        assert connector.url.password == "s3cret"  # type: ignore[attr-defined]


def test_an_unusable_dsn_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(registry.ConfigError, match=r"^\[connectors.billing\] dsn: "):
        registry.build("billing", {"dsn": "nonsense"})
    with pytest.raises(registry.ConfigError, match=r"^\[connectors.billing\] dsn: "):
        registry.build("billing", {"dsn": "nodriver+nothing://x/y"})
