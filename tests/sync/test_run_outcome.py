"""A run that quarantined records succeeded with warnings: told apart in the runner, `c360 sync status` and
`syncRuns`, while its stored status stays `succeeded` for every consumer that reads it."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from sync_fakes import FileSilo, SubscriptionsStream
from typer.testing import CliRunner

from c360.app.cli import sync_cmd
from c360.hub.models import SyncRun
from c360.sync import run_stream
from tests.api.conftest import Api

RUNS = """query($status: SyncRunStatus, $outcome: SyncRunOutcome) {
  syncRuns(status: $status, outcome: $outcome) { totalCount nodes { stream status outcome recordsQuarantined } } }"""


@pytest.fixture
def runs(engine: Engine, tmp_path: Path) -> dict[str, str]:
    """Two streams: one lands everything, one quarantines a record it cannot map."""
    clean_silo, warned_silo = FileSilo(tmp_path / "clean"), FileSilo(tmp_path / "warned")
    clean_silo.put("S1")
    warned_silo.put("S2")
    warned_silo.put("S3", plan="BROKEN")
    clean, warned = SubscriptionsStream(clean_silo), SubscriptionsStream(warned_silo)
    warned.name = "warned"  # type: ignore[misc]
    outcomes = {"clean": run_stream(engine, "fake", clean), "warned": run_stream(engine, "fake", warned)}
    assert all(outcome.ok for outcome in outcomes.values())  # both finished: a warning is not a failure
    return {name: outcome.outcome for name, outcome in outcomes.items()}


def test_the_runner_tells_a_run_with_quarantined_records_apart(runs: dict[str, str], engine: Engine) -> None:
    assert runs == {"clean": "succeeded", "warned": "succeeded_with_warnings"}
    with Session(engine) as session:
        stored = {stream: status for stream, status in session.execute(select(SyncRun.stream, SyncRun.status))}
    assert stored == {"subscriptions": "succeeded", "warned": "succeeded"}  # what existing consumers read


def test_sync_runs_show_and_filter_the_outcome(runs: dict[str, str], database_url: str) -> None:
    api = Api(database_url)
    every = api.data(RUNS)["syncRuns"]["nodes"]
    assert sorted((n["stream"], n["status"], n["outcome"], n["recordsQuarantined"]) for n in every) == [
        ("subscriptions", "succeeded", "SUCCEEDED", 0), ("warned", "succeeded", "SUCCEEDED_WITH_WARNINGS", 1)]
    assert api.data(RUNS, {"status": "SUCCEEDED"})["syncRuns"]["totalCount"] == 2  # as before
    warned = api.data(RUNS, {"outcome": "SUCCEEDED_WITH_WARNINGS"})["syncRuns"]
    assert (warned["totalCount"], [n["stream"] for n in warned["nodes"]]) == (1, ["warned"])
    clean = api.data(RUNS, {"outcome": "SUCCEEDED"})["syncRuns"]
    assert (clean["totalCount"], [n["stream"] for n in clean["nodes"]]) == (1, ["subscriptions"])
    assert api.data(RUNS, {"outcome": "FAILED"})["syncRuns"]["totalCount"] == 0


def test_sync_status_says_succeeded_with_warnings(
    runs: dict[str, str], database_url: str, work_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("C360_DATABASE_URL", database_url)
    app = typer.Typer()
    app.command("sync")(sync_cmd.sync_command)
    app.command("other")(lambda: None)  # two commands: `sync` stays a subcommand
    status = CliRunner().invoke(app, ["sync", "status"])
    assert status.exit_code == 0, status.output
    lines = {line.split("│")[1].strip(): line for line in status.output.splitlines() if "fake." in line}
    assert "succeeded with warnings" in lines["fake.warned"]
    assert "succeeded" in lines["fake.subscriptions"] and "warnings" not in lines["fake.subscriptions"]
