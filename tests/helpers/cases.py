"""An independent identity case end to end, as a user runs it: its generator's files, one ``c360 import``, scored from
``c360 export xref`` by the households scorer (which reads any case's manifest, truth and tags)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def score_case(tmp_path_factory: pytest.TempPathFactory, case: str, people: int, seed: int) -> dict[str, object]:
    """The scorer's summary for ``bench/<case>/generate.py --people people --seed seed``."""
    data, work = tmp_path_factory.mktemp(case), tmp_path_factory.mktemp("score")
    subprocess.run([sys.executable, str(BENCH / case / "generate.py"), "--people", str(people), "--seed", str(seed),
                    "--out", str(data)], check=True, capture_output=True)
    subprocess.run([sys.executable, str(BENCH / "households_case" / "score.py"), "--dir", str(data), "--work", str(work)],
                   check=True, capture_output=True)
    summary: dict[str, object] = json.loads((work / "summary.json").read_text(encoding="utf-8"))
    return summary


def assert_every_line_imported(summary: dict[str, object]) -> None:
    assert summary["import"]["exit_code"] == 0  # type: ignore[index]
    assert summary["records_missing_from_xref"] == summary["records_blank_golden"] == 0
