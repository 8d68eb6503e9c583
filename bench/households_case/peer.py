"""Splink on the households case's files, prepared as a practitioner would prepare them, scored as ``score.py`` scores c360.

    python bench/households_case/peer.py --dir /tmp/households

Cleaning a practitioner would do by hand: full-width characters folded (NFKC) and traditional
characters to simplified; names split into surname and given name, a caller's ``王先生`` / ``老王`` /
``王总`` kept as a surname only (the telecom case's ``split_name`` and ``parse_date``); the five date spellings parsed; phones reduced to national digits, all
kept as a list, minus numbers on more than 20 records (switchboards); the province and city cut from
addresses, since billing often leaves them out. Phone windows are dropped: Splink has no notion of them.
The table goes to ``bench._peers.run_splink`` (DuckDB), timed in a child process as the identity bench
times its peers.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import opencc  # noqa: E402

from bench.telecom_case.metrics import pairwise  # noqa: E402
from bench.telecom_case.peer_table import drop_hot_phones, parse_date, split_name  # noqa: E402  (the same practitioner's reading)

if TYPE_CHECKING:  # pandas and Splink come with the bench extra only; the parsers below need none of it
    import pandas as pd

# field names of each silo's export (the README of this case lists them)
FIELDS = {
    "boss": {"name": "cust_name", "id": "cert_no", "dob": "birthday", "address": "addr", "email": "email",
             "phones": ("msisdn", "contact_phone")},
    "billing": {"name": "客户名称", "id": "证件号码", "address": "通讯地址", "email": "电子邮箱", "phones": ("联系电话",)},
    "callcenter": {"name": "customer_name", "phones": ("tel",)},
    "keyaccount": {"name": "姓名", "org": "企业名称", "id": "证件号码", "credit": "统一社会信用代码", "address": "地址",
                   "email": "邮箱", "phones": ("手机", "电话")},
}
_PLACE = re.compile(r"^(?:.{2,3}省)?(?:.{2,3}市)?")
_SPLIT = re.compile(r"[/;,、]")
HOT_PHONE_LIMIT = 20


def _text(value: Any) -> str | None:
    text = unicodedata.normalize("NFKC", str(value)).strip() if value not in (None, "") else ""
    return text or None


def _numbers(value: Any) -> Iterator[str]:
    """National digits of every phone in a field: a list of windows, a list, or text holding several."""
    items = value if isinstance(value, list) else [value]
    for item in items:
        raw = item.get("number") if isinstance(item, dict) else item
        text = _text(raw)
        if text is None:
            continue
        if re.fullmatch(r"\d+(\.0|\.\d+E\d+)", text, re.IGNORECASE):
            text = str(int(float(text)))  # a spreadsheet's float
        for part in _SPLIT.split(text):
            digits = re.sub(r"\D", "", part)
            for prefix in ("0086", "86"):
                if digits.startswith(prefix) and len(digits) - len(prefix) in (11, 12, 13):
                    digits = digits[len(prefix):]
            if len(digits) >= 7:
                yield digits


def _lines(folder: Path, manifest: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for entry in manifest["files"]:
        path, source, key = folder / entry["file"], entry["source"], entry["key"]
        if entry["format"] == "csv":
            with path.open(encoding=entry.get("encoding", "utf-8"), newline="") as handle:
                for row in csv.DictReader(handle):
                    yield source, str(row[key]), dict(row)
        else:
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    record = json.loads(line)
                    yield source, str(record[key]), record


def peer_table(folder: Path) -> pd.DataFrame:
    """One row per record of the four files, with its truth entity."""
    import pandas as pd

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    with (folder / "truth.csv").open(encoding="utf-8") as handle:
        truth = {(r["source"], r["source_key"]): r["entity_id"] for r in csv.DictReader(handle)}
    fold = opencc.OpenCC("t2s")
    rows: list[dict[str, Any]] = []
    for source, key, record in _lines(folder, manifest):
        fields = FIELDS[source]
        raw_name = _text(record.get(fields["name"])) or _text(record.get(fields.get("org", "")))
        name, surname, given = split_name(fold.convert(raw_name) if raw_name else None)
        address = _text(record.get(fields.get("address", "")))
        if address:
            address = _PLACE.sub("", fold.convert(address), count=1) or None
        document = _text(record.get(fields.get("id", ""))) or _text(record.get(fields.get("credit", "")))
        phones = [p for column in fields["phones"] for p in _numbers(record.get(column))]
        email = _text(record.get(fields.get("email", "")))
        rows.append({
            "uid": f"{source}|{key}", "side": "a", "source": source, "entity": truth[(source, key)],
            "given_name": given, "surname": surname, "name": name, "dob": parse_date(record.get(fields.get("dob", ""))),
            "id_number": document.replace(" ", "").upper() if document else None, "phones": phones,
            "email": email.lower() if email else None, "address": address, "postcode": None,
        })
    return pd.DataFrame(drop_hot_phones(rows, HOT_PHONE_LIMIT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True, type=Path)
    args = parser.parse_args()
    from bench._peers import measured_in_child, run_splink

    table = peer_table(args.dir)
    truth = dict(zip(table["uid"], table["entity"], strict=True))
    clusters, seconds, rss = measured_in_child(run_splink, table, False)
    scores = pairwise(truth, clusters)
    print(json.dumps({"tool": "Splink (DuckDB)", "records": len(table), "precision": round(scores.precision, 4),
                      "recall": round(scores.recall, 4), "f1": round(scores.f1, 4), "wall_seconds": round(seconds, 1),
                      "peak_rss_mib": round(rss)}))


if __name__ == "__main__":
    main()
