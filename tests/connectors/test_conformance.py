"""The conformance kit passes every built-in connector — and fails connectors that break a promise."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest

from c360.connectors import Connector, ConnectorConfig, Page, Stream, registry
from c360.connectors.conformance import (
    ConformanceError,
    check_bad_pages,
    check_declarations,
    check_incremental,
)
from c360.connectors.testing import ConnectorConformance
from c360.records import AccountManagerRecord, CanonicalRecord
from tests.connectors.conftest import rest
from tests.connectors.loopback import LoopbackServer, RestSilo
from tests.connectors.sample import T1, write_billing

Silo = tuple[RestSilo, LoopbackServer]


class TestBossConformance(ConnectorConformance):
    @pytest.fixture
    def connector(self, boss_silo: Silo, silo_key: str) -> Connector:
        return rest("boss", boss_silo[1], silo_key)

    @pytest.fixture
    def broken_connector(self, broken_rest_server: LoopbackServer, silo_key: str) -> Connector:
        return rest("boss", broken_rest_server, silo_key)


class TestKeyAccountConformance(ConnectorConformance):
    @pytest.fixture
    def connector(self, keyaccount_silo: Silo, silo_key: str) -> Connector:
        return rest("keyaccount", keyaccount_silo[1], silo_key)

    @pytest.fixture
    def broken_connector(self, broken_rest_server: LoopbackServer, silo_key: str) -> Connector:
        return rest("keyaccount", broken_rest_server, silo_key)


class TestBillingConformance(ConnectorConformance):
    @pytest.fixture
    def connector(self, billing_db: Path) -> Connector:
        return registry.build("billing", {"dsn": f"sqlite:///{billing_db}", "page_size": 2})

    @pytest.fixture
    def broken_connector(self, tmp_path: Path) -> Connector:
        db = write_billing(tmp_path / "broken.db", broken=True)
        return registry.build("billing", {"dsn": f"sqlite:///{db}", "page_size": 2})


class TestCallCenterConformance(ConnectorConformance):
    @pytest.fixture
    def connector(self, callcenter_dir: Path) -> Connector:
        return registry.build("callcenter", {"folder": str(callcenter_dir), "page_size": 2})

    @pytest.fixture
    def broken_connector(self, tmp_path: Path) -> Connector:
        for prefix in ("service_requests", "sr_status", "calls"):
            (tmp_path / f"{prefix}_1_1.csv").write_text("nothing,useful\n1,2\n", encoding="utf-8")
        return registry.build("callcenter", {"folder": str(tmp_path)})


class TestBiConformance(ConnectorConformance):
    @pytest.fixture
    def connector(self, bi_dir: Path) -> Connector:
        return registry.build("bi", {"folder": str(bi_dir), "page_size": 2})

    @pytest.fixture
    def broken_connector(self, tmp_path: Path) -> Connector:
        (tmp_path / "analysis_1_1.jsonl").write_text('["not", "an", "object"]\n', encoding="utf-8")
        return registry.build("bi", {"folder": str(tmp_path)})


# --- the kit must fail connectors that break its promises -------------------------------------------------

ROWS = [{"id": f"M{i}", "updated_at": T1} for i in range(5)]


class Managers(Stream):
    """A hand-written stream over a list; ``flaw`` switches on one broken promise."""

    name: ClassVar[str] = "managers"
    primary_key: ClassVar[tuple[str, ...]] = ("id",)
    cursor_field: ClassVar[str | None] = "updated_at"

    def __init__(self, flaw: str = "") -> None:
        self.flaw = flaw

    def read(self, cursor: Mapping[str, Any] | None, *, full: bool = False) -> Iterator[Page]:
        start = 0 if full or not cursor else int(cursor["key"][1:]) + (0 if self.flaw == "repeat" else 1)
        if self.flaw == "skip" and cursor:
            start += 1
        for at in range(start, len(ROWS), 2):
            page = ROWS[at : at + 2]
            if self.flaw == "swallow" and at:
                return  # a page it could not parse is quietly dropped
            yield Page(page, {"updated_at": T1, "key": page[-1]["id"]}, f"page {at // 2 + 1}")

    def map(self, raw: Mapping[str, Any]) -> Sequence[CanonicalRecord]:
        return [AccountManagerRecord(source="test", source_key=raw["id"])]


class Team(Connector):
    name: ClassVar[str] = "team"
    config_model = ConnectorConfig

    def __init__(self, streams: Sequence[Stream]) -> None:
        super().__init__("team", ConnectorConfig())
        self._streams = streams

    def streams(self) -> Sequence[Stream]:
        return self._streams

    def check(self) -> None:
        pass


def test_a_correct_hand_written_stream_passes() -> None:
    check_declarations(Team([Managers()]))
    check_incremental(Managers())


@pytest.mark.parametrize(("flaw", "message"), [("skip", "skipped 1 and repeated 0"), ("repeat", "repeated 1")])
def test_resume_that_skips_or_repeats_fails(flaw: str, message: str) -> None:
    with pytest.raises(ConformanceError, match=f"stream 'managers': resuming after page 1 .*{message}"):
        check_incremental(Managers(flaw))


def test_swallowed_bad_page_fails() -> None:
    with pytest.raises(ConformanceError, match="a bad page was swallowed"):
        check_bad_pages(Team([Managers("swallow")]))


def test_missing_key_declaration_fails() -> None:
    class NoKey(Managers):
        primary_key = ()

    with pytest.raises(ConformanceError, match="primary_key must be a non-empty tuple"):
        check_declarations(Team([NoKey()]))


def test_duplicate_stream_names_fail() -> None:
    with pytest.raises(ConformanceError, match="stream names are not unique"):
        check_declarations(Team([Managers(), Managers()]))
