"""Offset and Link-header paging over real HTTP, and the SDK version a plugin may require."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from c360.connectors import registry
from c360.connectors.sdk import (
    SDK_VERSION,
    BadPageError,
    Fields,
    LinkHeaderPaginator,
    OffsetPaginator,
    RestConfig,
    RestConnector,
    RestStream,
    SdkVersionError,
    SubscriptionRecord,
    require_sdk,
)
from c360.connectors.sdk.testing import check_connector, records_of
from tests.connectors.loopback import LoopbackServer, serving

ROWS = [{"id": f"S{i}", "msisdn": f"1380013800{i}", "updated_at": f"2024-06-0{1 + i // 2}T09:00:00+08:00"}
        for i in range(5)]  # fmt: skip


def rows_since(request: Request) -> list[dict[str, Any]]:
    return [row for row in ROWS if row["updated_at"] >= request.query_params.get("updated_since", "")]


def offset_app(seen: list[Mapping[str, str]]) -> Starlette:
    async def lines(request: Request) -> Response:
        seen.append(dict(request.query_params))
        start, size = int(request.query_params["offset"]), int(request.query_params["limit"])
        return JSONResponse({"data": rows_since(request)[start : start + size]})

    return Starlette(routes=[Route("/lines", lines)])


def link_app(*, elsewhere: bool = False) -> Starlette:
    async def lines(request: Request) -> Response:
        start, size = int(request.query_params.get("from", 0)), int(request.query_params["per_page"])
        rows = rows_since(request)
        headers = {}
        if start + size < len(rows):
            base = "http://elsewhere.invalid" if elsewhere else str(request.base_url).rstrip("/")
            since = request.query_params.get("updated_since", "")
            headers["Link"] = f'<{base}/lines?per_page={size}&from={start + size}&updated_since={since}>; rel="next"'
        return JSONResponse(rows[start : start + size], headers=headers)

    return Starlette(routes=[Route("/lines", lines)])


class OffsetLines(RestStream[RestConfig]):
    name = "lines"
    path = "/lines"
    record = SubscriptionRecord
    key = "id"
    paginator = OffsetPaginator(items="data")

    def map(self, raw: Mapping[str, Any]) -> Fields:
        return {"msisdn": raw["msisdn"]}


class LinkedLines(OffsetLines):
    paginator = LinkHeaderPaginator()


class OffsetConnector(RestConnector):
    name = "offset-lines"
    stream_classes = (OffsetLines,)


class LinkConnector(RestConnector):
    name = "linked-lines"
    stream_classes = (LinkedLines,)


def config(server: LoopbackServer) -> RestConfig:
    return RestConfig(base_url=server.url, page_size=2, max_retries=0)


def test_offset_paging_reads_every_record_and_resumes() -> None:
    seen: list[Mapping[str, str]] = []
    with serving(offset_app(seen)) as server, OffsetConnector("lines", config(server)) as connector:
        check_connector(connector)
        records = records_of(connector.stream("lines"))
    assert [r.source_key for r in records] == [row["id"] for row in ROWS]
    assert records[0] == SubscriptionRecord(source="offset-lines", source_key="S0", msisdn="13800138000",
                                            updated_at=records[0].updated_at)  # fmt: skip
    assert [params["offset"] for params in seen[-3:]] == ["0", "2", "4"]


def test_link_header_paging_reads_every_record_and_resumes() -> None:
    with serving(link_app()) as server, LinkConnector("lines", config(server)) as connector:
        check_connector(connector)
        assert [r.source_key for r in records_of(connector.stream("lines"))] == [row["id"] for row in ROWS]


def test_a_next_link_to_another_origin_is_refused() -> None:
    with serving(link_app(elsewhere=True)) as server, LinkConnector("lines", config(server)) as connector:
        with pytest.raises(BadPageError, match="another origin"):
            list(connector.stream("lines").read(None))


def test_a_plugin_may_require_this_sdk_or_an_older_minor() -> None:
    major, minor = SDK_VERSION.split(".")
    require_sdk(SDK_VERSION)
    require_sdk(f"{major}.0")
    for wanted in (f"{int(major) + 1}.0", f"{major}.{int(minor) + 1}", f"{int(major) - 1}.0"):
        with pytest.raises(SdkVersionError, match=f"needs connector SDK {wanted}; this hub provides {SDK_VERSION}"):
            require_sdk(wanted)


@pytest.fixture
def future_plugin(tmp_path: Path) -> Iterator[None]:
    """An installed distribution whose connector needs SDK 99.0: its metadata and its module, on sys.path."""
    info = tmp_path / "c360_connector_future-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: c360-connector-future\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[c360.connectors]\nfuture = c360_future:FutureConnector\n")
    (tmp_path / "c360_future.py").write_text(
        'from c360.connectors.sdk import require_sdk\nrequire_sdk("99.0")\n'
    )
    sys.path.insert(0, str(tmp_path))
    importlib.invalidate_caches()
    yield
    sys.path.remove(str(tmp_path))
    sys.modules.pop("c360_future", None)


def test_a_plugin_for_another_sdk_is_reported_broken_with_both_versions(future_plugin: None) -> None:
    found = registry.discover()
    assert "future" not in found.connectors
    assert found.broken["future"] == (
        f"c360-connector-future needs connector SDK 99.0; this hub provides {SDK_VERSION}"
    )
