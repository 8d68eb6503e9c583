"""`c360 resolve` (and its stored match weights), `c360 explain`, `c360 steward …`: identity resolution from the command line."""

from __future__ import annotations

import getpass

import typer
from rich.progress import TaskID
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from c360.app.cli._console import console, fail, print_table, progress_bar
from c360.app.cli.errors import reported
from c360.app.cli.sync_cmd import checked_engine
from c360.config import load_settings
from c360.hub.db import create_db_engine
from c360.hub.identity import steward as steward_ops
from c360.hub.identity import weights_store
from c360.hub.identity.explain import explain
from c360.hub.identity.full_run import resolve_full
from c360.hub.identity.resolver import IdentityResolver
from c360.hub.identity.store import party_ids
from c360.hub.identity.weights import LearnedWeights
from c360.hub.models import SourceRecord

__all__ = ["resolve_command", "explain_command", "steward_app"]

steward_app = typer.Typer(help="Steward decisions: merge, unmerge, never-merge.", no_args_is_help=True)


def _record(session: Session, ref: str) -> int:
    """A numeric source record id, or ``source:kind:source_key``."""
    if ref.isdigit():
        return int(ref)
    parts = ref.split(":", 2)
    if len(parts) != 3:
        fail(f"not a record reference: {ref!r} (use an id or source:kind:source_key)")
    found = session.execute(select(SourceRecord.id).where(
        SourceRecord.source == parts[0], SourceRecord.kind == parts[1], SourceRecord.source_key == parts[2])).scalar_one_or_none()
    if found is None:
        fail(f"unknown record {ref!r}")
    return found


@reported
def resolve_command(
    full: bool = typer.Option(False, "--full", help="Re-resolve every party from scratch."),
    learn: bool = typer.Option(False, "--learn", help="With --full: learn match weights from the data, store and use them."),
    weights: bool = typer.Option(False, "--weights", help="Show the match weights in force and the stored history; resolve nothing."),
    reset_weights: bool = typer.Option(False, "--reset-weights", help="Go back to the hand-set match weights (with --full: re-resolve now)."),
    actor: str = typer.Option(None, "--actor", help="Who learns or resets the weights (stored and audited)."),
) -> None:
    """Resolve party records into golden customers."""
    if learn and not full:
        fail("--learn needs --full (weights are learned from every record)")
    if learn and reset_weights:
        fail("--learn and --reset-weights exclude each other")
    with checked_engine() as (_settings, engine):
        if weights:
            with Session(engine) as session:
                show_weights(session)
            return
        if reset_weights:
            with Session(engine) as session, session.begin():
                was = weights_store.reset_weights(session, actor or _default_actor())
            console.print("hand-set weights in force" + (f" (learned set {was} retired)" if was else " (no learned set was active)"))
            if not full:
                console.print("run `c360 resolve --full` to re-score existing customers with them", highlight=False, markup=False)
                return
        if full:
            with progress_bar() as bar:
                steps: dict[str, TaskID] = {}

                def show(step: str, done: int, total: int) -> None:
                    if step not in steps:
                        steps[step] = bar.add_task(step, total=total)
                    bar.update(steps[step], completed=done)

                stats = resolve_full(engine, learn=learn, learned_by=actor or _default_actor(), on_progress=show)
            if learn:
                console.print(_learned_line(stats.learned))
        else:
            with Session(engine) as session, session.begin():
                stats = IdentityResolver().resolve_records(session, party_ids(session))
        console.print(f"resolved {stats.records} records into {stats.clusters} customers ({stats.changed} changed)")
        if stats.batches:
            console.print(f"  in {stats.batches} batch(es); largest component {stats.largest_component} records", highlight=False)


def _default_actor() -> str:
    return f"cli:{getpass.getuser()}"


def _learned_line(learned: LearnedWeights | None) -> str:
    if learned is None:
        return "too few candidate pairs to learn from: the weights in force stay"
    return (f"learned and stored match weights (λ={learned.match_share:.3f}, {learned.candidate_pairs} candidate / "
            f"{learned.random_pairs} random pairs, {learned.iterations} EM rounds)")


def show_weights(session: Session) -> None:
    """The weights in force (learned next to hand-set) and every stored set."""
    history = weights_store.weight_history(session)
    active = next((row for row in history if row.active), None)
    if active is None:
        console.print("hand-set weights in force (no learned set active)")
    else:
        console.print(f"learned set {active.id} in force: learned {active.learned_at:%Y-%m-%d %H:%M} UTC by {active.learned_by}, "
                      f"λ={active.match_share:.3f}, {active.candidate_pairs} candidate / {active.random_pairs} random pairs",
                      highlight=False, markup=False)
        table = Table()
        for column in ("field", "outcome", "hand-set", "learned"):
            table.add_column(column)
        prior = weights_store.as_pairs(active.prior)
        for (field, outcome), value in sorted(weights_store.as_pairs(active.weights).items()):
            hand = prior.get((field, outcome))
            table.add_row(field, outcome, "-" if hand is None else f"{hand:+.2f}", f"{value:+.2f}")
        print_table(table)
    for row in history:
        console.print(f"  set {row.id}: {row.learned_at:%Y-%m-%d %H:%M} UTC by {row.learned_by}"
                      f"{' (active)' if row.active else ''}", highlight=False, markup=False)


@reported
def explain_command(left: str, right: str) -> None:
    """Show the score of two source records and the comparisons that drove it."""
    with checked_engine() as (_settings, engine):
        with Session(engine) as session:
            result = explain(session, _record(session, left), _record(session, right))
        console.print(f"score {result.score:.2f} → {result.decision}" + (f" (rule: {result.rule})" if result.rule else ""))
        for verdict in result.verdicts:
            console.print(f"  {verdict.field:<12} {verdict.outcome:<14} {verdict.weight:+.1f}")


def _steward(action: str, refs: list[str], actor: str, reason: str | None) -> None:
    engine = create_db_engine(load_settings().database_url)
    try:
        with Session(engine) as session, session.begin():
            ids = [_record(session, r) for r in refs]
            if action == "merge":
                console.print(f"merged into {steward_ops.merge(session, ids[0], ids[1], actor=actor, reason=reason)}")
            elif action == "never":
                steward_ops.never_merge(session, ids[0], ids[1], actor=actor, reason=reason)
                console.print("recorded: never merge")
            else:
                console.print(f"unmerged into {steward_ops.unmerge(session, ids[0], actor=actor, reason=reason)}")
    finally:
        engine.dispose()


@steward_app.command("merge")
@reported
def merge_command(left: str, right: str, actor: str = typer.Option(..., "--actor"), reason: str = typer.Option(None, "--reason")) -> None:
    """Force two records into one customer."""
    _steward("merge", [left, right], actor, reason)


@steward_app.command("never-merge")
@reported
def never_merge_command(left: str, right: str, actor: str = typer.Option(..., "--actor"), reason: str = typer.Option(None, "--reason")) -> None:
    """Keep two records apart for good."""
    _steward("never", [left, right], actor, reason)


@steward_app.command("unmerge")
@reported
def unmerge_command(record: str, actor: str = typer.Option(..., "--actor"), reason: str = typer.Option(None, "--reason")) -> None:
    """Take one record out of its customer."""
    _steward("unmerge", [record], actor, reason)
