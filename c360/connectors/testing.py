"""The conformance kit as a pytest base class: subclass it and provide two fixtures.

::

    from c360.connectors.testing import ConnectorConformance

    class TestWebshopConformance(ConnectorConformance):
        @pytest.fixture
        def connector(self, shop_server):          # a healthy test silo, > page_size records per stream
            return WebshopConnector("shop", WebshopConfig(base_url=shop_server.url, page_size=2))

        @pytest.fixture
        def broken_connector(self, broken_server): # every stream serves a page that cannot be parsed
            return WebshopConnector("shop", WebshopConfig(base_url=broken_server.url))

Each promise of ``c360.connectors.conformance`` becomes one test; connectors are closed afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from c360.connectors.base import Connector
from c360.connectors.conformance import (
    check_bad_pages,
    check_declarations,
    check_incremental,
    check_mapping,
    read_all,
)

__all__ = ["ConnectorConformance"]


class ConnectorConformance:
    """Conformance tests; the subclass supplies ``connector`` and ``broken_connector`` fixtures."""

    @pytest.fixture
    def connector(self) -> Connector:
        raise NotImplementedError("provide a `connector` fixture: the connector on a healthy test silo")

    @pytest.fixture
    def broken_connector(self) -> Connector:
        raise NotImplementedError("provide a `broken_connector` fixture: the connector on a corrupt silo")

    @pytest.fixture
    def _healthy(self, connector: Connector) -> Iterator[Connector]:
        yield connector
        connector.close()

    @pytest.fixture
    def _broken(self, broken_connector: Connector) -> Iterator[Connector]:
        yield broken_connector
        broken_connector.close()

    def test_streams_declare_keys_and_cursors(self, _healthy: Connector) -> None:
        check_declarations(_healthy)

    def test_check_passes_on_a_healthy_silo(self, _healthy: Connector) -> None:
        _healthy.check()

    def test_records_map_to_valid_canonical_records(self, _healthy: Connector) -> None:
        for stream in _healthy.streams():
            check_mapping(stream, read_all(stream))

    def test_incremental_reads_resume_from_the_cursor(self, _healthy: Connector) -> None:
        for stream in _healthy.streams():
            check_incremental(stream)

    def test_bad_pages_are_reported(self, _broken: Connector) -> None:
        check_bad_pages(_broken)
