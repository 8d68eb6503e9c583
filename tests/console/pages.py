"""Steps a clerk takes in the console, shared by the browser tests."""

from __future__ import annotations

from typing import Any

from tests.console.conftest import Hub


def sign_in(page: Any, url: str, key: str, agent: str = "A1001") -> None:
    page.goto(url)
    page.fill("#key", key)
    page.fill("#agent", agent)
    page.click("#signin-form button[type=submit]")
    page.wait_for_selector("#workspace:not([hidden])")


def search(page: Any, text: str) -> None:
    page.fill("#search-text", text)
    page.click("#search-form button[type=submit]")


def open_customer(page: Any, text: str, customer_id: str) -> None:
    """Search ``text``; open ``customer_id``'s card, from the list of hits when there are several."""
    search(page, text)
    page.wait_for_function(
        """id => document.querySelector(`#card[data-customer='${id}'], .hit[data-customer='${id}']`)
            || document.getElementById('search-error').textContent""",
        arg=customer_id,
    )
    error = page.inner_text("#search-error")
    assert not error, f"searching {text!r} for {customer_id}: {error}; hits: {page.inner_text('#hits')}"
    if page.query_selector(f"#card[data-customer='{customer_id}']:not([hidden])") is None:
        page.click(f".hit[data-customer='{customer_id}']")
    page.wait_for_selector(f"#card[data-customer='{customer_id}']:not([hidden])")


def wait_live(page: Any) -> None:
    """The card's subscription is connected (the header's live badge shows)."""
    page.wait_for_selector("#live:not([hidden])")


def open_sample(page: Any, hub: Hub, url: str, key: str | None = None) -> None:
    sign_in(page, url, key or hub.key)
    open_customer(page, hub.last_four, hub.sample_id)
    wait_live(page)
