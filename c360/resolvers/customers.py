"""Finding golden customers: by identifier, by a silo's own key, and by free-text search."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from c360.hub.models import Account, CrossReference, GoldenCustomer, Identifier, SourceRecord, Subscription
from c360.hub.models.golden import GOLDEN_ACTIVE
from c360.hub.normalize import msisdn_spellings, normalize_name

__all__ = ["golden_ids_by_identifier", "golden_ids_by_source_key", "search_customers", "SearchHit", "SEARCH_CANDIDATES"]

SEARCH_CANDIDATES = 200  # per kind of match; ranking happens over at most 3x this many


async def golden_ids_by_identifier(
    sessions: async_sessionmaker[AsyncSession], types: tuple[str, ...], value: str, at: datetime | None = None,
) -> list[str]:
    """Golden ids holding a trusted identifier of one of ``types`` with this normalized value at ``at`` (default: now).

    A phone is answered from the subscriptions holding it at that moment when
    there are any (the operator's own record of its holder); otherwise, as any
    other identifier, from the records that carry it. A holding counts from its ``valid_from`` (inclusive) to its ``valid_to``
    (exclusive); one seen at a single instant (a caller's number on a call)
    counts at that instant only. So a recycled number answers with whoever
    held it then, and a caller of the number long ago never competes with
    its holder today.
    """
    moment = at or datetime.now(UTC)
    if types == ("phone",):
        held = await _subscription_holders(sessions, value, moment)
        if held:
            return held
    statement = (
        select(CrossReference.golden_id)
        .join(Identifier, Identifier.source_record_id == CrossReference.source_record_id)
        .where(
            Identifier.type.in_(types),
            Identifier.value == value,
            Identifier.trusted.is_(True),
            or_(Identifier.valid_from.is_(None), Identifier.valid_from <= moment),
            or_(
                Identifier.valid_to.is_(None),
                Identifier.valid_to > moment,
                and_(Identifier.valid_from == moment, Identifier.valid_to == moment),
            ),
            CrossReference.role == "self",
        )
        .distinct()
    )
    async with sessions() as session:
        return sorted((await session.execute(statement)).scalars())


async def _subscription_holders(sessions: async_sessionmaker[AsyncSession], e164: str, moment: datetime) -> list[str]:
    """Customers whose subscription held this number at ``moment``: the operator's own record of who holds it."""
    statement = (
        select(Subscription.golden_id)
        .where(
            Subscription.msisdn.in_(msisdn_spellings(e164)),
            Subscription.deleted.is_(False),
            Subscription.golden_id.is_not(None),
            or_(Subscription.activated_at.is_(None), Subscription.activated_at <= moment),
            or_(Subscription.deactivated_at.is_(None), Subscription.deactivated_at > moment),
        )
        .distinct()
    )
    async with sessions() as session:
        return sorted(gid for gid in (await session.execute(statement)).scalars() if gid is not None)  # the query has none


# A silo's own key: of a party (through its cross-reference), or of an account or a subscription (their golden id)
_KEYED_FACTS = (Account, Subscription)


async def golden_ids_by_source_key(
    sessions: async_sessionmaker[AsyncSession], source: str, source_key: str
) -> list[str]:
    """Customers a silo's key names: a party's key, else an account's or a subscription's (a billing account number)."""
    keyed = SourceRecord.source == source, SourceRecord.source_key == source_key
    party = (
        select(CrossReference.golden_id)
        .join(SourceRecord, SourceRecord.id == CrossReference.source_record_id)
        .where(*keyed, SourceRecord.kind == "party")
    )
    facts = [
        select(model.golden_id)
        .join(SourceRecord, SourceRecord.id == model.source_record_id)
        .where(*keyed, SourceRecord.kind == model.__tablename__, model.deleted.is_(False), model.golden_id.is_not(None))
        for model in _KEYED_FACTS
    ]
    async with sessions() as session:
        found = set((await session.execute(party)).scalars())
        if not found:
            for statement in facts:
                found |= {gid for gid in (await session.execute(statement)).scalars() if gid is not None}  # the query has none
        return sorted(found)


@dataclass(frozen=True)
class SearchHit:
    golden_id: str
    score: int
    matched: tuple[str, ...]  # name | phone | address


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def search_customers(
    sessions: async_sessionmaker[AsyncSession], text: str, kind: str | None = None
) -> list[SearchHit]:
    """Active golden customers matching ``text`` by name, phone or address, best first.

    A name is compared as written and by its pronunciation key (traditional
    characters, homophones and pinyin find the name). Scores: exact name or
    pronunciation 100, prefix 80, contains 60; exact phone 90,
    phone contains 50; address contains 40. A customer matched several ways
    adds the best score of each way. Ties break on golden id, so the order is stable.
    """
    text = text.strip()
    # Golden customers keep their name's pronunciation key: 張偉, 张玮 and "Zhang Wei" all find 张伟
    name_key = normalize_name(text).pronunciation_key if text else ""
    digits = re.sub(r"\D", "", text)
    scores: dict[str, dict[str, int]] = defaultdict(dict)
    async with sessions() as session:
        names = select(GoldenCustomer.id, GoldenCustomer.display_name, GoldenCustomer.name_key).where(
            GoldenCustomer.status == GOLDEN_ACTIVE,
            or_(
                GoldenCustomer.display_name.like(_like(text), escape="\\"),
                GoldenCustomer.name_key.like(_like(name_key or text), escape="\\"),
            ),
        )
        if kind:
            names = names.where(GoldenCustomer.kind == kind)
        for golden_id, display, key in (await session.execute(names.limit(SEARCH_CANDIDATES))).all():
            if text == display or (name_key and name_key == key):
                score = 100
            elif (display or "").startswith(text) or (name_key and (key or "").startswith(name_key)):
                score = 80
            else:
                score = 60
            scores[golden_id]["name"] = score
        if len(digits) >= 4:
            phones = (
                select(CrossReference.golden_id, Identifier.value)
                .join(Identifier, Identifier.source_record_id == CrossReference.source_record_id)
                .where(Identifier.type == "phone", Identifier.value.like(_like(digits), escape="\\"))
                .limit(SEARCH_CANDIDATES)
            )
            for golden_id, value in (await session.execute(phones)).all():
                exact = re.sub(r"\D", "", value).endswith(digits) and len(digits) >= 11
                scores[golden_id]["phone"] = max(scores[golden_id].get("phone", 0), 90 if exact else 50)
        if len(text) >= 2:
            address = SourceRecord.raw["address"].as_string()
            addresses = (
                select(CrossReference.golden_id)
                .join(SourceRecord, SourceRecord.id == CrossReference.source_record_id)
                .where(SourceRecord.kind == "party", address.like(_like(text), escape="\\"))
                .distinct()
                .limit(SEARCH_CANDIDATES)
            )
            for (golden_id,) in (await session.execute(addresses)).all():
                scores[golden_id]["address"] = 40
        if not scores:
            return []
        # Phone and address matches may point at merged or other-kind customers: keep active ones of the kind.
        keep = select(GoldenCustomer.id).where(GoldenCustomer.id.in_(scores), GoldenCustomer.status == GOLDEN_ACTIVE)
        if kind:
            keep = keep.where(GoldenCustomer.kind == kind)
        active = set((await session.execute(keep)).scalars())
    hits = [
        SearchHit(golden_id, sum(ways.values()), tuple(sorted(ways)))
        for golden_id, ways in scores.items()
        if golden_id in active
    ]
    hits.sort(key=lambda hit: (-hit.score, hit.golden_id))
    return hits
