"""A self-service token sees the events of its customer's merged ids too, and still nobody else's."""

from __future__ import annotations

import asyncio
from typing import Any

from gql import GraphQLRequest
from starlette.testclient import TestClient

from c360.config import Settings
from c360.hub.auth import create_key, issue_token
from c360.hub.db import create_db_engine
from tests.api import factory
from tests.helpers.binding import RECORD, SUBSCRIBE, client_as
from tests.helpers.merges import merge_goldens


def test_own_feed_includes_events_of_ids_merged_into_it(
    server: str, client: TestClient, settings: Settings, people: dict[str, str], seed: Any, engine: Any  # noqa: F811
) -> None:
    alias = seed(lambda s: factory.customer(s, "张 伟").id)
    writer_engine = create_db_engine(settings.database_url)
    writer = create_key(writer_engine, "writer", {"contact:write"}).key
    writer_engine.dispose()
    token = issue_token(settings.auth, people["me"])

    async def scenario() -> list[dict[str, Any]]:
        async with client_as(server, writer) as session:
            await session.execute(GraphQLRequest(RECORD, variable_values={"id": alias, "s": "as the old id"}))
            await session.execute(GraphQLRequest(RECORD, variable_values={"id": people["other"], "s": "someone else"}))
        merge_goldens(engine, alias, people["me"])
        async with client_as(server, writer) as session:
            await session.execute(GraphQLRequest(RECORD, variable_values={"id": people["me"], "s": "mine"}))
        got: list[dict[str, Any]] = []
        async with client_as(server, token) as session:
            async for result in session.subscribe(GraphQLRequest(SUBSCRIBE, variable_values={"f": {"customerIds": [people["me"]]}})):
                got.append(result["contactEvents"])
                if len(got) == 2:
                    break
        return got

    assert asyncio.run(scenario()) == [
        {"customerId": alias, "summary": "as the old id"},
        {"customerId": people["me"], "summary": "mine"},
    ]
    feed = client.post(
        "/graphql",
        json={"query": "query($f: ContactEventFilter) { contactEvents(filter: $f) { totalCount nodes { summary } } }",
              "variables": {"f": {"customerIds": [people["me"]]}}},
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert feed == {"data": {"contactEvents": {"totalCount": 2, "nodes": [{"summary": "as the old id"}, {"summary": "mine"}]}}}
