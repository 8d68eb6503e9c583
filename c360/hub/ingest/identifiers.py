"""Identifier rows of party records: every ID number, phone, e-mail and credit code, normalized.

One function, ``identifier_rows``, turns a party into rows; normalization
itself belongs to ``c360.hub.normalize``. Rows are rewritten whole
whenever the party's content changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import delete
from sqlalchemy.orm import Session

from c360.hub.db.bulk_writes import insert_many
from c360.hub.ingest.facts import chunks
from c360.hub.models import Identifier
from c360.hub.normalize.documents import RIC, USCC, document_kind
from c360.hub.normalize.email import normalize_email
from c360.hub.normalize.phone import normalize_phone
from c360.hub.normalize.ric import normalize_ric
from c360.hub.normalize.uscc import normalize_uscc
from c360.records import PartyRecord

__all__ = ["identifier_rows", "rewrite_identifiers"]

_IDENTIFIERS = Identifier.__table__

_MAX = 256  # width of identifier.value / raw_value


class _Normalized(Protocol):
    @property
    def value(self) -> str: ...
    @property
    def trusted(self) -> bool: ...
    @property
    def reason(self) -> object: ...


def _row(
    source_record_id: int, type_: str, raw: str, result: _Normalized, valid: tuple[Any, Any] = (None, None)
) -> dict[str, Any] | None:
    if not result.value:
        return None  # nothing left to match on
    return {
        "source_record_id": source_record_id,
        "type": type_,
        "value": result.value[:_MAX],
        "raw_value": raw[:_MAX],
        "trusted": bool(result.trusted),
        "reason": None if result.reason is None else str(result.reason)[:64],
        "valid_from": valid[0],
        "valid_to": valid[1],
    }


class _Verbatim:
    """A document number the hub has no validator for (a passport): kept, trimmed and upper-cased."""

    def __init__(self, raw: str) -> None:
        self.value = "".join(raw.split()).upper()
        self.trusted = bool(self.value)
        self.reason = None


def identifier_rows(record: PartyRecord, source_record_id: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any] | None] = []
    kind = document_kind(record.id_type, record.id_number) if record.id_number else None
    if record.id_number:
        if kind == RIC:
            rows.append(_row(source_record_id, RIC, record.id_number, normalize_ric(record.id_number)))
        elif kind == USCC:
            rows.append(_row(source_record_id, USCC, record.id_number, normalize_uscc(record.id_number)))
        else:
            rows.append(_row(source_record_id, str(kind), record.id_number, _Verbatim(record.id_number)))
    if record.credit_code and not (kind == USCC and record.credit_code == record.id_number):
        rows.append(_row(source_record_id, "uscc", record.credit_code, normalize_uscc(record.credit_code)))
    for phone in record.phones:
        window = (phone.since, phone.until)
        if record.observed_at is not None and window == (None, None):
            # an interaction saw the number in use at one moment: no claim about who holds it before or after
            window = (record.observed_at, record.observed_at)
        rows.append(_row(source_record_id, "phone", phone.number, normalize_phone(phone.number), window))
    for email in record.emails:
        rows.append(_row(source_record_id, "email", email, normalize_email(email)))
    return [row for row in rows if row is not None]


def rewrite_identifiers(session: Session, parties: Sequence[tuple[PartyRecord, int]], *, replace: bool) -> None:
    """Write the identifiers of the given parties; ``replace`` drops their old rows first."""
    if not parties:
        return
    if replace:
        ids = [source_record_id for _, source_record_id in parties]
        for part in chunks(ids):
            session.execute(delete(Identifier).where(Identifier.source_record_id.in_(part)))
    rows = [row for record, source_record_id in parties for row in identifier_rows(record, source_record_id)]
    insert_many(session, _IDENTIFIERS, rows)  # the table, not the entity: one executemany, not a row at a time
