"""The party rows a page has just written, as the ingest hands them to identity resolution.

Identity resolution builds a profile from every party that lands, and reading those rows back
(and decoding their JSON payload) was a large share of its cost. ``ingest_page`` already holds each
row's values and normalized form, so its result carries them (``IngestResult.parties``) and the
landed-records hook takes them from there, reading from the database only what is not among them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

__all__ = ["PartyRow"]


class PartyRow(NamedTuple):
    """A live party source record as identity resolution reads it."""

    id: int
    source: str
    source_key: str
    source_updated_at: dt.datetime | None
    raw: Any
    normalized: Any = None  # the stored normalized form (``c360.hub.normalize.normal_form``), when read or written with it
