"""Finding customers: by golden id (old ids of merged customers resolve), by identifier, by search."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

import strawberry

from c360.hub.normalize import (
    EmailResult,
    PhoneResult,
    RicResult,
    UsccResult,
    normalize_email,
    normalize_phone,
    normalize_ric,
    normalize_uscc,
)
from c360.resolvers.customers import golden_ids_by_identifier, golden_ids_by_source_key, search_customers
from c360.resolvers.loaders import Split
from c360.resolvers.pages import InvalidCursor, decode_cursor, encode_cursor
from c360.resolvers.plan import EMPTY_PLAN, CustomerPlan
from c360.resolvers.view_rows import CustomerView
from c360.schema.context import Info
from c360.schema.customer import Customer, CustomerKind, field_plan, read_customer
from c360.schema.errors import Ambiguous, BadUserInput, NotFound
from c360.schema.pagination import DEFAULT_FIRST, Connection, Edge, PageInfo, built_connection, known_total

__all__ = ["CustomerRef", "LookupQuery", "SearchHit", "resolve_customer", "customer_by_id", "MAX_SEARCH_FIRST"]

MAX_SEARCH_FIRST = 50
_GOLDEN_ID_SHAPE = re.compile(r"G[0-9A-HJKMNP-TV-Z]{18}")  # c360.hub.models.golden.new_golden_id


@strawberry.input(
    description="A reference to a customer: a golden id, one identifier, or a silo's own key (source + sourceKey)."
)
class CustomerRef:
    id: strawberry.ID | None = None
    id_number: str | None = None
    phone: str | None = None
    email: str | None = None
    credit_code: str | None = None
    source: str | None = None
    source_key: str | None = None


async def customer_by_id(info: Info, golden_id: str, field: str = "id", plan: CustomerPlan = EMPTY_PLAN) -> CustomerView:
    """The active customer ``golden_id`` names (a merged id: its survivor), read with ``plan``."""
    found = await read_customer(info, golden_id, plan)
    if isinstance(found, Split):
        raise NotFound(
            f"customer {golden_id} was split; ask for one of the customers it became", field=field, splitInto=list(found.into)
        )
    if found is None:
        # Echo only what has the shape of a golden id: a phone or ID number typed into `id` stays out of
        # the answer and of every log and proxy the error passes through.
        named = f"id {golden_id}" if _GOLDEN_ID_SHAPE.fullmatch(golden_id) else "the id given"
        raise NotFound(f"no customer with {named}", field=field)
    return found


async def resolve_customer(
    info: Info, ref: CustomerRef, prefix: str = "", plan: CustomerPlan = EMPTY_PLAN, at: datetime | None = None,
) -> CustomerView:
    """The one active golden customer ``ref`` names (an identifier as held at ``at``, default now), read with ``plan``.

    NOT_FOUND, AMBIGUOUS or BAD_USER_INPUT otherwise.
    """
    given = {name: value for name, value in vars(ref).items() if value not in (None, "")}
    if set(given) == {"source", "source_key"}:
        ids = await golden_ids_by_source_key(info.context.sessions, ref.source or "", ref.source_key or "")
        field = f"{prefix}source"
    elif len(given) == 1 and "id" in given:
        return await customer_by_id(info, str(ref.id), f"{prefix}id", plan)
    elif len(given) == 1 and not {"source", "source_key"} & set(given):
        (name, raw), = given.items()
        field = prefix + {"id_number": "idNumber", "credit_code": "creditCode"}.get(name, name)
        normalizers: dict[str, tuple[Callable[[str], RicResult | PhoneResult | EmailResult | UsccResult], tuple[str, ...]]] = {
            "id_number": (normalize_ric, ("ric",)),
            "phone": (normalize_phone, ("phone",)),
            "email": (normalize_email, ("email",)),
            "credit_code": (normalize_uscc, ("uscc",)),
        }
        normalize, types = normalizers[name]
        result = normalize(str(raw))
        if not result.trusted:
            reason = getattr(result.reason, "value", result.reason) or "invalid"
            raise BadUserInput(field, f"not a usable {name.replace('_', ' ')} ({reason})")
        ids = await golden_ids_by_identifier(info.context.sessions, types, result.value, at)
    else:
        raise BadUserInput(prefix.rstrip(".") or "customer", "give exactly one of id, idNumber, phone, email, creditCode, or source with sourceKey")
    views = await info.context.loaders.view.load_many([(golden_id, plan) for golden_id in ids])
    survivors = {view.id: view for view in views if isinstance(view, CustomerView)}
    if not survivors:
        raise NotFound("no customer with that identifier", field=field)
    if len(survivors) > 1:
        raise Ambiguous("the identifier belongs to more than one customer", field=field, candidates=sorted(survivors))
    return next(iter(survivors.values()))


@strawberry.type(description="A customer found by search, with why and how well it matched.")
class SearchHit:
    score: int
    matched: list[str] = strawberry.field(description="name | phone | address")
    view: strawberry.Private[CustomerView]

    @strawberry.field
    async def customer(self, info: Info) -> Customer:
        """Read again with what the document selects of it: the hits of a page are one batch."""
        found = await read_customer(info, self.view.id)
        return Customer.of(found if isinstance(found, CustomerView) else self.view)


@strawberry.type
class LookupQuery:
    @strawberry.field(description="A customer by golden id; the id of a customer merged into another resolves to the survivor.")
    async def customer(self, info: Info, id: strawberry.ID) -> Customer:
        return Customer.of(await customer_by_id(info, str(id), plan=field_plan(info)))

    @strawberry.field(
        description=(
            "A customer by one identifier (ID number, phone, e-mail, credit code) or a silo's key (of a party, an account "
            "or a subscription). A phone answers with whoever held it at `at` (default: now): a recycled number names "
            "its holder of that time, and AMBIGUOUS means two customers really held it then."
        )
    )
    async def customer_by(
        self,
        info: Info,
        id_number: str | None = None,
        phone: str | None = None,
        email: str | None = None,
        credit_code: str | None = None,
        source: str | None = None,
        source_key: str | None = None,
        at: datetime | None = None,
    ) -> Customer:
        ref = CustomerRef(
            id_number=id_number, phone=phone, email=email, credit_code=credit_code, source=source, source_key=source_key
        )
        if at is not None and at.tzinfo is None:
            raise BadUserInput("at", "give a time zone (2024-05-01T10:00:00+08:00 or …Z)")
        return Customer.of(await resolve_customer(info, ref, plan=field_plan(info), at=at))

    @strawberry.field(description="Customers matching a name, phone (or its last digits) or address, best first.")
    async def search_customers(
        self,
        info: Info,
        text: str,
        kind: CustomerKind | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[SearchHit]:
        if len(text.strip()) < 2:
            raise BadUserInput("text", "give at least 2 characters")
        count = DEFAULT_FIRST if first is None else first
        if not 0 <= count <= MAX_SEARCH_FIRST:
            raise BadUserInput("first", f"must be between 0 and {MAX_SEARCH_FIRST}")
        hits = await search_customers(info.context.sessions, text, kind.value if kind else None)
        total = known_total(len(hits))
        if after is not None:
            try:
                _, score, golden_id = decode_cursor(after, "search")
            except (InvalidCursor, ValueError):
                raise BadUserInput("after", "not a cursor of this search") from None
            hits = [hit for hit in hits if (-hit.score, hit.golden_id) > (-score, golden_id)]
        page = hits[:count]
        views = await info.context.loaders.view.load_many([(hit.golden_id, EMPTY_PLAN) for hit in page])
        edges = [
            Edge(
                cursor=encode_cursor(["search", hit.score, hit.golden_id]),
                node=SearchHit(score=hit.score, matched=list(hit.matched), view=view),
            )
            for hit, view in zip(page, views, strict=True)
            if isinstance(view, CustomerView)
        ]
        return built_connection(
            edges,
            PageInfo(
                has_next_page=len(hits) > count,
                has_previous_page=False,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total,
        )
