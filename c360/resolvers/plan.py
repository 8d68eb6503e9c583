"""What a document asks of its customers, as data: the plan one statement answers.

A :class:`CustomerPlan` names every list page (with its arguments and whether its ``totalCount``
is wanted), the balance totals and the account manager a selection of ``Customer`` reads, and
what each list's items read in turn (a service request's status history, an enterprise contact's
person). It is built from the GraphQL selection by ``c360.schema.planning`` and compiled into SQL by
``c360.resolvers.view_sql``; plans are hashable so equal selections share one compiled statement and
one DataLoader batch.
"""

from __future__ import annotations

from dataclasses import dataclass

from c360.resolvers.pages import PageArgs

__all__ = ["ListRead", "CustomerPlan", "EMPTY_PLAN"]


@dataclass(frozen=True)
class ListRead:
    """One page of one list (``c360.resolvers.lists.LISTS``), and what each of its items reads."""

    name: str
    args: PageArgs
    count: bool = False  # totalCount selected
    children: tuple[ListRead, ...] = ()  # lists hanging off each item (a service request's statusHistory)
    person: CustomerPlan | None = None  # an enterprise contact's person, read as a customer with this plan


@dataclass(frozen=True)
class CustomerPlan:
    """Everything of one customer a selection reads, besides the golden record itself."""

    lists: tuple[ListRead, ...] = ()
    balance_totals: bool = False
    account_manager: bool = False


EMPTY_PLAN = CustomerPlan()
