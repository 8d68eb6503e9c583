"""The lists of the 360 view, declared once each (see c360.resolvers.pages).

All hang off a golden customer except ``statusHistory``, which hangs off a service request.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import and_, select

from c360.hub.models import (
    Account,
    Analysis,
    Balance,
    Bill,
    Contact,
    Contract,
    CrossReference,
    Identifier,
    Order,
    PartyRelation,
    Payment,
    ServiceRequest,
    ServiceRequestStatus,
    SourceRecord,
    Subscription,
)
from c360.resolvers.pages import ListSpec

__all__ = ["LISTS"]

OLDEST = datetime(1970, 1, 1, tzinfo=UTC)
OLDEST_DAY = date(1970, 1, 1)


# Columns of every fact no page shows: the silo's party reference, lineage and flags the filters use.
FACT_UNREAD = frozenset({"party_source", "party_key", "deleted", "source_record_id", "golden_id", "source_updated_at"})


def _fact(name: str, model, sort, sentinel, unread=FACT_UNREAD, **filters) -> ListSpec:  # type: ignore[no-untyped-def]
    return ListSpec(
        name=name,
        base=lambda: select(model),
        owner=model.golden_id,
        entity=model,
        id=model.id,
        sort=sort,
        sort_attr=sort.key,
        sentinel=sentinel,
        filters=filters,
        where=lambda: model.deleted.is_(False),
        unread=unread,
    )


LISTS: dict[str, ListSpec] = {
    spec.name: spec
    for spec in (
        _fact("accounts", Account, Account.opened_at, OLDEST, status=Account.status, type=Account.account_type),
        _fact(
            "subscriptions", Subscription, Subscription.activated_at, OLDEST, status=Subscription.status
        ),
        _fact("orders", Order, Order.created_at, OLDEST, status=Order.status, channel=Order.channel, type=Order.order_type),
        _fact("bills", Bill, Bill.period, "", status=Bill.status),
        _fact("payments", Payment, Payment.paid_at, OLDEST, method=Payment.method),
        _fact("balances", Balance, Balance.source_updated_at, OLDEST, unread=FACT_UNREAD - {"source_updated_at"}),
        _fact(
            "serviceRequests",
            ServiceRequest,
            ServiceRequest.opened_at,
            OLDEST,
            status=ServiceRequest.status,
            channel=ServiceRequest.channel,
            type=ServiceRequest.type,
        ),
        _fact("contacts", Contact, Contact.occurred_at, OLDEST, channel=Contact.channel, type=Contact.type),
        _fact("analyses", Analysis, Analysis.as_of, OLDEST_DAY),
        _fact("contracts", Contract, Contract.start_date, OLDEST_DAY, status=Contract.status),
        ListSpec(
            name="enterpriseContacts",
            base=lambda: select(PartyRelation),
            owner=PartyRelation.golden_id,
            entity=PartyRelation,
            id=PartyRelation.id,
            sort=PartyRelation.recorded_at,
            sort_attr="recorded_at",
            sentinel=OLDEST,
            where=lambda: (PartyRelation.relation == "contact") & PartyRelation.deleted.is_(False),
            unread=FACT_UNREAD | {"relation", "related_source", "attributes", "source", "source_key"},
        ),
        ListSpec(
            name="identifiers",
            base=lambda: select(Identifier).join(CrossReference, CrossReference.source_record_id == Identifier.source_record_id),
            owner=CrossReference.golden_id,
            entity=Identifier,
            id=Identifier.id,
            sort=None,
            sort_attr=None,
            filters={"type": Identifier.type},
            grouped=True,  # one item per (type, value), with its source records
        ),
        ListSpec(
            name="sourceRecords",
            base=lambda: select(SourceRecord).join(CrossReference, CrossReference.source_record_id == SourceRecord.id),
            owner=CrossReference.golden_id,
            entity=SourceRecord,
            id=SourceRecord.id,
            sort=SourceRecord.source_updated_at,
            sort_attr="source_updated_at",
            sentinel=OLDEST,
            filters={"source": SourceRecord.source},
            # never shown: decoding two JSON documents per record cost more than the rest of the page
            unread=frozenset({"raw", "normalized", "content_hash", "first_seen", "deleted_at", "erased_at", "restore_allowed_at"}),
        ),
        ListSpec(  # hangs off a service request (its row id), not a customer; oldest step first
            name="statusHistory",
            base=lambda: select(ServiceRequestStatus).join(
                ServiceRequest,
                and_(
                    ServiceRequest.source == ServiceRequestStatus.source,
                    ServiceRequest.source_key == ServiceRequestStatus.request_key,
                ),
            ),
            owner=ServiceRequest.id,
            entity=ServiceRequestStatus,
            id=ServiceRequestStatus.id,
            sort=ServiceRequestStatus.changed_at,
            sort_attr="changed_at",
            sentinel=OLDEST,
            ascending=True,
            unread=frozenset({"source", "request_key", "source_record_id"}),
        ),
    )
}
