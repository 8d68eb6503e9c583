"""The sync engine: which stream runs when, one page per transaction, state, quarantine, run history.

It calls connectors (``c360.connectors.base``) and hands canonical records to the
hub (``c360.hub.ingest``); identity resolution plugs in as a ``LandedRecordsHandler``.
"""

from c360.sync.history import RunCounts, latest_runs
from c360.sync.lock import StreamLock, lock_key, stream_lock
from c360.sync.quarantine import (
    QuarantineNotFound,
    RetryResult,
    get_quarantined,
    list_quarantined,
    retry_quarantined,
)
from c360.sync.retry import RetryPolicy
from c360.sync.runner import AlreadyRunning, RunOutcome, run_stream
from c360.sync.scheduler import Scheduler, configured_connectors, start_scheduler
from c360.sync.state import load_cursor
from c360.sync.targets import UnknownTarget, parse_schedule, scheduled_streams, select_streams

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
