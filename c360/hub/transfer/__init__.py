"""Import and export of generic files: parties in from JSON lines, JSON arrays or CSV / TSV tables (any silo), the cross-reference CSV out."""

from c360.hub.transfer.party_jsonl import ImportReport, LineError, import_parties, parse_party
from c360.hub.transfer.party_rows import count_rows, read_rows
from c360.hub.transfer.xref_export import XREF_COLUMNS, export_xref

__all__ = [
    "XREF_COLUMNS",
    "ImportReport",
    "LineError",
    "count_rows",
    "export_xref",
    "import_parties",
    "parse_party",
    "read_rows",
]
