"""The errors of the API's sync and steward operations (:mod:`c360.resolvers.operations`).

Apart from that module so that ``c360.schema.errors`` can name them in its table of codes
without importing the operations (which import the schema's masking scalar).
"""

from __future__ import annotations

from c360.errors import ApiError, IdentityError, SyncError

__all__ = ["BadRef", "KeptApart", "StreamsBusy", "UnknownRef"]


class BadRef(ApiError):
    """Raised when a record reference is neither a numeric id nor ``source:kind:sourceKey``."""

    def __init__(self, argument: str, ref: str) -> None:
        super().__init__(f"not a record reference: use a source record id or source:kind:sourceKey (got {ref[:80]!r})")
        self.argument = argument


class KeptApart(IdentityError):
    """Raised when a steward merge is refused: the two customers hold a pair marked never-merge (``records``)."""

    def __init__(self, message: str, records: list[int]) -> None:
        super().__init__(message)
        self.records = records


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
