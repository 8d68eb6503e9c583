"""The connector SDK: how c360 reads a silo and maps its records to canonical records.

* ``c360.connectors.sdk`` — the versioned public surface (``SDK_VERSION``) plugins import, and only that;
* ``Connector`` / ``Stream`` / ``Page`` — the interface the sync engine calls (``c360.connectors.base``);
* ``RestStream``, ``SqlStream``, ``CsvDropStream``, ``JsonlDropStream`` and their connectors —
  declare a stream in a few lines; ``c360.connectors.paginators`` — how a stream pages;
* ``c360.connectors.mapping`` — strict value readers for ``Stream.map``;
* ``c360.connectors.registry`` — built-ins plus ``c360.connectors`` entry points;
* ``c360.connectors.conformance`` / ``c360.connectors.testing`` — the kit integrators run on their connector.

See ``docs/connectors.md`` for a walk-through.
"""

from c360.connectors.base import Connector, Page, Stream
from c360.connectors.config import ConnectorConfig, DropFolderConfig, RestConfig, SqlConfig
from c360.connectors.errors import BadPageError, ConfigError, ConnectorError, FatalError, RetriableError
from c360.connectors.files import CsvDropStream, DropFileStream, DropFolderConnector, JsonlDropStream
from c360.connectors.http import HttpClient
from c360.connectors.rest import RestConnector, RestStream
from c360.connectors.sql import SqlConnector, SqlStream

__all__ = [
    "BadPageError",
    "ConfigError",
    "Connector",
    "ConnectorConfig",
    "ConnectorError",
    "CsvDropStream",
    "DropFileStream",
    "DropFolderConfig",
    "DropFolderConnector",
    "FatalError",
    "HttpClient",
    "JsonlDropStream",
    "Page",
    "RestConfig",
    "RestConnector",
    "RestStream",
    "RetriableError",
    "SqlConfig",
    "SqlConnector",
    "SqlStream",
    "Stream",
]
