"""The SDK's test kit for plugins (needs pytest): the conformance base class and its checks.

``ConnectorConformance`` turns every promise of the SDK into a test once a
subclass provides ``connector`` and ``broken_connector`` fixtures;
``records_of`` reads a stream completely and maps every record.
"""

from __future__ import annotations

from typing import Any

from c360.connectors.base import Stream
from c360.connectors.conformance import ConformanceError, check_connector, read_all
from c360.connectors.testing import ConnectorConformance
from c360.records import CanonicalRecord

__all__ = ["ConnectorConformance", "ConformanceError", "check_connector", "read_all", "records_of"]


def records_of(stream: Stream[Any, Any]) -> list[CanonicalRecord]:
    """Every canonical record a full read of ``stream`` yields, in order."""
    return [record for page in read_all(stream) for raw in page.records for record in stream.records(raw)]
