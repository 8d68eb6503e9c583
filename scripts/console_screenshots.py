#!/usr/bin/env python3
"""Screenshots of the console for the docs: Chinese labels, 1366x768 and a tablet, from a running demo.

    python3 scripts/console_screenshots.py --url http://127.0.0.1:8360 --key c360k_... --find 9805 --record

``--find`` is what the clerk types (the demo prints the sample customer's last four phone digits);
``--record`` first records a hotline complaint through the API, as the demo's curl line does, so the
card shows an open complaint. Uses Debian's Chromium (``apt-get install chromium fonts-noto-cjk``).
"""

from __future__ import annotations

import argparse
import json
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
SIZES = {"console-1366x768.png": (1366, 768), "console-tablet-1024x768.png": (1024, 768)}


def _record_complaint(url: str, key: str, customer_id: str) -> None:
    body = {"query": "mutation($i: RecordContactInput!) { recordContact(input: $i) { event { seq } } }",
            "variables": {"i": {"customer": {"id": customer_id}, "channel": "CALL_CENTER", "type": "COMPLAINT",
                                "occurredAt": datetime.now(UTC).isoformat(), "agent": "hotline-07",
                                "summary": "投诉流量扣费异常，要求核查并退费"}}}  # fmt: skip
    request = urllib.request.Request(f"{url}/graphql", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", "X-API-Key": key})  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert "errors" not in json.load(answer)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--find", required=True)
    parser.add_argument("--record", action="store_true")
    parser.add_argument("--out", type=Path, default=Path("docs/img"))
    options = parser.parse_args()
    options.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        recorded = False
        for name, (width, height) in SIZES.items():
            page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
            page.goto(f"{options.url}/console")
            page.fill("#key", options.key)
            page.fill("#agent", "BH-0321")
            page.click("#signin-form button[type=submit]")
            page.fill("#search-text", options.find)
            page.click("#search-form button[type=submit]")
            page.wait_for_selector("#card:not([hidden]), .hit")
            if page.query_selector(".hit"):
                page.click(".hit")
            page.wait_for_selector("#card:not([hidden])")
            page.wait_for_selector("#live:not([hidden])")
            if options.record and not recorded:
                _record_complaint(options.url, options.key, page.get_attribute("#card", "data-customer") or "")
                page.wait_for_selector("#card .sr.open-complaint")
                recorded = True
            page.wait_for_timeout(500)
            page.screenshot(path=str(options.out / name))
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
