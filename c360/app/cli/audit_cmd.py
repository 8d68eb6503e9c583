"""`c360 audit --customer ID`: who read or changed a customer, newest first."""

from __future__ import annotations

import json

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from c360.app.cli._console import console
from c360.app.cli.errors import reported
from c360.app.cli.sync_cmd import checked_engine
from c360.hub.models import AuditEntry

__all__ = ["audit_command"]


@reported
def audit_command(
    customer: str = typer.Option(None, "--customer", "-c", help="Golden customer id."),
    actor: str = typer.Option(None, "--actor", help="Only this caller (e.g. key:call-center:ab12cd34ef56)."),
    limit: int = typer.Option(100, min=1, help="Show at most this many, newest first."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
) -> None:
    """The append-only audit log: when, who, action, operation, customer, sensitive kinds returned."""
    with checked_engine() as (_, engine), Session(engine) as session:
        query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
        if customer:
            query = query.where(AuditEntry.customer_id == customer)
        if actor:
            query = query.where(AuditEntry.actor == actor)
        rows = list(session.scalars(query))
    for row in rows:
        if as_json:
            console.print_json(
                json.dumps(
                    {"at": row.at.isoformat(), "actor": row.actor, "action": row.action, "operation": row.operation,
                     "customer": row.customer_id, "fields": row.fields, "detail": row.detail}
                )
            )
        else:
            console.print(
                f"{row.at:%Y-%m-%d %H:%M:%S}  {row.actor}  {row.action}  {row.operation}  "
                f"{row.customer_id or '-'}  {','.join(row.fields) or '-'}",
                highlight=False,
                soft_wrap=True,
            )
    if not rows:
        console.print("no audit entries")
