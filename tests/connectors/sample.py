"""Small silos for connector tests: a few records per stream, more than one page at page_size 2.

Records share ``updated_at`` values on purpose, so pages split inside a
timestamp and the (updated_at, key) cursor is really exercised.
"""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path
from typing import Any

from tests.helpers.files import write_jsonl

T1, T2, T3 = "2024-06-01T09:00:00+08:00", "2024-06-02T09:00:00+08:00", "2024-06-03T09:00:00+08:00"


def _customer(cid: str, updated_at: str, **over: Any) -> dict[str, Any]:
    base = {
        "customer_id": cid, "customer_type": "individual", "name": "张伟", "id_type": "RIC",
        "id_number": "110101199003071234", "gender": "M", "birth_date": "1990-03-07",
        "phones": ["13800138000"], "email": "zw@example.cn", "address": "北京市东城区",
        "status": "active", "created_at": "2020-01-01T00:00:00+08:00", "updated_at": updated_at, "deleted": False,
    }  # fmt: skip
    return base | over


def boss_collections() -> dict[str, tuple[str, list[dict[str, Any]]]]:
    customers = [
        _customer("C001", T1),
        _customer("C002", T1, customer_type="enterprise", id_type="USCC", id_number="91110000600037341L",
                  gender=None, birth_date=None, name="北京某科技有限公司"),
        _customer("C003", T1, phones=[]),
        _customer("C004", T2, deleted=True),
        _customer("C005", T3, email=None),
    ]
    accounts = [
        {"account_id": f"A00{i}", "customer_id": f"C00{i}", "account_type": "postpaid", "status": "active",
         "opened_at": "2021-01-01T00:00:00+08:00", "updated_at": t, "deleted": False}
        for i, t in ((1, T1), (2, T1), (3, T2))
    ]
    subscriptions = [
        {"subscription_id": f"S00{i}", "account_id": f"A00{i}", "customer_id": f"C00{i}",
         "msisdn": f"1380013800{i}", "plan_code": "4G58", "plan_name": "4G飞享套餐58元", "status": "active",
         "activated_at": "2021-01-01T00:00:00+08:00", "deactivated_at": None, "updated_at": t, "deleted": False}
        for i, t in ((1, T1), (2, T2), (3, T3))
    ]
    orders = [
        {"order_id": f"O00{i}", "customer_id": "C001", "order_type": "top_up", "status": "done", "channel": "app",
         "amount": "50.00", "created_at": T1, "updated_at": t, "deleted": False}
        for i, t in ((1, T1), (2, T1), (3, T1))
    ]
    return {
        "/api/v1/customers": ("customer_id", customers),
        "/api/v1/accounts": ("account_id", accounts),
        "/api/v1/subscriptions": ("subscription_id", subscriptions),
        "/api/v1/orders": ("order_id", orders),
    }


def keyaccount_collections() -> dict[str, tuple[str, list[dict[str, Any]]]]:
    enterprises = [
        {"enterprise_id": f"E{i}", "name": f"企业{i}", "credit_code": "91110000600037341L", "industry": "制造业",
         "address": "上海市", "manager_id": "M1" if i != 3 else None, "status": "active", "updated_at": t,
         "deleted": False}
        for i, t in ((1, T1), (2, T1), (3, T2))
    ]
    contacts = [
        {"contact_id": f"K{i}", "enterprise_id": "E1", "name": "李娜", "phone": "13900139000",
         "email": "ln@example.cn", "title": "IT经理", "id_number": None, "updated_at": t, "deleted": False}
        for i, t in ((1, T1), (2, T2), (3, T2))
    ]
    managers = [
        {"manager_id": f"M{i}", "name": "王强", "phone": "13700137000", "email": "wq@op.cn", "region": "华北",
         "updated_at": t}
        for i, t in ((1, T1), (2, T1), (3, T3))
    ]
    contracts = [
        {"contract_id": f"CT{i}", "enterprise_id": "E1", "title": "年度专线服务合同", "value": "120000.00",
         "start_date": "2024-01-01", "end_date": "2024-12-31", "status": "active", "updated_at": t,
         "deleted": i == 3}
        for i, t in ((1, T1), (2, T2), (3, T3))
    ]
    return {
        "/api/v1/enterprises": ("enterprise_id", enterprises),
        "/api/v1/contacts": ("contact_id", contacts),
        "/api/v1/account-managers": ("manager_id", managers),
        "/api/v1/contracts": ("contract_id", contracts),
    }


BILLING_SCHEMA = """
CREATE TABLE bills (bill_id TEXT PRIMARY KEY, account_id TEXT, customer_id TEXT, period TEXT,
    amount_cents INTEGER, due_date TEXT, status TEXT, paid_cents INTEGER, updated_at TEXT);
CREATE TABLE payments (payment_id TEXT PRIMARY KEY, account_id TEXT, bill_id TEXT, amount_cents INTEGER,
    paid_at TEXT, method TEXT, updated_at TEXT);
CREATE TABLE balances (account_id TEXT PRIMARY KEY, customer_id TEXT, balance_cents INTEGER,
    arrears_cents INTEGER, updated_at TEXT);
"""


def write_billing(path: Path, *, broken: bool = False) -> Path:
    """A billing database; ``broken`` leaves ``updated_at`` empty so no cursor can be built."""
    stamp = (lambda t: None) if broken else (lambda t: t)
    conn = sqlite3.connect(path)
    conn.executescript(BILLING_SCHEMA)
    conn.executemany(
        "INSERT INTO bills VALUES (?,?,?,?,?,?,?,?,?)",
        [(f"B{i}", f"A00{i % 3 + 1}", f"C00{i % 3 + 1}", "2024-05", 5800 + i, "2024-06-20", "open", 0, stamp(t))
         for i, t in ((1, T1), (2, T1), (3, T2), (4, T3))],
    )  # fmt: skip
    conn.executemany(
        "INSERT INTO payments VALUES (?,?,?,?,?,?,?)",
        [(f"P{i}", f"A00{i}", f"B{i}", 5800, T1, "alipay", stamp(t)) for i, t in ((1, T1), (2, T1), (3, T2))],
    )
    conn.executemany(
        "INSERT INTO balances VALUES (?,?,?,?,?)",
        [(f"A00{i}", f"C00{i}", 1000 * i, 0 if i != 2 else 5800, stamp(t)) for i, t in ((1, T1), (2, T2), (3, T3))],
    )
    conn.commit()
    conn.close()
    return path


SR_HEADER = ("sr_id", "customer_id", "caller_name", "caller_phone", "type", "channel", "status", "opened_at",
             "closed_at", "summary", "updated_at")  # fmt: skip
STATUS_HEADER = ("sr_id", "status", "changed_at", "agent_id", "note")
CALL_HEADER = ("call_id", "caller_phone", "caller_name", "agent_id", "direction", "started_at", "duration_s",
               "summary", "sr_id")  # fmt: skip


def write_csv(path: Path, header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def sr_row(n: int, customer: str = "") -> tuple[Any, ...]:
    return (f"SR{n}", customer, "王先生", "13800138000", "complaint", "hotline", "open", T1, "",
            "投诉流量扣费异常", T1)  # fmt: skip


def write_callcenter(folder: Path) -> Path:
    """Service requests over three files (one with the ``_10`` suffix), status rows, calls, and a .part."""
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "service_requests_20240601090000_1.csv", SR_HEADER, [sr_row(1, "C001"), sr_row(2), sr_row(3)])
    write_csv(folder / "service_requests_20240601090000_2.csv", SR_HEADER, [sr_row(4, "C002")])
    write_csv(folder / "service_requests_20240601090000_10.csv", SR_HEADER, [sr_row(5), sr_row(6, "C003")])
    write_csv(folder / "service_requests_20240601090000_11.csv.part", SR_HEADER, [sr_row(99)])
    write_csv(
        folder / "sr_status_20240601090000_1.csv",
        STATUS_HEADER,
        [("SR1", "open", T1, "AG1", ""), ("SR1", "closed", T2, "AG1", "已解决"), ("SR2", "open", T1, "AG2", "")],
    )
    write_csv(
        folder / "calls_20240601090000_1.csv",
        CALL_HEADER,
        [("CL1", "13800138000", "王先生", "AG1", "inbound", T1, "120", "客户来电咨询", "SR1"),
         ("CL2", "13900139000", "", "AG2", "outbound", T2, "30", "回访客户处理结果", ""),
         ("CL3", "13700137000", "李女士", "AG1", "inbound", T3, "0", "", "")],
    )  # fmt: skip
    return folder


def bi_line(n: int, subject_type: str = "customer", **over: Any) -> dict[str, Any]:
    line = {"subject_type": subject_type, "subject_id": f"X{n}", "segment": "family", "value_tier": "gold",
            "churn_score": 0.25, "credit_score": 710, "as_of": "2024-06-30", "updated_at": T3}  # fmt: skip
    return line | over



def write_bi(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_jsonl(folder / "analysis_20240630_1.jsonl", [bi_line(1), bi_line(2, "enterprise"), bi_line(3)])
    write_jsonl(folder / "analysis_20240630_2.jsonl", [bi_line(4, churn_score="0.9"), bi_line(5)])
    write_jsonl(folder / "analysis_20240630_3.jsonl.part", [bi_line(99)])
    return folder
