"""The console in a real browser against a real hub: find, see the card, watch it update, record, mask."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import time
from typing import Any

import pytest

from tests.console.conftest import Hub
from tests.console.pages import open_customer, open_sample, sign_in, wait_live
from tests.demo_process import post_graphql

RECORD = """mutation($i: RecordContactInput!) { recordContact(input: $i) { event { seq } } }"""


def _no_reload_marker(page: Any) -> None:
    page.evaluate("window.__stillTheSamePage = true")


def _not_reloaded(page: Any) -> bool:
    return bool(page.evaluate("window.__stillTheSamePage === true"))


def test_newcomer_sees_the_printed_complaint_arrive_on_the_open_card(page: Any, hub: Hub) -> None:
    """The README's path: printed console URL and key, the sample found by phone, the printed curl line."""
    open_sample(page, hub, hub.console_url)
    _no_reload_marker(page)
    started = time.monotonic()
    answer = json.loads(subprocess.run(shlex.split(hub.curl), capture_output=True, text=True, check=True, timeout=30).stdout)
    assert "errors" not in answer, answer
    complaint = page.locator("#card .sr.open-complaint", has_text="投诉流量扣费异常（热线）")
    complaint.first.wait_for(timeout=2_000)
    assert time.monotonic() - started < 2.5
    assert _not_reloaded(page), "the card updated without a reload"
    first_request = page.locator("#card .requests > li").first
    assert "open-complaint" in (first_request.get_attribute("class") or ""), "open complaints come first"
    assert page.locator("#card .timeline li[data-channel='call_center']", has_text="投诉流量扣费异常").count() >= 1


def test_a_hotline_complaint_reaches_the_clerk_within_two_seconds(page: Any, hub: Hub) -> None:
    open_sample(page, hub, hub.serve_url("/console"))
    _no_reload_marker(page)
    summary = f"客户投诉网速慢 {time.time_ns()}"
    started = time.monotonic()
    answer = post_graphql(hub.serve_port, hub.call_center_key, RECORD, {"i": {
        "customer": {"id": hub.sample_id}, "channel": "CALL_CENTER", "type": "COMPLAINT",
        "occurredAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "summary": summary}})  # fmt: skip
    assert "errors" not in answer, answer
    page.locator("#card .sr.open-complaint", has_text=summary).wait_for(timeout=2_000)
    assert time.monotonic() - started < 2.5
    assert _not_reloaded(page)
    assert page.locator("#card .timeline li.fresh", has_text=summary).count() == 1, "the new contact is marked"


@pytest.mark.parametrize("shape", ["{0}{1}{2}", "{0} {1} {2}", "+86 {0}-{1}-{2}"])
def test_search_by_phone_in_any_format(page: Any, hub: Hub, shape: str) -> None:
    phone = hub.phone
    typed = shape.format(phone[:3], phone[3:7], phone[7:])
    sign_in(page, hub.serve_url("/console"), hub.key)
    open_customer(page, typed, hub.sample_id)
    assert hub.sample_id in page.inner_text("#card header")


def _dom_digits(page: Any) -> str:
    return re.sub(r"\D", "", page.content())


def test_a_key_without_pii_read_never_puts_full_numbers_in_the_dom(page: Any, hub: Hub) -> None:
    open_sample(page, hub, hub.serve_url("/console"))
    html = page.content()
    assert hub.phone not in html and hub.phone not in _dom_digits(page)
    assert f"{hub.phone[:3]}****{hub.phone[7:]}" in html, "the phone is shown masked"
    if hub.id_number:
        assert hub.id_number not in html
    for stored in page.evaluate("Object.values(sessionStorage)"):
        assert hub.phone not in stored


def test_a_key_with_pii_read_does_show_them(page: Any, hub: Hub) -> None:
    """The control for the test above: the same page shows the full number to a key that may see it."""
    open_sample(page, hub, hub.serve_url("/console"), key=hub.pii_key)
    page.locator("#card .identifier", has_text=hub.phone).first.wait_for()


def test_a_retried_submission_reuses_its_idempotency_key(page: Any, hub: Hub) -> None:
    """The answer to the first try is lost on the way back; the retry carries the same key and is replayed."""
    open_sample(page, hub, hub.serve_url("/console"))
    sent: list[dict[str, Any]] = []
    replies: list[dict[str, Any]] = []

    def lose_first_answer(route: Any) -> None:
        body = route.request.post_data_json
        if "recordContact" not in body.get("query", ""):
            route.continue_()
            return
        sent.append(body["variables"]["input"])
        reply = route.fetch()  # the hub records it ...
        replies.append(reply.json())
        if len(sent) == 1:
            route.abort("connectionreset")  # ... and the clerk never hears back
        else:
            route.fulfill(response=reply)

    page.route("**/graphql", lose_first_answer)
    summary = f"营业厅咨询套餐 {time.time_ns()}"
    page.select_option("#card .record select[name=type]", "INQUIRY")
    page.fill("#card .record textarea[name=summary]", summary)
    page.click("#card .record button[type=submit]")
    page.locator("#card .record [role=status]", has_text="重试").wait_for()
    page.locator("#card .timeline li", has_text=summary).first.wait_for()  # the hub did record it: the card shows it live
    assert page.input_value("#card .record textarea[name=summary]") == summary, "a live update keeps what was typed"
    page.click("#card .record button[type=submit]")
    page.locator("#card .record [role=status]", has_text="已记录").wait_for()
    assert len(sent) == 2 and sent[0]["idempotencyKey"] == sent[1]["idempotencyKey"]
    assert sent[0] == sent[1], "the retry is the same submission"
    assert replies[1]["data"]["recordContact"]["replayed"] is True
    page.locator("#card .timeline li", has_text=summary).first.wait_for()
    assert page.locator("#card .timeline li", has_text=summary).count() == 1, "recorded once"


def test_moving_a_request_on_updates_its_status(page: Any, hub: Hub) -> None:
    open_sample(page, hub, hub.serve_url("/console"))
    summary = f"投诉账单金额 {time.time_ns()}"
    post_graphql(hub.serve_port, hub.call_center_key, RECORD, {"i": {
        "customer": {"id": hub.sample_id}, "channel": "CALL_CENTER", "type": "COMPLAINT",
        "occurredAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "summary": summary}})  # fmt: skip
    request = page.locator("#card .sr", has_text=summary)
    request.wait_for(timeout=2_000)
    request.locator("select[name=status]").select_option("RESOLVED")
    request.locator("input[name=note]").fill("已退费")
    request.locator("button[type=submit]").click()
    resolved = page.locator("#card .sr[data-status='resolved']", has_text=summary)
    resolved.wait_for(timeout=3_000)
    assert "open-complaint" not in (resolved.get_attribute("class") or "")
    assert "已退费" in resolved.inner_text()


@pytest.mark.parametrize("size", [(1366, 768), (1024, 768), (768, 1024)])
def test_the_card_fits_the_screen(browser: Any, hub: Hub, size: tuple[int, int]) -> None:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="zh-CN")
    try:
        page = context.new_page()
        open_sample(page, hub, hub.serve_url("/console"))
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{overflow}px wider than a {size[0]}x{size[1]} screen"
    finally:
        context.close()


def test_english_labels_on_request(page: Any, hub: Hub) -> None:
    sign_in(page, hub.serve_url("/console"), hub.key)
    assert page.inner_text("#search-form button") == "查询"
    page.click("#lang")
    assert page.inner_text("#search-form button") == "Search"
    open_customer(page, hub.last_four, hub.sample_id)
    wait_live(page)
    assert "Service requests" in page.inner_text("#card")


def test_the_key_stays_in_the_tab(page: Any, hub: Hub) -> None:
    sign_in(page, hub.serve_url("/console"), hub.key)
    assert page.evaluate("sessionStorage.getItem('c360.key')") == hub.key
    assert page.evaluate("Object.keys(localStorage).length") == 0
    assert page.context.cookies() == []
    page.click("#signout")
    assert page.evaluate("sessionStorage.getItem('c360.key')") is None
