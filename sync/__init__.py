"""The sync engine: which stream runs when, one page per transaction, state, quarantine, run history.

It calls connectors (``connectors.base``) and hands canonical records to the
hub (``hub.ingest``); identity resolution plugs in as a ``LandedRecordsHandler``.
"""

from sync.history import RunCounts, latest_runs
from sync.lock import StreamLock, lock_key, stream_lock
from sync.quarantine import (
    QuarantineNotFound,
    RetryResult,
    get_quarantined,
    list_quarantined,
    retry_quarantined,
)
from sync.retry import RetryPolicy
from sync.runner import AlreadyRunning, RunOutcome, run_stream
from sync.scheduler import Scheduler, configured_connectors, start_scheduler
from sync.state import load_cursor
from sync.targets import UnknownTarget, parse_schedule, scheduled_streams, select_streams

__all__ = [
    "AlreadyRunning",
    "QuarantineNotFound",
    "RetryPolicy",
    "RetryResult",
    "RunCounts",
    "RunOutcome",
    "Scheduler",
    "StreamLock",
    "UnknownTarget",
    "configured_connectors",
    "get_quarantined",
    "latest_runs",
    "list_quarantined",
    "load_cursor",
    "lock_key",
    "parse_schedule",
    "retry_quarantined",
    "run_stream",
    "scheduled_streams",
    "select_streams",
    "start_scheduler",
    "stream_lock",
]
