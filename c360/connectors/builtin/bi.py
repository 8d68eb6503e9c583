"""BI (JSON-lines drops): segments, value tiers, churn and credit scores per customer or enterprise.

One analysis per subject and day (``<subject_type>:<subject_id>@<as_of>``,
the silo's own key), so the hub keeps the history of scores and shows the latest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from c360.connectors.files import DropFolderConnector, JsonlDropStream
from c360.connectors.mapping import day, integer, make, number, required, text, timestamp
from c360.records import AnalysisRecord, CanonicalRecord, InvalidRecord

__all__ = ["BiConnector", "Analyses"]

SOURCE = "bi"


class Analyses(JsonlDropStream):
    name = "analysis"
    prefix = "analysis"
    primary_key = ("subject_type", "subject_id", "as_of")

    def map(self, raw: Mapping[str, Any]) -> Sequence[CanonicalRecord]:
        subject_type, subject_id = required(raw, "subject_type"), required(raw, "subject_id")
        as_of = day(raw, "as_of")
        if as_of is None:
            raise InvalidRecord("as_of: required but empty")
        if subject_type == "customer":
            party_source, party_key = "boss", subject_id
        elif subject_type == "enterprise":
            party_source, party_key = "keyaccount", f"ent:{subject_id}"
        else:
            raise InvalidRecord("subject_type: expected customer or enterprise")
        return [
            make(
                AnalysisRecord,
                source=SOURCE,
                source_key=f"{subject_type}:{subject_id}@{as_of.isoformat()}",
                updated_at=timestamp(raw, "updated_at"),
                party_source=party_source,
                party_key=party_key,
                segment=text(raw, "segment"),
                value_tier=text(raw, "value_tier"),
                churn_score=number(raw, "churn_score"),
                credit_score=integer(raw, "credit_score"),
                as_of=as_of,
            )
        ]


class BiConnector(DropFolderConnector):
    """Analysis figures dropped by the BI platform as JSON lines."""

    name: ClassVar[str] = "bi"
    stream_classes = (Analyses,)
