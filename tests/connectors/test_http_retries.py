"""The REST plumbing: retry policy, backoff, Retry-After, loop guard and order checks, over real HTTP."""

from __future__ import annotations

import random

import pytest
import requests

from c360.connectors import BadPageError, FatalError, RestConfig, RetriableError
from c360.connectors.http import Action, HttpClient, action_for
from c360.connectors.paginators import HttpPages, TokenPaginator
from tests.connectors.conftest import FAST, rest
from tests.connectors.loopback import API_KEY, LoopbackServer, RestSilo, Scripted, free_port
from tests.connectors.sample import boss_collections

Silo = tuple[RestSilo, LoopbackServer]
PATH = "/api/v1/customers"


def client(url: str, sleeps: list[float], **over: object) -> HttpClient:
    config = RestConfig(base_url=url, **{**FAST, **over})  # type: ignore[arg-type]
    return HttpClient("boss", config, api_key=API_KEY, sleep=sleeps.append, rng=random.Random(1))


@pytest.mark.parametrize(
    ("status", "action"),
    [(200, Action.OK), (401, Action.CREDENTIALS), (403, Action.CREDENTIALS), (404, Action.FAIL),
     (400, Action.FAIL), (408, Action.RETRY), (429, Action.RETRY), (500, Action.RETRY), (503, Action.RETRY),
     (302, Action.FAIL)],
)  # fmt: skip
def test_status_table(status: int, action: Action) -> None:
    assert action_for(status) is action


def test_429_waits_what_retry_after_says(boss_silo: Silo) -> None:
    silo, server = boss_silo
    silo.script.extend([Scripted(429, {"Retry-After": "1"}), Scripted(429, {"Retry-After": "0"})])
    sleeps: list[float] = []
    body = client(server.url, sleeps).get_json(PATH, {"page_size": 1})
    assert sleeps == [1.0, 0.0]
    assert len(body["items"]) == 1 and len(silo.requests) == 3


def test_5xx_burst_is_retried_with_growing_jittered_backoff(boss_silo: Silo) -> None:
    silo, server = boss_silo
    silo.script.extend([Scripted(500), Scripted(502), Scripted(503)])
    sleeps: list[float] = []
    http = client(server.url, sleeps, backoff_base_s=1.0, backoff_max_s=100.0, max_wait_s=100.0)
    assert http.get_json(PATH)["items"]
    assert len(sleeps) == 3 and all(0 <= s <= 2**i for i, s in enumerate(sleeps))
    assert len(silo.requests) == 4


def test_gives_up_after_max_retries_with_a_retriable_error(boss_silo: Silo) -> None:
    silo, server = boss_silo
    silo.script.extend([Scripted(503)] * 10)
    sleeps: list[float] = []
    with pytest.raises(RetriableError, match=r"^boss: GET /api/v1/customers HTTP 503 after 3 attempts$"):
        client(server.url, sleeps, max_retries=2).get(PATH)
    assert len(silo.requests) == 3 and len(sleeps) == 2


def test_retry_after_beyond_the_wait_budget_gives_up_at_once(boss_silo: Silo) -> None:
    silo, server = boss_silo
    silo.script.append(Scripted(429, {"Retry-After": "3600"}))
    sleeps: list[float] = []
    with pytest.raises(RetriableError, match="max_wait_s"):
        client(server.url, sleeps).get(PATH)
    assert sleeps == [] and len(silo.requests) == 1


@pytest.mark.parametrize("status", [400, 404, 422])
def test_other_4xx_are_not_retried(boss_silo: Silo, status: int) -> None:
    silo, server = boss_silo
    silo.script.append(Scripted(status))
    sleeps: list[float] = []
    with pytest.raises(FatalError, match=f"HTTP {status}") as caught:
        client(server.url, sleeps).get(PATH, {"updated_since": "x"})
    assert not isinstance(caught.value, RetriableError)
    assert sleeps == [] and len(silo.requests) == 1


def test_connection_refused_then_up() -> None:
    port = free_port()
    silo = RestSilo(boss_collections())
    server = LoopbackServer(silo.app(), port=port)
    sleeps: list[float] = []

    def sleep_then_start(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 2:
            server.start()

    http = client(f"http://127.0.0.1:{port}", [])
    http.sleep = sleep_then_start
    try:
        assert http.get_json(PATH)["items"]
    finally:
        server.stop()
    assert len(sleeps) == 2 and len(silo.requests) == 1


def test_silo_down_ends_in_a_retriable_error_without_the_url_query() -> None:
    sleeps: list[float] = []
    with pytest.raises(RetriableError) as caught:
        client(f"http://127.0.0.1:{free_port()}", sleeps).get(PATH, {"updated_since": "2024"})
    assert str(caught.value) == "boss: GET /api/v1/customers connection failed after 4 attempts"


def test_a_body_that_is_not_json_is_a_bad_page(boss_silo: Silo) -> None:
    silo, server = boss_silo
    silo.script.append(Scripted(200, body='{"items": [{"customer_id": "C0'))
    with pytest.raises(BadPageError, match="not JSON"):
        client(server.url, []).get_json(PATH)


def test_a_page_of_the_wrong_shape_is_reported_not_swallowed(broken_rest_server: LoopbackServer, silo_key: str) -> None:
    with rest("boss", broken_rest_server, silo_key) as connector, pytest.raises(BadPageError) as caught:
        list(connector.stream("accounts").read(None))
    assert str(caught.value) == "boss/accounts page 1: 'items' is not a list of objects"


def test_repeated_page_token_is_a_pagination_loop(boss_silo: Silo) -> None:
    silo, server = boss_silo
    silo.script.extend(Scripted(200, body=f'{{"items": [], "next_page_token": "{token}"}}') for token in "aba")
    request = HttpPages(client(server.url, []), PATH, {}, 2, "boss/customers")
    with pytest.raises(BadPageError, match="page 3 repeats an earlier page token"):
        list(TokenPaginator().pages(request))
    assert len(silo.requests) == 3


def test_a_silo_that_serves_the_same_page_forever_is_stopped(boss_silo: Silo, silo_key: str) -> None:
    silo, server = boss_silo
    loop = '{"items": [], "next_page_token": "same"}'
    silo.script.extend([Scripted(200, body=loop)] * 3)
    with rest("boss", server, silo_key) as connector, pytest.raises(BadPageError, match="pagination loop"):
        list(connector.stream("customers").read(None))
    assert len(silo.requests) == 2


def test_records_out_of_cursor_order_are_a_bad_page(boss_silo: Silo, silo_key: str) -> None:
    silo, server = boss_silo
    silo.script.append(Scripted(200, body='{"items": [{"customer_id": "B", "updated_at": "2024-06-02T00:00:00+08:00"},'
                                          '{"customer_id": "A", "updated_at": "2024-06-01T00:00:00+08:00"}]}'))
    with rest("boss", server, silo_key) as connector, pytest.raises(BadPageError, match="not ordered"):
        list(connector.stream("customers").read(None))


def test_a_record_without_cursor_value_is_a_bad_page(boss_silo: Silo, silo_key: str) -> None:
    silo, server = boss_silo
    silo.script.append(Scripted(200, body='{"items": [{"customer_id": "A"}], "next_page_token": null}'))
    with rest("boss", server, silo_key) as connector, pytest.raises(BadPageError, match="no updated_at"):
        list(connector.stream("customers").read(None))


def test_injected_session_is_the_one_used(boss_silo: Silo, silo_key: str) -> None:
    _, server = boss_silo
    session = requests.Session()
    from c360.connectors import registry

    with registry.build("boss", {"base_url": server.url, "api_key_env": silo_key}, session=session) as connector:
        connector.check()
        assert connector.client.session is session  # type: ignore[attr-defined]
    session.close()
