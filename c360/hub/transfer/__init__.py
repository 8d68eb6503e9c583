"""Import and export of generic files: JSONL parties in (any silo), the cross-reference CSV out."""

from c360.hub.transfer.party_jsonl import ImportReport, LineError, import_parties, parse_party, read_lines
from c360.hub.transfer.xref_export import XREF_COLUMNS, export_xref

__all__ = [
    "XREF_COLUMNS",
    "ImportReport",
    "LineError",
    "export_xref",
    "import_parties",
    "parse_party",
    "read_lines",
]
