"""Merging two golden customers directly in the tables, as identity resolution leaves them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from c360.hub.identity.golden import record_event
from c360.hub.models import GoldenCustomer, GoldenRedirect

__all__ = ["merge_goldens"]


def merge_goldens(engine: Any, loser: str, survivor: str) -> None:
    """Merge as identity resolution does: the loser points at the survivor and the log says so."""
    with Session(engine) as session, session.begin():
        session.execute(update(GoldenCustomer).where(GoldenCustomer.id == loser).values(status="merged", merged_into=survivor))
        session.add(GoldenRedirect(from_id=loser, to_id=survivor, reason="merge"))
        record_event(session, "customer.merged", survivor, {"survivor": survivor, "merged": [loser]}, "tests")
