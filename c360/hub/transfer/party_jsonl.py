"""Import of parties from generic files: JSON lines, one JSON array or CSV / TSV tables, any silo (``docs/import-format.md``).

The file is read row by row (``c360.hub.transfer.party_rows``: memory stays flat whatever its size),
each row's field names read as the import's own (``c360.hub.transfer.field_names``), and landed in
pages through ``ingest_page``, each page in one transaction with identity resolution
(``IdentityResolver`` by default) and the quarantine rows of its bad lines. A bad line never stops
the import: it goes to the ``quarantine`` table (connector ``import``, stream = the source name) with
a reason naming the line number and the field, never the value.

Records that carry nothing to match on (no document number, trusted phone
or e-mail, and no name with a birth date or address), and interaction
records whose phone nobody held at the time, are kept: resolution gives
each its own customer marked unresolvable instead of guessing. The report
counts them as resolution left them.

The connector SDK's ``JsonlDropStream`` reads whole drop folders and fails a
page on an unparseable line, so it does not fit a one-file import with
per-line quarantine; its value readers (``c360.connectors.mapping``) are reused.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from c360.connectors.mapping import day, flag, parse_timestamp, text, timestamp
from c360.hub.identity.resolver import IdentityResolver
from c360.hub.ingest import LandedRecordsHandler, ingest_page
from c360.hub.ingest.facts import chunks
from c360.hub.ingest.statistics import StatisticsRefresher
from c360.hub.models import CrossReference, QuarantinedRecord, utcnow
from c360.hub.models.epoch import hold_identity_lock
from c360.hub.transfer.field_names import canonical_fields
from c360.hub.transfer.party_labels import party_kind, sex, split_emails, split_listed, unfloated
from c360.hub.transfer.party_rows import is_problem, read_rows
from c360.records import InvalidRecord, PartyRecord, PhoneRef, aware

__all__ = [
    "CONNECTOR",
    "KNOWN_FIELDS",
    "ImportReport",
    "LineError",
    "parse_party",
    "import_parties",
]

CONNECTOR = "import"  # the quarantine's connector name for imported files
KNOWN_FIELDS = frozenset({
    "source", "source_key", "kind", "name", "id_type", "id_number", "phones", "emails", "address",
    "birth_date", "gender", "org_name", "credit_code", "updated_at", "status", "deleted",
})
_SOURCE_MAX, _KEY_MAX = 64, 128  # widths of source_record.source / source_key
_LINE_PREFIX = re.compile(r"^line \d+: ")
_MAX_REASONS = 20  # reasons kept on the report for display; all of them are in quarantine


class LineError(InvalidRecord):
    """One line that cannot become a party. The reason names the line and field, never the value."""

    def __init__(self, line: int, problem: str, *, source_key: str | None = None) -> None:
        super().__init__(f"line {line}: {problem}", source_key=source_key)
        self.line = line


@dataclass
class ImportReport:
    """What one import did. ``read`` counts non-blank lines; ``written`` records new or changed."""

    read: int = 0
    written: int = 0
    unchanged: int = 0
    quarantined: int = 0
    unresolvable: int = 0
    reasons: list[str] = field(default_factory=list)  # the first few quarantine reasons
    by_reason: Counter[str] = field(default_factory=Counter)  # every quarantine reason, line number left out

    @property
    def all_quarantined(self) -> bool:
        """Nothing in the file could be taken in: the import failed, whatever the counts say."""
        return self.read > 0 and self.quarantined == self.read

    def add(self, other: ImportReport) -> None:
        """Count ``other`` in (several files imported in one go)."""
        self.read += other.read
        self.written += other.written
        self.unchanged += other.unchanged
        self.quarantined += other.quarantined
        self.unresolvable += other.unresolvable
        self.by_reason.update(other.by_reason)


def _checked_text(raw: Mapping[str, Any], name: str, limit: int | None = None) -> str | None:
    value = text(raw, name)
    if value is not None and limit is not None and len(value) > limit:
        raise InvalidRecord(f"{name}: longer than {limit} characters")
    return value


def _aware(value: datetime | None) -> datetime | None:
    """Naive times are China time (done here: ``PartyRecord`` does not convert ``updated_at`` itself)."""
    return None if value is None else aware(value)


def _epoch(value: Any) -> datetime | None:
    """A JSON number of seconds (10 digits) or milliseconds (13 digits) since 1970, as exports write moments."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if 1e12 <= value < 1e13:
        return datetime.fromtimestamp(value / 1000, UTC)
    if 1e9 <= value < 1e10:
        return datetime.fromtimestamp(value, UTC)
    return None


def _bound(item: Mapping[str, Any], name: str) -> tuple[datetime | None, bool]:
    """A moment (a phone window's bound, a contact's time), China time when naive, and whether it was a bare date."""
    moment = _epoch(item.get(name))
    if moment is not None:
        return moment, False
    value = text(item, name)
    if value is None:
        return None, False
    parsed = parse_timestamp(value)
    if parsed is None:
        raise InvalidRecord(f"{name}: not a timestamp (ISO 8601, or a date such as 2024/5/1 with an optional time)")
    return aware(parsed[0]), parsed[1]


def _window(item: Mapping[str, Any]) -> tuple[datetime | None, datetime | None]:
    """``since``/``until`` of a phone: a span, one instant (equal times) or one day (equal bare dates).

    A record of one call or visit gives the day it happened as both bounds;
    that window is the whole day. Otherwise a bare date is that day's start.
    """
    (since, since_is_date), (until, until_is_date) = _bound(item, "since"), _bound(item, "until")
    if since is not None and since == until and since_is_date and until_is_date:
        until = since + timedelta(days=1)
    return since, until


def _contact_window(raw: Mapping[str, Any]) -> tuple[datetime, datetime] | None:
    """``contact_at`` (``来电时间``, ``call_time`` …): when the contact a line records happened, as the window of
    the line's phones that give none of their own: one instant, or one day for a bare date.

    A call-center or chat export is as often a table as JSON lines, and a table cell has no room for a
    window: its calling number and call time sit in two columns. Without this, such a caller's number
    read as held for all time, and the line never joined whoever held the number that day.
    """
    moment, is_date = _bound(raw, "contact_at")
    if moment is None:
        return None
    return moment, moment + timedelta(days=1) if is_date else moment  # a bare date: that whole day


def _subscription_window(raw: Mapping[str, Any]) -> tuple[datetime | None, datetime | None] | None:
    """``phone_since`` / ``phone_until`` (``入网时间`` / ``离网时间``): when a subscription row's number joined and
    left the network, its window when it gives none of its own. Only for a line of one number: the
    dates of a subscriber's line say nothing of the contact phone or home line beside it."""
    since, until = _bound(raw, "phone_since")[0], _bound(raw, "phone_until")[0]
    if since is None and until is None:
        return None
    if since is not None and until is not None and since > until:
        raise InvalidRecord("phone_since must not be after phone_until")
    return since, until


def _listed(raw: Mapping[str, Any], name: str) -> list[Any]:
    """A list field; one text (or number) alone is a list of that one item, which may hold several values."""
    value = raw.get(name)
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return [value]
    raise InvalidRecord(f"{name}: expected a list or text")


def _cell_json(item: Any, where: str) -> Any:
    """A table cell (or a text) holding the JSON of a phone list or window object, decoded; any other value as it is.

    A table has no other way to give a number with its window, and such a cell read as text split at
    its commas into bad numbers, landed without a word.
    """
    if not isinstance(item, str) or not item.lstrip().startswith(("[", "{")):
        return item
    try:
        return json.loads(item)
    except (ValueError, RecursionError):
        raise InvalidRecord(f"{where}: starts with [ or {{ but is not JSON (a list of numbers or of number/since/until objects)") from None


def _phones(raw: Mapping[str, Any]) -> tuple[PhoneRef, ...]:
    out: list[PhoneRef] = []
    items: list[Any] = []
    for index, item in enumerate(_listed(raw, "phones")):
        item = _cell_json(item, f"phones[{index}]")
        items.extend(item if isinstance(item, list) else [item])
    for index, item in enumerate(items):
        where = f"phones[{index}]"
        if isinstance(item, float) and item.is_integer():
            item = int(item)  # a number a spreadsheet kept as a float
        if isinstance(item, (str, int)) and not isinstance(item, bool):
            out.extend(PhoneRef(number=number) for number in split_listed(str(item)) if number)
            continue
        if not isinstance(item, dict):
            raise InvalidRecord(f"{where}: expected text or an object with number, since, until")
        unknown = sorted(set(item) - {"number", "since", "until"})
        if unknown:
            raise InvalidRecord(f"{where}: unknown key(s) {', '.join(unknown)}")
        try:
            number = text(item, "number")
            since, until = _window(item)
        except InvalidRecord as error:
            raise InvalidRecord(f"{where}.{error.reason}") from None
        if number is None:
            raise InvalidRecord(f"{where}.number: required but empty")
        number = unfloated(number)
        if since is not None and until is not None and since > until:
            raise InvalidRecord(f"{where}: since must not be after until")
        out.append(PhoneRef(number=number, since=since, until=until))
    given = _contact_window(raw) or (_subscription_window(raw) if len(out) == 1 else None)
    if given is None:
        return tuple(out)
    return tuple(PhoneRef(number=ref.number, since=given[0], until=given[1]) if ref.since is None and ref.until is None else ref
                 for ref in out)


def _emails(raw: Mapping[str, Any]) -> tuple[str, ...]:
    out: list[str] = []
    for index, item in enumerate(_listed(raw, "emails")):
        if not isinstance(item, str):
            raise InvalidRecord(f"emails[{index}]: expected text")
        out.extend(split_emails(item))
    return tuple(out)


def _gender(raw: Mapping[str, Any]) -> str | None:
    value = text(raw, "gender")
    if value is None:
        return None
    try:
        return sex(value)
    except KeyError:
        raise InvalidRecord("gender: must be M or F (also male/female, 男/女, 先生/女士, 1/2; 0, 9, unknown: not known)") from None


def _extra(raw: Mapping[str, Any]) -> dict[str, str | int | float | bool | None]:
    """Unknown fields, kept: scalars as they are, lists and objects as JSON text."""
    extra: dict[str, str | int | float | bool | None] = {}
    for name, value in raw.items():
        if name in KNOWN_FIELDS:
            continue
        if name == "extra" and isinstance(value, dict):
            nested = _extra({k: v for k, v in value.items() if k not in KNOWN_FIELDS})
            for inner, inner_value in nested.items():
                extra.setdefault(inner, inner_value)
            continue
        if value is None or isinstance(value, (str, int, float, bool)):
            extra[name] = value
        else:
            extra[name] = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return extra


def parse_party(raw: Any, *, line: int, source: str | None = None, kind: str | None = None) -> PartyRecord:
    """One decoded line → a ``PartyRecord``; ``source`` (``--source``) overrides the line's own, ``kind``
    (``--kind``) is the kind of a line that gives none.

    Raises ``LineError`` naming the line and the field, never the value.
    """
    if not isinstance(raw, dict):
        raise LineError(line, f"expected a JSON object, got {type(raw).__name__}")
    raw = canonical_fields(raw)  # phone, mobile, 手机号码 … read as phones (c360.hub.transfer.field_names)
    key: str | None = None
    try:
        key = _checked_text(raw, "source_key", _KEY_MAX)
        if key is None:
            raise InvalidRecord("source_key: required but empty")
        if source is None:
            source = _checked_text(raw, "source", _SOURCE_MAX)
            if source is None:
                raise InvalidRecord("source: required but empty (or give --source)")
        kind_text = text(raw, "kind") or kind
        if kind_text is None:
            raise InvalidRecord("kind: required but empty (or give --kind)")
        party_type = party_kind(kind_text)
        if party_type is None:
            raise InvalidRecord("kind: must be person or organization (also individual/company, 个人/企业, …)")
        name = text(raw, "name")
        org_name = text(raw, "org_name")
        extra = _extra(raw)
        if org_name is not None:
            if party_type == "organization" and name is None:
                name = org_name
            else:
                extra["org_name"] = org_name
        fields: dict[str, Any] = dict(
            source=source, source_key=key, party_type=party_type, name=name,
            id_type=text(raw, "id_type"), id_number=text(raw, "id_number"),
            gender=_gender(raw), birth_date=day(raw, "birth_date"),
            phones=_phones(raw), emails=_emails(raw), address=text(raw, "address"),
            credit_code=text(raw, "credit_code"), status=text(raw, "status"),
            updated_at=_aware(_epoch(raw.get("updated_at")) or timestamp(raw, "updated_at")), deleted=flag(raw, "deleted"), extra=extra,
        )
    except InvalidRecord as error:
        raise LineError(line, error.reason, source_key=key) from None
    try:
        return PartyRecord(**fields)
    except ValidationError as error:  # its messages name fields, not values
        raise LineError(line, InvalidRecord.from_validation(error).reason, source_key=key) from None


def _unresolvable(session: Session, record_ids: list[int]) -> int:
    """How many of these records identity resolution kept apart as unresolvable (nothing to match on, no holder)."""
    count = 0
    for part in chunks(record_ids):
        count += session.execute(
            select(func.count()).select_from(CrossReference)
            .where(CrossReference.source_record_id.in_(part), CrossReference.method == "unresolvable")
        ).scalar_one()
    return count


def _stream_name(source: str | None, raw: Any, path: Path) -> str:
    if source:
        return source[:_SOURCE_MAX]
    if isinstance(raw, dict) and isinstance(raw.get("source"), str) and raw["source"].strip():
        return str(raw["source"]).strip()[:_SOURCE_MAX]
    return path.name[:_SOURCE_MAX]


def import_parties(
    engine: Engine,
    path: Path,
    *,
    source: str | None = None,
    kind: str | None = None,
    page_size: int = 500,
    handler: LandedRecordsHandler | None = None,
    on_progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Import a party file (JSON lines, one JSON array or a CSV / TSV table); bad lines are quarantined and the import goes on.

    ``source`` (``--source``) sets the source of every line, overriding the
    line's own; ``kind`` (``--kind``) is the kind of lines that give none (an export of one silo's
    individual customers often has no such column). Each page of ``page_size`` lines is one transaction.
    ``on_progress`` is called after each page with the running report.
    """
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    if source is not None:
        source = source.strip()
        if not source or len(source) > _SOURCE_MAX:
            raise ValueError(f"--source must be 1 to {_SOURCE_MAX} characters")
    if kind is not None and party_kind(kind) is None:
        raise ValueError("--kind must be person or organization (also individual/company, 个人/企业, …)")
    handler = handler or IdentityResolver()
    statistics = StatisticsRefresher(engine)  # PostgreSQL: keeps key lookups on the index as the tables grow
    report = ImportReport()
    page: list[PartyRecord] = []
    bad: list[tuple[str, str | None, str, str]] = []  # stream, source_key, payload, reason
    lines_in_page = 0

    def flush() -> None:
        nonlocal page, bad, lines_in_page
        written = 0
        with Session(engine) as session, session.begin():
            hold_identity_lock(session)  # as a sync page: before any write (``c360.hub.models.epoch``)
            now = utcnow()
            for stream, key, payload, reason in bad:
                session.add(QuarantinedRecord(connector=CONNECTOR, stream=stream, source_key=key,
                                              payload=payload, reason=reason, status="open"))
            if page:
                result = ingest_page(session, page, seen_at=now)
                handler.records_landed(session, result.changed_ids, result.parties)
                report.unresolvable += _unresolvable(session, result.changed_ids)
                written = result.written
                report.written += result.written
                report.unchanged += result.unchanged
        statistics.wrote(written, ("party",))  # after the commit: ANALYZE sees the page
        report.quarantined += len(bad)
        report.by_reason.update(_LINE_PREFIX.sub("", reason, count=1) for *_, reason in bad)
        report.reasons.extend(reason for *_, reason in bad[: max(0, _MAX_REASONS - len(report.reasons))])
        page, bad, lines_in_page = [], [], 0
        if on_progress is not None:
            on_progress(report)

    for number, raw, kept in read_rows(path):
        report.read += 1
        lines_in_page += 1
        try:
            if is_problem(raw):
                raise LineError(number, raw)
            record = parse_party(raw, line=number, source=source, kind=kind)
        except LineError as error:
            key = error.source_key[:_KEY_MAX] if error.source_key else None
            bad.append((_stream_name(source, raw, path), key, kept, error.reason))
        else:
            page.append(record)
        if lines_in_page >= page_size:
            flush()
    if lines_in_page:
        flush()
    return report
