"""What can go wrong in a connector, named for what the sync engine should do next.

::

    ConnectorError          (c360.errors, the same class) one clear line; never secrets or personal data
    ├── RetriableError      transient (throttling, 5xx, connection); the SDK retried and gave up
    ├── FatalError          the run must fail: credentials rejected, other 4xx, broken query
    │   └── BadPageError    a page that cannot be parsed: reported, never swallowed
    └── ConfigError         an invalid [connectors.NAME] table; the message names the field

A single bad *record* is not a connector error: ``Stream.map`` raises
``c360.records.InvalidRecord`` and the engine quarantines that record alone.
"""

from __future__ import annotations

from c360.config import ConfigError as SettingsError
from c360.errors import ConnectorError

__all__ = ["ConnectorError", "RetriableError", "FatalError", "BadPageError", "ConfigError"]


class RetriableError(ConnectorError):
    """A transient failure that outlived the SDK's own retries; a later run may succeed."""


class FatalError(ConnectorError):
    """The run cannot succeed as configured; retrying soon will not help."""


class BadPageError(FatalError):
    """The silo answered, but a page (or drop file) cannot be parsed or breaks the cursor order."""


class ConfigError(ConnectorError, SettingsError):
    """An invalid connector table. Also a ``c360.config.ConfigError`` so settings handling catches both."""
