"""``docs/connectors.md`` followed word for word yields a working plugin.

The page's ``<!-- plugin: PATH -->`` blocks are written out as a project, the
project is pip-installed (offline, into a private target), the registry
discovers it, a sync through the real runner lands its records from a
loopback silo, and the plugin's own conformance tests from the page pass.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from c360.connectors import registry
from c360.hub.models import SourceRecord
from c360.sync import run_stream
from tests.connectors.conftest import FAST
from tests.connectors.loopback import LoopbackServer, RestSilo
from tests.helpers.plugins import installed_plugin, run_plugin_tests

DOCS = Path(__file__).resolve().parents[2] / "docs" / "connectors.md"
BLOCK = re.compile(r"<!-- plugin: (?P<path>\S+) -->\n```\w*\n(?P<body>.*?)```", re.DOTALL)


def plugin_files() -> dict[str, str]:
    """Every marked block by path, in page order; blocks for the same path follow one another."""
    files: dict[str, list[str]] = {}
    for match in BLOCK.finditer(DOCS.read_text(encoding="utf-8")):
        files.setdefault(match["path"], []).append(match["body"])
    return {path: "\n\n".join(bodies) for path, bodies in files.items()}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """(project folder, install target): the page's files, pip-installed without network or build isolation."""
    root = tmp_path_factory.mktemp("marketplace")
    for path, text in plugin_files().items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    with installed_plugin(root, tmp_path_factory.mktemp("marketplace-installed"), "c360_marketplace") as target:
        yield root, target


def orders() -> list[dict[str, object]]:
    return [{"order_id": f"O{i}", "buyer_id": f"B{i % 2}", "state": "paid", "total": "19.90", "cancelled": i == 4,
             "placed_at": "2024-06-01T09:00:00+08:00", "updated_at": f"2024-06-0{1 + i // 2}T09:00:00+08:00"}
            for i in range(5)]  # fmt: skip


def test_the_pages_rest_stream_is_at_most_15_lines() -> None:
    stream = next(body for body in plugin_files()["src/c360_marketplace/__init__.py"].split("\n\n\n")
                  if body.startswith("class Orders(RestStream"))  # fmt: skip
    assert len(stream.strip().splitlines()) <= 15


def test_following_the_page_syncs_a_silo_into_the_hub(
    project: tuple[Path, Path], engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = project
    assert registry.discover().origins["marketplace"] == "plugin (c360-connector-marketplace)"
    silo = RestSilo({"/api/orders": ("order_id", orders())})
    server = LoopbackServer(silo.app()).start()
    table = tomllib.loads((root / "c360.toml").read_text())["connectors"]["market"]
    monkeypatch.setenv(table["api_key_env"], silo.api_key)
    try:
        with registry.build("market", {**table, "base_url": server.url, "page_size": 2, **FAST}) as connector:
            connector.check()
            outcomes = [run_stream(engine, "market", stream) for stream in connector.streams()]
    finally:
        server.stop()
    assert [(o.stream, o.ok, o.counts.read, o.counts.quarantined) for o in outcomes] == [("orders", True, 5, 0)]
    assert silo.requests and all(params["seller"] == "s-1" for _, params in silo.requests)
    with Session(engine) as session:
        landed = session.scalars(select(SourceRecord).order_by(SourceRecord.source_key)).all()
    assert [(r.source, r.kind, r.source_key, r.deleted) for r in landed] == [
        ("marketplace", "order", f"O{i}", i == 4) for i in range(5)
    ]
    assert landed[0].source_updated_at is not None and landed[1].raw["party_key"] == "B1"


def test_the_pages_conformance_tests_pass(project: tuple[Path, Path]) -> None:
    root, target = project
    result = run_plugin_tests(root, target, "tests")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\b5 passed\b", result.stdout), result.stdout
