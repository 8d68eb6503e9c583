"""``c360 import`` killed with SIGKILL mid-file, then run again, ends with the customers a clean import gives.

Each page of lines is one transaction with its identity resolution, so a kill loses at most the
page in flight: running the same file again lands what is missing and leaves the rest unchanged.
The files are the independent telecom case (``bench/telecom_case``), so callers, households and
recycled numbers are all in play; the customers are compared as partitions of the records (golden
ids are random), the clean import and the interrupted one each on a database of its own.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bench.telecom_case.case import generate_case
from bench.telecom_case.silo_files import SOURCES, CaseFiles
from c360.hub.db import create_db_engine
from c360.hub.db.migrate import upgrade
from c360.hub.models import SourceRecord
from c360.hub.transfer import import_parties
from tests.helpers.identity import partition

pytestmark = pytest.mark.reliability

PEOPLE, SEED, PAGE = 300, 11, 40
KILLED = ("boss", "callcenter")  # the two largest files, one of anchors and one of callers


def _records(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(SourceRecord)) or 0


def _import_killed_mid_file(url: str, engine: Engine, path: Path, source: str) -> int:
    """Start ``c360 import`` in its own process; SIGKILL it once two pages have committed. Records it left."""
    before = _records(engine)
    child = subprocess.Popen(
        [sys.executable, "-m", "c360", "import", str(path), "--source", source, "--page-size", str(PAGE)],
        env={**os.environ, "C360_DATABASE_URL": url}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 120
    while _records(engine) < before + 2 * PAGE and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    _, err = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL, f"the import ended before it was killed: {err[-2000:]}"
    return _records(engine) - before


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> CaseFiles:
    return generate_case(tmp_path_factory.mktemp("case"), PEOPLE, SEED)


def test_an_import_killed_mid_file_and_run_again_gives_the_customers_of_a_clean_import(
    case: CaseFiles, fresh_database_url: object,
) -> None:
    clean_url, killed_url = fresh_database_url(), fresh_database_url()  # type: ignore[operator]
    upgrade(clean_url)
    upgrade(killed_url)
    clean, killed = create_db_engine(clean_url), create_db_engine(killed_url)
    try:
        for source in SOURCES:
            import_parties(clean, case.silo(source), source=source, page_size=PAGE)
        lines = {source: len(case.silo(source).read_text(encoding="utf-8").splitlines()) for source in SOURCES}
        for source in SOURCES:
            if source in KILLED:
                left = _import_killed_mid_file(killed_url, killed, case.silo(source), source)
                assert 2 * PAGE <= left < lines[source], "killed mid-file: some pages landed, not all"
            report = import_parties(killed, case.silo(source), source=source, page_size=PAGE)
            assert report.read == lines[source] and report.quarantined == 0
        assert _records(killed) == _records(clean) == sum(lines.values())
        assert partition(killed) == partition(clean)
    finally:
        clean.dispose()
        killed.dispose()
