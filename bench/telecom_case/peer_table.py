"""The case's files as a peer's input table: what a practitioner would prepare for Splink from the same lines.

Cleaning a practitioner would do by hand: traditional characters folded to
simplified; a caller's ``王女士`` / ``老王`` kept as a surname only; names split
into surname (compound surnames known) and given name; every date format
parsed; phones reduced to digits, all kept as a list (and the newest as
``phone``), minus numbers shared by more than ``hot_phone_limit`` records
(switchboards, placeholders); the province and city cut from addresses, since
billing leaves them out. Phone windows are dropped: a peer has no notion of them.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import opencc

from bench.telecom_case.metrics import read_truth, uid
from bench.telecom_case.silo_files import SOURCES, CaseFiles
from bench.telecom_case.tables import COMPOUND_SURNAMES

if TYPE_CHECKING:  # pandas comes with the bench extras only; the parsers below need none of it
    import pandas as pd

__all__ = ["peer_table", "parse_date", "split_name"]

_HONORIFIC = re.compile(r"^(.{1,2}?)(先生|女士|小姐|总|经理|工|老师)$")
_FAMILIAR = re.compile(r"^[老小](.)$")
_UNKNOWN = frozenset({"未知", "匿名"})
_DATE = re.compile(r"^(\d{4})\D?(\d{1,2})\D?(\d{1,2})")
_PLACE = re.compile(r"^(?:.{2,3}省)?(?:.{2,3}市)?")


def parse_date(raw: object) -> str | None:
    """``1985-03-02``, ``1985/3/2``, ``19850302``, ``1985年3月2日``, ``1985-03-02 00:00:00`` → ISO; anything else → None."""
    found = _DATE.match(unicodedata.normalize("NFKC", str(raw)).strip()) if raw not in (None, "") else None
    if not found:
        return None
    try:
        return date(int(found[1]), int(found[2]), int(found[3])).isoformat()
    except ValueError:
        return None


def split_name(name: str | None) -> tuple[str | None, str | None, str | None]:
    """(full name, surname, given name); a caller known by surname and a form of address (王女士, 陈总) has only a surname."""
    if not name or name in _UNKNOWN:
        return None, None, None
    name = name.replace(" ", "")
    for pattern in (_HONORIFIC, _FAMILIAR):
        found = pattern.match(name)
        if found:
            return None, found[1], None
    compound = next((s for s in COMPOUND_SURNAMES if name.startswith(s) and len(name) > len(s)), None)
    surname = compound or name[0]
    return name, surname, name[len(surname):] or None


def _phones(raw: list[Any] | None) -> list[tuple[str, str]]:
    """(digits, since) per phone, newest window last."""
    out = []
    for item in raw or []:
        number = item.get("number") if isinstance(item, dict) else item
        since = (item.get("since") or "") if isinstance(item, dict) else ""
        digits = re.sub(r"\D", "", str(number or ""))
        if digits:
            out.append((digits, str(since)))
    return sorted(out, key=lambda p: p[1])


def peer_table(folder: Path, hot_phone_limit: int = 20) -> pd.DataFrame:
    """One row per line of the four silo files, with its truth entity."""
    import pandas as pd
    files = CaseFiles(folder)
    truth = read_truth(files.truth)
    fold = opencc.OpenCC("t2s")
    rows: list[dict[str, Any]] = []
    for source in SOURCES:
        with files.silo(source).open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                key = str(record["source_key"])
                name, surname, given = split_name(fold.convert(record["name"]) if record.get("name") else None)
                address = record.get("address")
                if address:
                    address = _PLACE.sub("", fold.convert(address), count=1) or None
                emails = record.get("emails") or []
                document = (record.get("id_number") or record.get("credit_code") or "").strip().upper()
                rows.append({
                    "uid": uid(source, key), "side": "a", "source": source, "source_key": key,
                    "entity": truth[uid(source, key)], "given_name": given, "surname": surname, "name": name,
                    "dob": parse_date(record.get("birth_date")), "id_number": document or None,
                    "phones": [p for p, _ in _phones(record.get("phones"))],
                    "email": emails[0].strip().lower() if emails else None, "address": address, "postcode": None,
                })
    return pd.DataFrame(drop_hot_phones(rows, hot_phone_limit))


def drop_hot_phones(rows: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """Each row's phones without those on more than ``limit`` rows (switchboards, placeholders), the newest as
    ``phone``: what a practitioner strips before blocking on phones. Rows are changed in place and returned."""
    counts = Counter(p for row in rows for p in set(row["phones"]))
    for row in rows:
        kept = [p for p in dict.fromkeys(row["phones"]) if counts[p] <= limit]
        row["phones"] = kept or None
        row["phone"] = kept[-1] if kept else None
    return rows
