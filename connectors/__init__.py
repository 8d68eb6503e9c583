"""The connector SDK: how c360 reads a silo and maps its records to canonical records.

* ``Connector`` / ``Stream`` / ``Page`` — the interface the sync engine calls (``connectors.base``);
* ``RestStream``, ``SqlStream``, ``CsvDropStream``, ``JsonlDropStream`` and their connectors —
  declare a stream in a few lines;
* ``connectors.mapping`` — strict value readers for ``Stream.map``;
* ``connectors.registry`` — built-ins plus ``c360.connectors`` entry points;
* ``connectors.conformance`` / ``connectors.testing`` — the kit integrators run on their connector.

See ``docs/connectors.md`` for a walk-through.
"""

from connectors.base import Connector, Page, Stream
from connectors.config import ConnectorConfig, DropFolderConfig, RestConfig, SqlConfig
from connectors.errors import BadPageError, ConfigError, ConnectorError, FatalError, RetriableError
from connectors.files import CsvDropStream, DropFileStream, DropFolderConnector, JsonlDropStream
from connectors.http import HttpClient
from connectors.rest import RestConnector, RestStream
from connectors.sql import SqlConnector, SqlStream

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
