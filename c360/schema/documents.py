"""A schema's parsed and validated query texts, kept by text (``c360.schema.build.PreparedDocuments``).

A query text can hold literals (``customerBy(phone: "…")``), so an erasure empties it
(``c360.schema.privacy``) along with the normalizers' memos.
"""

from __future__ import annotations

from collections import OrderedDict

from graphql import DocumentNode

__all__ = ["DOCUMENT_CACHE_SIZE", "ValidDocuments"]

DOCUMENT_CACHE_SIZE = 256  # distinct query texts kept parsed and known valid, per schema


class ValidDocuments:
    """An LRU of query text -> parsed document that passed validation (invalid ones are never kept)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.valid: OrderedDict[str, DocumentNode] = OrderedDict()

    def get(self, query: str) -> DocumentNode | None:
        document = self.valid.get(query)
        if document is not None:
            self.valid.move_to_end(query)
        return document

    def keep(self, query: str, document: DocumentNode) -> None:
        self.valid[query] = document
        if len(self.valid) > self.size:
            self.valid.popitem(last=False)

    def clear(self) -> None:
        self.valid.clear()

