"""The erasure behind ``eraseCustomer``: one transaction in a worker thread, on a synchronous engine."""

from __future__ import annotations

from sqlalchemy.orm import Session

from c360.config import Settings
from c360.hub.privacy import ErasureResult, erase_customer, forget_erased_values
from c360.resolvers.operations import sync_engine

__all__ = ["do_erase"]


def do_erase(settings: Settings, customer_id: str, actor: str, reason: str) -> ErasureResult:
    """Erase one customer's personal data (worker thread); raises ``c360.hub.privacy.ErasureError`` with nothing changed."""
    with sync_engine(settings) as engine, Session(engine) as session, session.begin():
        done = erase_customer(session, customer_id, actor=actor, reason=reason, operation="mutation:eraseCustomer")
    forget_erased_values()  # committed: nothing of the person may stay in this process's memos
    return done
