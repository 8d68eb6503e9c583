"""A plain JSON POST is answered without strawberry's HTTP view, the same as the view would; anything else still by the view."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from hub.app import HubGraphQL
from hub.auth import create_key
from hub.config import Settings
from hub.db import create_db_engine
from hub.graphql_http import JsonPost

VIEW = "query One($id: ID!) { customer(id: $id) { id profile { name value } } } query Other { hub { version } }"


@pytest.fixture
def key(settings: Settings) -> str:
    engine = create_db_engine(settings.database_url)
    try:
        return create_key(engine, "channel", {"customer:read", "events:subscribe"}).key
    finally:
        engine.dispose()


def test_json_post_skips_the_view_and_answers_as_get_does(
    client: TestClient, key: str, people: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    variables = {"id": people["me"]}
    by_get = client.get("/graphql", params={"query": VIEW, "variables": f'{{"id": "{people["me"]}"}}', "operationName": "One"}, headers=headers)

    async def no_view(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("a plain JSON POST went through strawberry's view")

    monkeypatch.setattr(HubGraphQL, "run", no_view)
    by_post = client.post("/graphql", json={"query": VIEW, "variables": variables, "operationName": "One"}, headers=headers)
    assert by_post.status_code == by_get.status_code == 200
    assert by_post.headers["content-type"] == "application/json"
    assert by_post.json() == by_get.json() and by_post.json()["data"]["customer"]["id"] == people["me"]
    invalid = client.post("/graphql", json={"query": "{ customer { nope } }"}, headers=headers)
    assert invalid.status_code == 200 and invalid.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"{not json", "application/json"),
        (b'{"query": 1}', "application/json"),
        (b'{"query": "{ hub { version } }", "variables": [1]}', "application/json"),
        (b'{"query": "{ hub { version } }", "operationName": 7}', "application/json"),
        (b'{"query": "{ customer(id: 1) { nope } }"}', "application/json"),
        (b'{"query": "subscription { contactEvents { __typename } }"}', "application/json"),
        (b'{"query": "query { hub { version } }"}', "application/json; charset=utf-8"),
        (b"query=%7B%20hub%20%7B%20version%20%7D%20%7D", "application/x-www-form-urlencoded"),
    ],
)
def test_every_answer_is_the_views(
    client: TestClient, key: str, content: bytes, content_type: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": content_type}
    answered = client.post("/graphql", content=content, headers=headers)

    async def pass_on(*_args: Any) -> bool:
        return False

    monkeypatch.setattr(JsonPost, "__call__", pass_on)
    by_view = client.post("/graphql", content=content, headers=headers)
    assert (answered.status_code, answered.text) == (by_view.status_code, by_view.text)
    assert answered.headers["content-type"].split(";")[0] == by_view.headers["content-type"].split(";")[0]
