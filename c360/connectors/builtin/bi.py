"""BI (JSON-lines drops): segments, value tiers, churn and credit scores per customer or enterprise.

One analysis per subject and day (``<subject_type>:<subject_id>@<as_of>``,
the silo's own key), so the hub keeps the history of scores and shows the latest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from c360.connectors.sdk import (
    AnalysisRecord,
    DropFolderConfig,
    DropFolderConnector,
    Fields,
    InvalidRecord,
    JsonlDropStream,
    day,
    integer,
    number,
    required,
    text,
)

__all__ = ["BiConnector", "Analyses"]

_PARTIES = {"customer": ("boss", "{}"), "enterprise": ("keyaccount", "ent:{}")}


class Analyses(JsonlDropStream[DropFolderConfig]):
    name = prefix = "analysis"
    record = AnalysisRecord
    primary_key = ("subject_type", "subject_id", "as_of")

    def source_key(self, raw: Mapping[str, Any]) -> str:
        subject_type, subject_id = required(raw, "subject_type"), required(raw, "subject_id")
        as_of = day(raw, "as_of")
        if as_of is None:
            raise InvalidRecord("as_of: required but empty")
        return f"{subject_type}:{subject_id}@{as_of.isoformat()}"

    def map(self, raw: Mapping[str, Any]) -> Fields:
        party = _PARTIES.get(required(raw, "subject_type"))
        if party is None:
            raise InvalidRecord("subject_type: expected customer or enterprise")
        return dict(
            party_source=party[0], party_key=party[1].format(required(raw, "subject_id")),
            segment=text(raw, "segment"), value_tier=text(raw, "value_tier"), churn_score=number(raw, "churn_score"),
            credit_score=integer(raw, "credit_score"), as_of=day(raw, "as_of"),
        )


class BiConnector(DropFolderConnector):
    """Analysis figures dropped by the BI platform as JSON lines."""

    name: ClassVar[str] = "bi"
    stream_classes = (Analyses,)
