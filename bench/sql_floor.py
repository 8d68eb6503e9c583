"""The raw-SQL floor of the 360 document: the least SQL that reads what it shows, on the driver alone.

    python bench/sql_floor.py --database-url postgresql://postgres@127.0.0.1:5432/c360_bench_20k
    python bench/sql_floor.py --size 20000                       # SQLite under .c360/bench/

For each customer, fourteen prepared statements, one per thing the document of
``tests/api/test_view.py`` (``VIEW``) reads (golden row, each list's first page of 20 read as
first + 1 rows, as the hub reads them, the balance rows, the status history of the requests on
the page, the latest analysis, the account manager, the contacts' persons), run one after another
on one connection in autocommit (psycopg 3 on PostgreSQL, sqlite3 on SQLite); the rows are fetched
and nothing else is done with them: no JSON, no masking, no GraphQL. What the hub spends above this
is its own cost. ``bench/query_360.py`` prints it next to its own latencies, for the same customers.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

__all__ = ["FLOOR_STATEMENTS", "measure_floor"]

PAGE = 21  # a page of 20, read as first + 1 rows to know whether another page follows
FLOOR_STATEMENTS = {
    "golden": "select id, kind, status, display_name, profile from golden_customer where id = :g",
    "identifiers": f"""select i.type, i.value, min(i.id) as g from xref x join identifier i on i.source_record_id = x.source_record_id
                       where x.golden_id = :g group by i.type, i.value order by g desc limit {PAGE}""",
    "source_records": f"""select s.source, s.kind from xref x join source_record s on s.id = x.source_record_id
                          where x.golden_id = :g order by s.source_updated_at desc, s.id desc limit {PAGE}""",
    "accounts": f"select status from account where golden_id = :g and not deleted order by opened_at desc, id desc limit {PAGE}",
    "subscriptions": f"""select msisdn, plan_name from subscription where golden_id = :g and not deleted and status = 'active'
                         order by activated_at desc, id desc limit {PAGE}""",
    "orders": f"""select status, amount from customer_order where golden_id = :g and not deleted
                  order by created_at desc, id desc limit {PAGE}""",
    "bills": f"select period, amount from bill where golden_id = :g and not deleted order by period desc, id desc limit {PAGE}",
    "payments": f"select amount from payment where golden_id = :g and not deleted order by paid_at desc, id desc limit {PAGE}",
    # the balances page and the balance totals from the same rows (a customer has one or two accounts)
    "balances": "select arrears, balance from balance where golden_id = :g and not deleted order by source_updated_at desc, id desc",
    "service_requests": f"""select r.id, r.status, r.channel, h.status from
                              (select id, status, channel, source, source_key, opened_at from service_request
                               where golden_id = :g and not deleted order by opened_at desc, id desc limit {PAGE}) r
                            left join service_request_status h on h.source = r.source and h.request_key = r.source_key
                            order by r.opened_at desc, r.id desc, h.changed_at, h.id""",
    "contacts": f"""select type, phone, occurred_at, id from contact where golden_id = :g and not deleted and channel = 'call_center'
                    order by occurred_at desc, id desc limit {PAGE}""",
    "analysis": "select segment from analysis where golden_id = :g and not deleted order by as_of desc, id desc limit 1",
    "account_manager": """select m.name from party_relation r join account_manager m
                            on m.source = coalesce(r.related_source, r.source) and m.source_key = r.related_key
                          where r.golden_id = :g and r.relation = 'account_manager' and not r.deleted
                          order by r.recorded_at desc, r.id desc limit 1""",
    "enterprise_contacts": f"""select r.title, p.display_name from party_relation r left join golden_customer p on p.id = r.related_golden_id
                               where r.golden_id = :g and r.relation = 'contact' and not r.deleted
                               order by r.recorded_at desc, r.id desc limit {PAGE}""",
}


def _run_postgres(url: str, ids: list[str], rounds: int) -> list[float]:
    import psycopg
    from sqlalchemy.engine import make_url

    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    statements = [sql.replace(":g", "%(g)s") for sql in FLOOR_STATEMENTS.values()]
    with psycopg.connect(conninfo, autocommit=True) as connection, connection.cursor() as cursor:
        return _timed(
            lambda sql, g: (cursor.execute(sql, {"g": g}, prepare=True), cursor.fetchall()),
            statements,
            ids,
            rounds,
        )


def _run_sqlite(url: str, ids: list[str], rounds: int) -> list[float]:
    import sqlite3

    from sqlalchemy.engine import make_url

    connection = sqlite3.connect(make_url(url).database or "", isolation_level=None)
    try:
        statements = list(FLOOR_STATEMENTS.values())
        return _timed(lambda sql, g: connection.execute(sql, {"g": g}).fetchall(), statements, ids, rounds)
    finally:
        connection.close()


def _timed(run: Any, statements: list[str], ids: list[str], rounds: int) -> list[float]:
    for golden_id in ids[:50]:  # warm-up: statements prepared, pages cached
        for sql in statements:
            run(sql, golden_id)
    latencies = []
    for index in range(rounds):
        golden_id = ids[index % len(ids)]
        started = time.perf_counter()
        for sql in statements:
            run(sql, golden_id)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def measure_floor(url: str, ids: list[str], rounds: int = 1000) -> dict[str, Any]:
    """Median and p99 milliseconds per customer of the floor, over ``rounds`` customers taken from ``ids`` in turn."""
    from c360.hub.db import is_postgres

    latencies = (_run_postgres if is_postgres(url) else _run_sqlite)(url, ids, rounds)
    ordered = sorted(latencies)
    return {
        "statements": len(FLOOR_STATEMENTS),
        "customers": rounds,
        "median_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))], 2),
    }


def main() -> None:
    from _load import ensure_bench_database, sample_customers

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()
    url, _heavy = ensure_bench_database(args.size, args.database_url)
    print(measure_floor(url, sample_customers(url, args.customers), args.rounds))


if __name__ == "__main__":
    main()
