"""GraphiQL renders from the hub alone: every request to anything but loopback is blocked and none is tried."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from tests.console.conftest import Hub

LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


def test_graphiql_renders_with_only_loopback_reachable(page: Any, hub: Hub) -> None:
    elsewhere: list[str] = []

    def only_loopback(route: Any) -> None:
        if urlsplit(route.request.url).hostname in LOOPBACK or route.request.url.startswith("data:"):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort("blockedbyclient")

    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route("**/*", only_loopback)
    page.goto(hub.serve_url("/graphql"))
    page.wait_for_selector(".graphiql-container .graphiql-query-editor .CodeMirror")
    page.wait_for_selector(".graphiql-editor-tool")
    assert '"X-API-Key"' in page.inner_text(".graphiql-editor-tool"), "the headers editor names the key header"
    assert page.locator(".graphiql-plugin, .graphiql-sidebar").count() >= 1
    assert elsewhere == [], f"requests beyond this machine: {elsewhere}"
    assert errors == [], errors


def test_a_query_runs_with_the_key_in_the_headers_editor(page: Any, hub: Hub) -> None:
    page.goto(hub.serve_url("/graphql"))
    page.wait_for_selector(".graphiql-editor-tool .CodeMirror >> visible=true")
    page.evaluate(
        """key => [...document.querySelectorAll('.graphiql-editor-tool .CodeMirror')]
            .map(element => element.CodeMirror).find(editor => editor.getValue().includes('X-API-Key'))
            .setValue(JSON.stringify({'X-API-Key': key}))""",
        hub.key,
    )
    page.click(".graphiql-execute-button")
    page.locator(".result-window", has_text="goldenCustomers").wait_for()
    assert "UNAUTHENTICATED" not in page.inner_text(".result-window")
