"""The envelope every canonical record shares, and the error a bad record raises."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from c360.errors import IngestError
from c360.records.text import holds_nul, unstorable_at

__all__ = ["CanonicalRecord", "FactRecord", "InvalidRecord", "aware"]


class InvalidRecord(IngestError):
    """A source record that cannot become a canonical record; it goes to quarantine with this reason.

    The reason names fields, never their values: it is stored and shown to
    operators, and values may be personal data.
    """

    def __init__(self, reason: str, *, source_key: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.source_key = source_key

    @classmethod
    def from_validation(cls, error: ValidationError, *, source_key: str | None = None) -> InvalidRecord:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc']) or 'record'}: {item['msg']}" for item in error.errors()
        )
        return cls(f"invalid {error.title}: {problems}", source_key=source_key)


def aware(value: datetime) -> datetime:
    """Silos that omit the zone report local China time; store everything in UTC."""
    if value.tzinfo is None:
        from zoneinfo import ZoneInfo

        value = value.replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    return value.astimezone(UTC)


class CanonicalRecord(BaseModel):
    """Fields every record has. ``kind`` names the record type and the hub table it lands in."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    kind: ClassVar[str]

    source: str
    source_key: str
    updated_at: datetime | None = None
    deleted: bool = False

    @field_validator("source", "source_key")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value:
            raise ValueError("must not be empty")
        return value

    @field_validator("updated_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return None if value is None else aware(value)

    @model_validator(mode="after")
    def _storable_text(self) -> Self:
        """No text may hold what the databases cannot store (``c360.records.text``): such a record is quarantined."""
        # U+0000 is all there is to look for here (pydantic refuses a lone surrogate in a text field), and
        # every record passes: the cheap check first, the field's path only for a record refused.
        found = unstorable_at(self.__dict__) if holds_nul(self.__dict__) else None  # the fields' values, by name
        if found is not None:
            raise PydanticCustomError(
                "unstorable_text", "{where} contains {problem}, which the hub cannot store", {"where": found[0], "problem": found[1]}
            )
        return self

    def payload(self) -> dict[str, Any]:
        """The normalized content as JSON-ready data (what the content hash covers).

        Empty ``source_labels`` are left out, so records without silo words keep the hash they had.
        """
        data = self.model_dump(mode="json")
        if "source_labels" in data and not data["source_labels"]:
            del data["source_labels"]
        return data


class FactRecord(CanonicalRecord):
    """A fact about a party: carries the silo's reference to that party.

    ``source_labels`` keeps the silo's own word for a field the connector mapped to the hub's
    vocabulary (``c360.records.vocabulary``), e.g. ``{"channel": "hotline"}`` beside ``channel="call_center"``.
    """

    party_source: str | None = None
    party_key: str | None = None
    source_labels: dict[str, str] = Field(default_factory=dict)
