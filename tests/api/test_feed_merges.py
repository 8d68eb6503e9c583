"""The contact-event feed filtered by customer follows merges: alias and survivor ids match the same events."""

from __future__ import annotations

import asyncio
from typing import Any

from gql import Client, GraphQLRequest

from tests.api import factory
from tests.api.conftest import Api
from tests.helpers.merges import merge_goldens
from tests.helpers.subscriptions import RECORD, Server, contact_input, ws_transport

SUBSCRIBE = "subscription($ids: [ID!]) { contactEvents(filter: {customerIds: $ids}) { summary customerId } }"
FEED = "query($ids: [ID!]) { contactEvents(filter: {customerIds: $ids}) { totalCount nodes { summary customerId } } }"


def _people(seed: Any) -> dict[str, str]:
    def build(session: Any) -> dict[str, str]:
        survivor, alias, other = factory.customer(session, "张伟"), factory.customer(session, "张 伟"), factory.customer(session, "李娜")
        return {"survivor": survivor.id, "alias": alias.id, "other": other.id}

    return seed(build)


def _record(api: Api, customer_id: str, summary: str) -> None:
    api.data(RECORD, contact_input(customer_id, summary))


def test_feed_query_matches_alias_and_survivor(api: Api, engine: Any, seed: Any) -> None:
    people = _people(seed)
    _record(api, people["alias"], "before the merge")
    _record(api, people["other"], "someone else")
    merge_goldens(engine, people["alias"], people["survivor"])
    _record(api, people["alias"], "after the merge")  # recorded against the survivor: the alias resolves
    expected = [
        {"summary": "before the merge", "customerId": people["alias"]},
        {"summary": "after the merge", "customerId": people["survivor"]},
    ]
    for which in ("alias", "survivor"):
        feed = api.data(FEED, {"ids": [people[which]]})["contactEvents"]
        assert feed["nodes"] == expected, which
        assert feed["totalCount"] == 2
    both = api.data(FEED, {"ids": [people["other"], people["alias"]]})["contactEvents"]
    assert [node["summary"] for node in both["nodes"]] == ["before the merge", "someone else", "after the merge"]


def test_subscription_follows_merges_before_and_while_streaming(database_url: str, engine: Any, seed: Any) -> None:
    people = _people(seed)
    late = seed(lambda s: factory.customer(s, "张伟 (web)").id)  # merged into the survivor while subscribed
    with Server(database_url) as server:

        async def record(customer_id: str, summary: str) -> None:
            async with Client(transport=ws_transport(server.ws_url)) as session:
                await session.execute(GraphQLRequest(RECORD, variable_values=contact_input(customer_id, summary)))

        async def take(ids: list[str], count: int, during: Any) -> list[str]:
            got: list[str] = []
            async with Client(transport=ws_transport(server.ws_url)) as session:
                task = None
                async for result in session.subscribe(GraphQLRequest(SUBSCRIBE, variable_values={"ids": ids})):
                    got.append(result["contactEvents"]["summary"])
                    if task is None:
                        task = asyncio.ensure_future(during())
                    if len(got) == count:
                        break
                assert task is not None
                await task
            return got

        async def main() -> None:
            await record(people["alias"], "alias, before")
            await record(people["other"], "other")
            merge_goldens(engine, people["alias"], people["survivor"])
            await record(late, "late, before its merge")

            async def live() -> None:
                await asyncio.to_thread(merge_goldens, engine, late, people["survivor"])
                await record(people["survivor"], "survivor, after the late merge")

            # Subscribed by an id that is merged away while streaming: the survivor's new events follow.
            by_late = await take([late], 2, live)
            assert by_late == ["late, before its merge", "survivor, after the late merge"]

            async def more() -> None:
                await record(late, "late, live")  # an alias now: recorded against the survivor

            by_alias = await take([people["alias"]], 4, more)  # the whole family, in log order
            assert by_alias == ["alias, before", "late, before its merge", "survivor, after the late merge", "late, live"]

        asyncio.run(main())
