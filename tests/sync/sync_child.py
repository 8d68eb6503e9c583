"""A hub process for the multi-process tests: runs a stream once, or a scheduler for a while.

    python sync_child.py run DB_URL SILO_JSON            # prints "page N" after each committed page
    python sync_child.py schedule DB_URL SILO_JSON SECONDS LOG INTERVAL
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sync_fakes import FakeConnector, FileSilo, SubscriptionsStream  # noqa: E402

from c360.config import Settings  # noqa: E402
from c360.hub.db import create_db_engine  # noqa: E402
from c360.sync import run_stream, start_scheduler  # noqa: E402


def run_once(url: str, silo: Path) -> None:
    engine = create_db_engine(url)
    stream = SubscriptionsStream(FileSilo(silo), page_size=20, page_delay=0.05)
    pages = 0

    def report(_counts: object) -> None:
        nonlocal pages
        pages += 1
        print(f"page {pages}", flush=True)

    run_stream(engine, "fake", stream, on_page=report)
    print("done", flush=True)


class LoggedStream(SubscriptionsStream):
    """Writes when a read starts and ends, so the test can look for overlapping runs."""

    def __init__(self, silo: FileSilo, log: Path) -> None:
        super().__init__(silo, page_size=5, page_delay=0.01)
        self.log = log

    def read(self, cursor, *, full=False):  # type: ignore[no-untyped-def, override]
        with self.log.open("a") as handle:
            handle.write(json.dumps({"pid": os.getpid(), "event": "start", "t": time.time()}) + "\n")
        yield from super().read(None, full=True)
        with self.log.open("a") as handle:
            handle.write(json.dumps({"pid": os.getpid(), "event": "end", "t": time.time()}) + "\n")


def schedule(url: str, silo: Path, seconds: float, log: Path, interval: float) -> None:
    engine = create_db_engine(url)
    settings = Settings(database_url=url, connectors={"fake": {"type": "fake", "schedule": {"interval_seconds": interval}}})
    connector = FakeConnector("fake", [LoggedStream(FileSilo(silo), log)])
    scheduler = start_scheduler(settings, engine, connectors={"fake": connector})
    time.sleep(seconds)
    scheduler.shutdown()
    print("done", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "run":
        run_once(sys.argv[2], Path(sys.argv[3]))
    else:
        schedule(sys.argv[2], Path(sys.argv[3]), float(sys.argv[4]), Path(sys.argv[5]), float(sys.argv[6]))
