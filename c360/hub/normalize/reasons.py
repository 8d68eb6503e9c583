"""Machine-readable reason codes attached to untrusted identifiers.

Codes are string-valued so they serialize as-is into match audit records and
can be compared with plain strings by other components.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Reason", "PLACEHOLDER"]


class Reason(StrEnum):
    """Why a normalized identifier must not be used as a deterministic key."""

    EMPTY = "empty"
    BAD_LENGTH = "bad_length"
    BAD_FORMAT = "bad_format"
    BAD_CHECKSUM = "bad_checksum"
    BAD_DATE = "bad_date"
    BAD_REGION = "bad_region"
    PLACEHOLDER = "placeholder"
    INVALID_NUMBER = "invalid_number"
    HONORIFIC_ONLY = "honorific_only"
    MASKED = "masked"
    MIXED_SCRIPT = "mixed_script"
    UNPARSED = "unparsed"
    INCOMPLETE = "incomplete"


#: Shared code for dummy values ("000000...", "test@example.com", "未知").
#: Generic-value detection elsewhere should reuse it.
PLACEHOLDER = Reason.PLACEHOLDER
