"""One tree for every error c360 raises on purpose: catch a branch, or ``C360Error`` for all of them.

The bottom layer: it imports nothing from c360, so every package can raise from it. Each package
keeps its own specific classes (``c360.connectors.errors.RetriableError``, ``c360.sync.AlreadyRunning``,
...) under one of these branches; ``tests/errors/test_error_tree.py`` fails if a class defined under
``c360`` is not in the tree. ``str(error)`` of any of them is one line safe to show an operator or a
caller: it names fields, ids and settings, never secrets or personal data.

::

    C360Error
    ├── ConfigurationError   settings, a [connectors.NAME] table or the listening port cannot be used
    ├── DatabaseError        the hub's database: a bad URL, out of reach, or an out-of-date schema
    ├── ConnectorError       a silo read failed (c360.connectors.errors: Retriable, Fatal, BadPage, Config)
    ├── IngestError          a record cannot become a canonical record (InvalidRecord: quarantined)
    ├── IdentityError        a steward decision refused: unknown record, a never-merge pair
    ├── EventError           a channel's event cannot be recorded: conflict, missing target
    ├── SyncError            a sync run cannot start or its target is unknown; quarantine look-ups
    ├── AuthError            a credential refused or not checkable; an API-key operation refused
    ├── PrivacyError         an erasure (or restore flag) that cannot be done
    └── ApiError             a GraphQL request refused (HubError and its codes; cursors, references)

How a branch reaches its user is decided in two places only: ``c360.app.cli.errors`` (one line and
an exit code) and ``c360.schema.errors`` (a GraphQL ``extensions.code``); see docs/architecture.md.
"""

from __future__ import annotations

__all__ = [
    "C360Error",
    "ConfigurationError",
    "DatabaseError",
    "ConnectorError",
    "IngestError",
    "IdentityError",
    "EventError",
    "SyncError",
    "AuthError",
    "PrivacyError",
    "ApiError",
]


class C360Error(Exception):
    """Root of the errors c360 raises on purpose; anything else reaching a user is a bug (and is masked)."""


class ConfigurationError(C360Error):
    """Raised when the configuration cannot be used: a setting, a connector table, the port to listen on.

    The operator fixes the configuration (or the machine) and runs the command again; the message
    names the setting.
    """


class DatabaseError(C360Error):
    """Raised when the hub's database cannot be used: a malformed URL, a server out of reach, a schema
    older or newer than the code (``c360.hub.db.engine`` has one class for each)."""


class ConnectorError(C360Error):
    """Base of every connector failure. ``str(error)`` is safe to show and to store.

    Raised by connectors while reading a silo; the sync engine fails the run with this message.
    Plugins import it as ``c360.connectors.errors.ConnectorError``, the same class.
    """


class IngestError(C360Error):
    """Raised when a source record cannot be landed as a canonical record; that record is quarantined
    and its run (or import) goes on."""


class IdentityError(C360Error):
    """Raised when identity resolution refuses a steward's request (an unknown record, a never-merge
    pair); nothing was written."""


class EventError(C360Error):
    """Raised when a channel's event cannot be recorded in the event log (a reused idempotency key,
    a service request or customer that is not there); nothing was written."""


class SyncError(C360Error):
    """Raised when a sync cannot start (the stream is running elsewhere, the target names nothing) or
    a quarantined record asked for does not exist. A run that fails is an outcome, not this error."""


class AuthError(C360Error):
    """Raised when a caller's credential is refused or cannot be checked, or an operator's API-key
    operation cannot be done. The message never echoes a credential."""


class PrivacyError(C360Error):
    """Raised when a right-to-erasure request (or a restore flag) cannot be done; nothing was changed."""


class ApiError(C360Error):
    """Raised while serving a GraphQL request the caller can fix: ``c360.schema.errors.HubError`` carries
    its ``extensions.code``; the resolvers' own errors (a bad cursor or reference) get theirs from the
    one table in ``c360.schema.errors``."""
