"""The connector SDK's public surface, version ``SDK_VERSION``: what a connector plugin imports, and all it imports.

Everything a connector needs — the stream and connector bases per silo kind,
the paginators, the configuration models, the errors, the canonical record
kinds and the value readers for ``map`` — is re-exported here, so a plugin
depends on this one module and not on the hub's layout. Test helpers live
in ``c360.connectors.sdk.testing`` (they need pytest).

Versioning: ``SDK_VERSION`` is ``MAJOR.MINOR``. A minor release only adds to
``__all__``; a major one may change or remove. A plugin states the version
it was written for with ``require_sdk("2.0")`` at import time; against an
incompatible hub its entry point fails to load with ``SdkVersionError`` and
``c360 connectors list`` reports it as broken, instead of a sync failing later.
"""

from __future__ import annotations

from pydantic import Field

from c360.connectors.base import Connector, Emit, Fields, Page, Stream
from c360.connectors.config import ConnectorConfig, DropFolderConfig, RestConfig, SqlConfig
from c360.connectors.errors import BadPageError, ConfigError, ConnectorError, FatalError, RetriableError
from c360.connectors.files import (
    CsvDropStream,
    DropFileStream,
    DropFolder,
    DropFolderConnector,
    JsonlDropStream,
)
from c360.connectors.http import HttpClient
from c360.connectors.mapping import (
    cents,
    day,
    decimal,
    flag,
    integer,
    make,
    number,
    required,
    text,
    timestamp,
)
from c360.connectors.paginators import (
    CursorColumnPaginator,
    HttpPages,
    LinkHeaderPaginator,
    OffsetPaginator,
    Paginator,
    SqlPages,
    TokenPaginator,
)
from c360.connectors.rest import RestConnector, RestStream
from c360.connectors.sql import Database, SqlConnector, SqlStream
from c360.records import (
    AccountManagerRecord,
    AccountRecord,
    AnalysisRecord,
    BalanceRecord,
    BillRecord,
    CanonicalRecord,
    ContactRecord,
    ContractRecord,
    FactRecord,
    InvalidRecord,
    OrderRecord,
    PartyRecord,
    PartyRelationRecord,
    PaymentRecord,
    PhoneRef,
    ServiceRequestRecord,
    ServiceRequestStatusRecord,
    SubscriptionRecord,
)
from c360.records.vocabulary import labelled

__all__ = [
    "SDK_VERSION",
    "SdkVersionError",
    "require_sdk",
    # streams and connectors
    "Connector",
    "Stream",
    "Page",
    "Emit",
    "Fields",
    "RestConnector",
    "RestStream",
    "HttpClient",
    "SqlConnector",
    "SqlStream",
    "Database",
    "DropFolderConnector",
    "DropFolder",
    "DropFileStream",
    "CsvDropStream",
    "JsonlDropStream",
    # paging
    "Paginator",
    "HttpPages",
    "SqlPages",
    "TokenPaginator",
    "OffsetPaginator",
    "LinkHeaderPaginator",
    "CursorColumnPaginator",
    # configuration
    "ConnectorConfig",
    "RestConfig",
    "SqlConfig",
    "DropFolderConfig",
    "Field",
    # errors
    "ConnectorError",
    "RetriableError",
    "FatalError",
    "BadPageError",
    "ConfigError",
    "InvalidRecord",
    # canonical records
    "CanonicalRecord",
    "FactRecord",
    "PartyRecord",
    "PhoneRef",
    "AccountRecord",
    "SubscriptionRecord",
    "OrderRecord",
    "BillRecord",
    "PaymentRecord",
    "BalanceRecord",
    "ServiceRequestRecord",
    "ServiceRequestStatusRecord",
    "ContactRecord",
    "AnalysisRecord",
    "AccountManagerRecord",
    "ContractRecord",
    "PartyRelationRecord",
    # readers for map()
    "text",
    "required",
    "timestamp",
    "day",
    "decimal",
    "cents",
    "integer",
    "number",
    "flag",
    "make",
    "labelled",
]

SDK_VERSION = "2.0"


class SdkVersionError(ConnectorError, ImportError):
    """Raised while a plugin loads when it was written for a connector SDK this hub does not provide.

    Also an ``ImportError``: the plugin module fails to import, and loaders treat it as such.
    """


def _parts(version: str) -> tuple[int, int]:
    major, _, minor = version.partition(".")
    try:
        return int(major), int(minor or 0)
    except ValueError:
        raise ValueError(f"not an SDK version (MAJOR.MINOR): {version!r}") from None


def require_sdk(version: str) -> None:
    """Refuse to load unless this hub's SDK is ``version`` or a later minor of the same major."""
    wanted, have = _parts(version), _parts(SDK_VERSION)
    if wanted[0] != have[0] or wanted[1] > have[1]:
        raise SdkVersionError(f"needs connector SDK {version}; this hub provides {SDK_VERSION}")
