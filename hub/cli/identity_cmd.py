"""`c360 resolve`, `c360 explain`, `c360 steward …`: identity resolution from the command line."""

from __future__ import annotations

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.cli._console import console, fail
from hub.config import load_settings
from hub.db import create_db_engine
from hub.identity import steward as steward_ops
from hub.identity.explain import explain
from hub.identity.resolver import IdentityResolver, resolve_full
from hub.identity.store import party_ids
from hub.models import SourceRecord

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


def resolve_command(full: bool = typer.Option(False, "--full", help="Re-resolve every party from scratch.")) -> None:
    """Resolve party records into golden customers."""
    engine = create_db_engine(load_settings().database_url)
    try:
        if full:
            stats = resolve_full(engine)
        else:
            with Session(engine) as session, session.begin():
                stats = IdentityResolver().resolve_records(session, party_ids(session))
        console.print(f"resolved {stats.records} records into {stats.clusters} customers ({stats.changed} changed)")
    finally:
        engine.dispose()


def explain_command(left: str, right: str) -> None:
    """Show the score of two source records and the comparisons that drove it."""
    engine = create_db_engine(load_settings().database_url)
    try:
        with Session(engine) as session:
            try:
                result = explain(session, _record(session, left), _record(session, right))
            except steward_ops.UnknownRecord as exc:
                fail(str(exc))
        console.print(f"score {result.score:.2f} → {result.decision}" + (f" (rule: {result.rule})" if result.rule else ""))
        for verdict in result.verdicts:
            console.print(f"  {verdict.field:<12} {verdict.outcome:<14} {verdict.weight:+.1f}")
    finally:
        engine.dispose()


def _steward(action: str, refs: list[str], actor: str, reason: str | None) -> None:
    engine = create_db_engine(load_settings().database_url)
    try:
        with Session(engine) as session, session.begin():
            ids = [_record(session, r) for r in refs]
            try:
                if action == "merge":
                    console.print(f"merged into {steward_ops.merge(session, ids[0], ids[1], actor=actor, reason=reason)}")
                elif action == "never":
                    steward_ops.never_merge(session, ids[0], ids[1], actor=actor, reason=reason)
                    console.print("recorded: never merge")
                else:
                    console.print(f"unmerged into {steward_ops.unmerge(session, ids[0], actor=actor, reason=reason)}")
            except steward_ops.UnknownRecord as exc:
                fail(str(exc))
    finally:
        engine.dispose()


@steward_app.command("merge")
def merge_command(left: str, right: str, actor: str = typer.Option(..., "--actor"), reason: str = typer.Option(None, "--reason")) -> None:
    """Force two records into one customer."""
    _steward("merge", [left, right], actor, reason)


@steward_app.command("never-merge")
def never_merge_command(left: str, right: str, actor: str = typer.Option(..., "--actor"), reason: str = typer.Option(None, "--reason")) -> None:
    """Keep two records apart for good."""
    _steward("never", [left, right], actor, reason)


@steward_app.command("unmerge")
def unmerge_command(record: str, actor: str = typer.Option(..., "--actor"), reason: str = typer.Option(None, "--reason")) -> None:
    """Take one record out of its customer."""
    _steward("unmerge", [record], actor, reason)
