"""Simulated time: every timestamp the silos emit derives from a fixed "now", never the wall clock.

Timestamps are rendered in one canonical shape (``YYYY-MM-DDTHH:MM:SS+08:00``) so that plain string
comparison orders them, which is what the SQLite-backed REST silos rely on for keyset pagination.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone

__all__ = ["TZ", "NOW_TS", "iso", "iso_date", "compact_stamp", "canonical", "day_ordinal"]

TZ = timezone(timedelta(hours=8))
#: The simulated "now" of every generated population (2024-06-30T18:00:00+08:00).
NOW_TS: int = int(datetime(2024, 6, 30, 18, 0, 0, tzinfo=TZ).timestamp())
_OFFSET = 8 * 3600
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def iso(ts: int) -> str:
    """Render epoch seconds as canonical ISO-8601 in UTC+8."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+08:00", time.gmtime(ts + _OFFSET))


def iso_date(ts: int) -> str:
    """Render epoch seconds as the UTC+8 calendar date."""
    return time.strftime("%Y-%m-%d", time.gmtime(ts + _OFFSET))


def compact_stamp(ts: int) -> str:
    """``YYYYMMDDHHMMSS`` used in drop-file names."""
    return time.strftime("%Y%m%d%H%M%S", time.gmtime(ts + _OFFSET))


def day_ordinal(ts: int) -> int:
    """Proleptic ordinal of the UTC+8 day containing ``ts``."""
    return _EPOCH_ORDINAL + (ts + _OFFSET) // 86400


def canonical(value: str) -> str:
    """Normalise any ISO-8601 timestamp to the canonical UTC+8 shape (naive input is taken as UTC+8).

    Raises ValueError for unparseable input so callers can answer 400.
    """
    dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=TZ)
    return dt.astimezone(TZ).isoformat()
