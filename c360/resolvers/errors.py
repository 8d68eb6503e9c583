"""The errors of the API's sync and steward operations (:mod:`c360.resolvers.operations`).

Apart from that module so that ``c360.schema.errors`` can name them in its table of codes
without importing the operations and all they import. A steward merge against a never-merge pair
is the identity code's own ``c360.hub.identity.steward.KeptApart``.
"""

from __future__ import annotations

from c360.errors import ApiError, SyncError

__all__ = ["BadRef", "StreamsBusy", "UnknownRef"]


class BadRef(ApiError):
    """Raised when a record reference is neither a numeric id nor ``source:kind:sourceKey``."""

    def __init__(self, argument: str, ref: str) -> None:
        super().__init__(f"not a record reference: use a source record id or source:kind:sourceKey (got {ref[:80]!r})")
        self.argument = argument


class UnknownRef(ApiError):
    """Raised when a well-formed record reference names no party source record."""

    def __init__(self, argument: str, ref: str) -> None:
        super().__init__(f"no party source record {ref[:80]!r}")
        self.argument = argument


class StreamsBusy(SyncError):
    """Raised when every stream the target names is being run by someone else right now."""

    def __init__(self, streams: list[str]) -> None:
        super().__init__(f"already running: {', '.join(streams)}")
        self.streams = streams
