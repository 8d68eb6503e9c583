"""One vocabulary of channels, service-request statuses and request types, wherever they appear.

Silos each have their own words: the call center's CSVs say ``hotline`` and ``opened``, a channel
recording through the API says ``call_center`` and ``open``. Connectors map every silo label to the
canonical name here (keeping the silo's own word in the record's ``source_labels``), the API's list
filters accept canonical names and find rows stored under an older label too, and the console shows
one label per name. Labels no table knows are kept as the silo wrote them (lower case), never dropped:
an unknown word is information, not an error. The set is documented in ``docs/api.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = [
    "CHANNELS",
    "REQUEST_STATUSES",
    "REQUEST_TYPES",
    "SILO_LABELS",
    "canonical",
    "labelled",
    "filter_labels",
]

# Where the customer was in touch; the API's Channel enum plus `agent` (a third-party sales agent, orders only).
CHANNELS = frozenset({"business_hall", "call_center", "web", "app", "sms", "account_manager", "agent"})
# Where a service request stands; the API's RequestStatus enum.
REQUEST_STATUSES = frozenset({"open", "in_progress", "pending_customer", "resolved", "closed", "reopened"})
# What a service request or contact is about; the API's ContactType enum.
REQUEST_TYPES = frozenset(
    {"inquiry", "complaint", "complaint_follow_up", "fault_report", "sale", "care_call", "billing", "other"}
)

# Silo words -> canonical name, per field.
SILO_LABELS: Mapping[str, Mapping[str, str]] = {
    "channel": {"hotline": "call_center"},  # the call center's CSVs and BOSS orders
    "status": {"opened": "open"},  # the call center's service requests and their history
    "type": {"fault": "fault_report"},  # the call center's service requests
}
_CANONICAL: Mapping[str, frozenset[str]] = {"channel": CHANNELS, "status": REQUEST_STATUSES, "type": REQUEST_TYPES}


def canonical(field: str, label: str | None) -> str | None:
    """The canonical name of a silo's ``label`` for ``field`` (channel, status or type); None stays None."""
    if label is None:
        return None
    word = label.strip().lower()
    return SILO_LABELS.get(field, {}).get(word, word)


def labelled(**fields: str | None) -> tuple[dict[str, str | None], dict[str, str]]:
    """Canonical values for ``fields`` and the silo's words that differ from them (a record's ``source_labels``).

    ``values, source_labels = labelled(channel=raw_channel, status=raw_status)``
    """
    values: dict[str, str | None] = {}
    kept: dict[str, str] = {}
    for field, label in fields.items():
        values[field] = canonical(field, label)
        if label is not None and values[field] != label:
            kept[field] = label
    return values, kept


def filter_labels(field: str, values: Iterable[str]) -> tuple[str, ...]:
    """What a list filter on ``field`` matches: each value, its canonical name and the silo words for it.

    Rows stored before their connector mapped the silo's words still match a filter on the canonical name.
    """
    if field not in _CANONICAL:
        return tuple(values)
    words = set()
    for value in values:
        name = canonical(field, value) or value
        words.update({value, name})
        words.update(word for word, target in SILO_LABELS[field].items() if target == name)
    return tuple(sorted(words))
