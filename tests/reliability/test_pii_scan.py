"""No full ID number, mobile or e-mail reaches a caller without ``pii:read``: not in an answer, not in an
error, not in the hub's log.

The hub is ``c360 demo`` (simulated silos, scheduler running), asked by a key holding every scope but
``pii:read``. Every root field a channel reads is asked with a selection generated from the schema itself
(every field without required arguments, down to a depth), for customers found by search and by lookup;
then inputs that fail (bad formats, unknown customers, a number typed where a name goes) for their error
messages. Each response and the demo's whole log are searched for every clear value the index holds.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    is_leaf_type,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from c360.hub.db import create_db_engine
from c360.hub.models import Identifier
from c360.schema import build_schema
from tests.demo_process import post_graphql, running_demo

pytestmark = pytest.mark.reliability

SCOPES = ("customer:read", "customer:lookup", "customer:search", "contact:write", "events:read", "events:subscribe",
          "sync:admin", "steward", "audit:read")  # fmt: skip
DEPTH = 3
COMMON_NAMES = ("张伟", "王芳", "李娜", "刘洋", "陈静")
_RUNS = re.compile(r"[0-9Xx]{11,}|[\w.+-]+@[\w-]+\.[\w.]+")


def _selection(kind: GraphQLObjectType, depth: int) -> str:
    """Every field of ``kind`` that needs no argument, objects expanded ``depth`` levels down."""
    parts = []
    for name, field in kind.fields.items():
        if any(isinstance(arg.type, GraphQLNonNull) and arg.default_value is None for arg in field.args.values()):
            continue
        named = get_named_type(field.type)
        if is_leaf_type(named):
            parts.append(name)
        elif isinstance(named, GraphQLObjectType) and depth > 0:
            inner = _selection(named, depth - 1)
            if inner:
                parts.append(f"{name} {{ {inner} }}")
    return " ".join(parts)


def _customer_selection(schema: GraphQLSchema) -> str:
    customer = schema.type_map["Customer"]
    assert isinstance(customer, GraphQLObjectType)
    return _selection(customer, DEPTH)


def _second_shell(folder: Path, args: list[str]) -> str:
    return subprocess.run([sys.executable, "-m", "c360", *args], cwd=folder, capture_output=True, text=True,
                          timeout=120, check=True).stdout  # fmt: skip


def _clear_values(database_url: str) -> set[str]:
    """Every personal value the index holds in clear, in the forms a leak would take."""
    engine = create_db_engine(database_url)
    try:
        with Session(engine) as session:
            rows = session.execute(select(Identifier.type, Identifier.value, Identifier.raw_value)).all()
    finally:
        engine.dispose()
    values: set[str] = set()
    for kind, value, raw in rows:
        for text in (value, raw):
            if not text:
                continue
            if kind == "phone":
                digits = re.sub(r"\D", "", text)
                if len(digits) >= 11:
                    values.add(digits[-11:])
            elif kind in ("ric", "email", "passport"):
                values.add(text.strip().upper() if kind != "email" else text.strip().lower())
    return values


def _leaks(text: str, clear: set[str]) -> set[str]:
    """Clear values in ``text``, also inside a longer run of digits (a number echoed with what was typed around it)."""
    found = set()
    for run in _RUNS.findall(text):
        if "@" in run:
            candidates = {run.lower()}
        else:
            run = run.upper()
            candidates = {run[i : i + width] for width in (11, 15, 18) for i in range(len(run) - width + 1)}
        found |= candidates & clear
    return found


def _asked(port: int, key: str, selection: str, sample_phones: list[str]) -> Iterator[tuple[str, Any]]:
    """Each request and its answer: reads, lookups, feeds, admin lists and inputs that fail."""
    ids: list[str] = []
    for text in (*COMMON_NAMES, *(phone[-4:] for phone in sample_phones)):
        answer = post_graphql(port, key, "query($t: String!) { searchCustomers(text: $t, first: 10) { nodes { customer { id } } } }",
                              {"t": text})  # fmt: skip
        yield "search", answer
        ids += [node["customer"]["id"] for node in (answer.get("data") or {}).get("searchCustomers", {}).get("nodes", [])]
    assert ids, f"search found nobody: {answer}"
    for customer_id in dict.fromkeys(ids[:40]):
        yield "view", post_graphql(port, key, f"query($id: ID!) {{ customer(id: $id) {{ {selection} }} }}", {"id": customer_id})
    for phone in sample_phones:
        yield "lookup", post_graphql(port, key, f"query($p: String!) {{ customerBy(phone: $p) {{ {selection} }} }}", {"p": phone})
        yield "search by phone", post_graphql(port, key, "query($t: String!) { searchCustomers(text: $t) { nodes { matched customer { id displayName } } } }",
                                              {"t": phone})  # fmt: skip
        yield "bad lookup", post_graphql(port, key, "query($p: String!) { customerBy(phone: $p) { id } }", {"p": phone + "99"})
        yield "bad id", post_graphql(port, key, "query($p: String!) { customerBy(idNumber: $p) { id } }", {"p": phone})
        yield "phone as id", post_graphql(port, key, "query($p: ID!) { customer(id: $p) { id } }", {"p": phone})
        yield "bad contact", post_graphql(port, key, """mutation($p: String!) { recordContact(input: {customer: {phone: $p},
            channel: APP, type: INQUIRY, occurredAt: "2024-05-01T09:30:00+00:00", summary: "x"}) { replayed } }""", {"p": phone + "1"})
    yield "feed", post_graphql(port, key, "{ contactEvents(first: 100) { nodes { seq type customerId payload } } }")
    yield "identity events", post_graphql(port, key, "{ identityEvents(first: 100) { nodes { __typename } } }")
    yield "quarantine", post_graphql(port, key, "{ quarantine(status: null, first: 50) { nodes { reason sourceKey payload { name value } } } }")
    yield "review", post_graphql(port, key, "{ reviewQueue(first: 20) { nodes { score } } }")
    yield "sync runs", post_graphql(port, key, "{ syncRuns(first: 20) { nodes { connector stream status } } }")


def test_nothing_personal_reaches_a_key_without_pii_read(tmp_path: Path, fresh_database_url: Any) -> None:
    database_url = fresh_database_url()
    selection = _customer_selection(build_schema()._schema)
    with running_demo(tmp_path, database_url) as demo:
        created = _second_shell(tmp_path, ["keys", "create", "no-pii", *[a for s in SCOPES for a in ("--scope", s)]])
        key = re.search(r"(c360k_\S+)", created)
        assert key, created
        clear = _clear_values(database_url)
        phones = sorted(value for value in clear if re.fullmatch(r"1\d{10}", value))[:15]
        assert len(clear) > 100 and phones, "the demo's index holds personal values to look for"
        answers = 0
        for what, answer in _asked(demo.port, key.group(1), selection, phones):
            answers += 1
            leaked = _leaks(str(answer), clear)
            assert not leaked, f"{what}: {len(leaked)} clear values in the answer"
        log = demo.output()
    assert answers > 50
    leaked = _leaks(log, clear)
    assert not leaked, f"{len(leaked)} clear values in the hub's log"
