"""`c360 erase CUSTOMER --actor NAME --reason TEXT [--yes]`: the right to erasure, audited.

`c360 erase --allow-restore RECORD --actor NAME --reason TEXT` sets the audited
flag that lets the next sync of one erased source record bring its content back.
"""

from __future__ import annotations

import typer
from sqlalchemy.orm import Session

from c360.app.cli._console import console, fail
from c360.app.cli.errors import reported
from c360.app.cli.sync_cmd import checked_engine
from c360.hub.privacy import (
    allow_restore,
    erase_customer,
    forget_erased_values,
    resolve_customer,
)

__all__ = ["erase_command"]


@reported
def erase_command(
    customer: str = typer.Argument(None, help="Golden customer id (or an id merged into it)."),
    actor: str = typer.Option(..., "--actor", help="Who asks for the erasure (recorded in the audit log)."),
    reason: str = typer.Option(..., "--reason", help="Why, e.g. the data-subject request's reference (audited)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    restore: str = typer.Option(
        None, "--allow-restore", metavar="RECORD",
        help="Instead of erasing: let the next sync restore this erased source record (id or SOURCE:KIND:SOURCE_KEY).",
    ),
) -> None:
    """Erase a person's personal data from the index and the event log; bills, payments and balances stay."""
    if (customer is None) == (restore is None):
        fail("name either a CUSTOMER to erase or --allow-restore RECORD")
    with checked_engine() as (_, engine):
        if restore is not None:
            with Session(engine) as session, session.begin():
                done = allow_restore(session, restore, actor=actor, reason=reason)
            console.print(
                f"source record {done.record_id} ({done.source}:{done.kind}:{done.source_key}) may be restored by its next sync "
                f"(audit entry {done.audit_id})",
                highlight=False, soft_wrap=True,
            )
            return
        if not yes:
            with Session(engine) as session:
                golden, aliases = resolve_customer(session, customer)
            also = f" (and {', '.join(aliases)}, merged into it)" if aliases else ""
            if not typer.confirm(f"erase the personal data of customer {golden.id}{also}? This cannot be undone", default=False):
                fail("nothing erased", code=1)
        with Session(engine) as session, session.begin():
            result = erase_customer(session, customer, actor=actor, reason=reason, operation="cli:erase")
        forget_erased_values()
    console.print(
        f"erased customer {result.customer_id}: {result.party_records} party records, {result.fact_records} fact records, "
        f"{result.identifiers} identifiers, {result.identity_keys} identity keys, {result.events} events scrubbed "
        f"(audit entry {result.audit_id})",
        highlight=False, soft_wrap=True,
    )
