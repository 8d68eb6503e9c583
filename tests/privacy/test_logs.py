"""No personal data in the logs in clear: a whole demo run, failing and succeeding queries with identifiers in them."""

from __future__ import annotations

import logging
import re
import sqlite3
from pathlib import Path

from c360.hub.logging_setup import RedactingFilter, redact
from tests.demo_process import post_graphql, running_demo

RIC = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
MOBILE = re.compile(r"(?<![0-9])(?:\+?86[ \-]?)?1[3-9][0-9](?:[ \-]?[0-9]{4}){2}(?![0-9])")


def _phones(text: str) -> set[str]:
    return {re.sub(r"[^0-9]", "", m)[-11:] for m in MOBILE.findall(text)}


def _rics(text: str) -> set[str]:
    return {m.upper() for m in RIC.findall(text)}


def test_redact() -> None:
    text = "id 11010519491231002X / 110105491231002, call +86 138-0013-8000 or 13900139000, mail zhang.wei@example.cn"
    clean = redact(text)
    for value in ("11010519491231002X", "110105491231002", "138-0013-8000", "13900139000", "zhang.wei@example.cn"):
        assert value not in clean
    assert "110105********002X" in clean and "139****9000" in clean and "z***@example.cn" in clean
    assert redact("run 42 took 1234 ms, seq 9876543210123456789") == "run 42 took 1234 ms, seq 9876543210123456789"
    record = logging.LogRecord("t", logging.ERROR, __file__, 1, "lookup %s failed", ("13800138000",), None)
    assert RedactingFilter().filter(record) and record.getMessage() == "lookup 138****8000 failed"


def _silo_values(data_dir: Path) -> tuple[set[str], set[str]]:
    """Every resident ID number and mobile number the seeded BOSS and key-account silos hold."""
    text = []
    for name in ("boss.db", "keyaccount.db"):
        with sqlite3.connect(data_dir / name) as db:
            for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
                columns = [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]
                if "doc" in columns:
                    text.extend(doc for (doc,) in db.execute(f'SELECT doc FROM "{table}"'))
    joined = "\n".join(text)
    return _rics(joined), _phones(joined)


def test_demo_run_logs_no_personal_data(work_dir: Path, database_url: str) -> None:
    used: list[str] = []
    with running_demo(work_dir, database_url, C360_LOG_LEVEL="INFO") as demo:
        rics, phones = _silo_values(work_dir / ".c360" / "silos")
        assert len(rics) > 50 and len(phones) > 50, "the seeded silos hold ID and phone numbers to look for"
        ric, phone = sorted(rics)[0], sorted(phones)[0]
        used += [ric, phone]

        # (a) failing, with identifiers in the query text and in variables
        failing = [
            (f'{{ customer(id: "{ric}") {{ id }} }}', None),
            (f'{{ customerBy(phone: "{phone}") {{ id noSuchField }} }}', None),
            ("query($x: Int) { customerBy(idNumber: $x) { id } }", {"x": ric}),
            (f'{{ customerBy(idNumber: "{ric}", phone: "{phone}", email: "nobody.here@example.org") {{ id }} }}', None),
            (f'{{ contactEvents(after: "{phone}") {{ nodes {{ summary }} }} }}', None),
        ]
        used.append("nobody.here@example.org")
        for query, variables in failing:
            assert "errors" in post_graphql(demo.port, demo.key, query, variables), query
        assert "errors" in post_graphql(demo.port, f"c360k_{phone}x_{ric}", "{ hub { version } }")  # a credential made of them: 401
        # (b) succeeding look-ups by phone and ID number
        found = 0
        for value in sorted(phones)[1:4]:
            answer = post_graphql(demo.port, demo.key, "query($p: String) { customerBy(phone: $p) { id identifiers { nodes { value } } } }", {"p": value})
            found += answer.get("data", {}) is not None and bool((answer.get("data") or {}).get("customerBy"))
            used.append(value)
        for value in sorted(rics)[1:4]:
            answer = post_graphql(demo.port, demo.key, "query($i: String) { customerBy(idNumber: $i) { id displayName } }", {"i": value})
            found += bool((answer.get("data") or {}).get("customerBy"))
            used.append(value)
        assert found >= 1, "some look-ups by a seeded phone or ID number find their customer"
    output = demo.output()
    assert "GraphQL error" in output, "errors are logged (as code and path)"
    assert "noSuchField" not in output and "customerBy(" not in output.split("try this query")[-1].split("press Ctrl-C")[-1]
    leaked = [value for value in used if value in output]
    assert not leaked, leaked
    assert not (_rics(output) & rics), "an ID number of the seeded silos is in the logs"
    assert not (_phones(output) & phones), "a phone number of the seeded silos is in the logs"
