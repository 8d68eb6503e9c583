"""The connector contract as the sync engine uses it, imported in one place."""

from connectors.base import Connector, Page, Stream
from connectors.errors import BadPageError, ConfigError, ConnectorError, FatalError, RetriableError

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
