from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from c360.app.factory import create_app
from c360.config import Settings
from c360.hub.capabilities import CAPABILITIES
from c360.hub.db.migrate import head_revision
from c360.schema.build import MAX_DEPTH

HUB_QUERY = "{ hub { version database schemaRevision counts { goldenCustomers sourceRecords quarantined events } capabilities { name available note } } }"


@pytest.fixture
def client(database_url: str, auth_headers: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=database_url)), headers=auth_headers) as client:
        yield client


def test_healthz_answers_without_the_database() -> None:
    settings = Settings(database_url="postgresql://postgres@127.0.0.1:1/unreachable")
    with TestClient(create_app(settings)) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_readyz_when_migrated(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"


def test_readyz_unavailable_when_unmigrated(fresh_database_url: object) -> None:
    with TestClient(create_app(Settings(database_url=fresh_database_url()))) as client:  # type: ignore[operator]
        response = client.get("/readyz")
    assert response.status_code == 503
    assert "c360 db upgrade" in response.json()["reason"]


def test_readyz_unavailable_when_unreachable() -> None:
    settings = Settings(database_url="postgresql://postgres:pw@127.0.0.1:1/unreachable")
    with TestClient(create_app(settings)) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["reason"] == "the database does not answer"
    assert "pw" not in response.text and "127.0.0.1" not in response.text


def test_hub_status_over_post_and_get(client: TestClient, backend: str) -> None:
    posted = client.post("/graphql", json={"query": HUB_QUERY})
    assert posted.status_code == 200
    hub = posted.json()["data"]["hub"]
    assert hub["database"] == backend
    assert hub["schemaRevision"] == head_revision()
    assert hub["counts"] == {"goldenCustomers": 0, "sourceRecords": 0, "quarantined": 0, "events": 0}
    assert [c["name"] for c in hub["capabilities"]] == [c.name for c in CAPABILITIES]
    got = client.get("/graphql", params={"query": HUB_QUERY})
    assert got.status_code == 200 and got.json() == posted.json()


def test_graphiql_in_the_browser(client: TestClient) -> None:
    response = client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


def _through_contacts(levels: int) -> str:
    """A customer, its enterprise contacts' persons, theirs, ... ``levels`` times: each level is three fields deeper."""
    inner = "id"
    for _ in range(levels):
        inner = f"enterpriseContacts {{ nodes {{ person {{ {inner} }} }} }}"
    return f'{{ customer(id: "G0") {{ {inner} }} }}'


def test_query_depth_limit_is_on(client: TestClient) -> None:
    """Refused by validation, before anything runs: depth beyond MAX_DEPTH, as many aliases as MAX_ALIASES allows."""
    assert MAX_DEPTH == 12
    within = client.post("/graphql", json={"query": _through_contacts(3)}).json()  # 11 levels: runs (and finds no G0)
    assert not any("depth" in error["message"] for error in within.get("errors", []))
    too_deep = client.post("/graphql", json={"query": _through_contacts(4)}).json()["errors"]  # 14 levels
    assert "exceeds maximum operation depth of 12" in too_deep[0]["message"]


def test_alias_limit_is_on(client: TestClient) -> None:
    too_many_aliases = "{ " + " ".join(f"a{n}: hub {{ version }}" for n in range(40)) + " }"
    errors = client.post("/graphql", json={"query": too_many_aliases}).json()["errors"]
    assert "aliases" in errors[0]["message"]
