"""The connector contract as the sync engine uses it, imported in one place."""

from c360.connectors.base import Connector, Page, Stream
from c360.connectors.errors import BadPageError, ConfigError, ConnectorError, FatalError, RetriableError

__all__ = [
    "BadPageError",
    "ConfigError",
    "Connector",
    "ConnectorError",
    "FatalError",
    "Page",
    "RetriableError",
    "Stream",
]
