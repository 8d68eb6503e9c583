"""A real hub and a real browser for the console's tests, each started once per session.

The hub is ``c360 demo`` as a newcomer starts it (its printed console URL, keys and curl line are
what the tests use), plus ``c360 serve`` started from a second shell in the same folder, which finds
the database through the ``c360.toml`` the demo wrote. The browser is Debian's Chromium driven by
Playwright; it is never downloaded by a tool. Without it the tests skip and say why.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.demo_process import free_port, post_graphql, running_demo, stop_process

CHROMIUM = os.environ.get("C360_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
PII_SCOPES = ("customer:read", "customer:lookup", "customer:search", "pii:read", "events:read", "events:subscribe")


@dataclass
class Hub:
    """The running demo and a second server on the same database, with what the demo printed."""

    folder: Path
    demo_port: int
    serve_port: int
    console_url: str  # as the demo printed it
    key: str  # the business-hall key the demo says to sign in with (no pii:read)
    call_center_key: str
    pii_key: str  # made with `c360 keys create` from a second shell
    sample_id: str
    last_four: str
    curl: str  # the demo's line recording a hotline complaint for the sample customer
    phone: str  # the sample's phone, 11 digits, read through the pii key
    id_number: str | None

    def serve_url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.serve_port}{path}"


def _second_shell(folder: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    """A `c360` command in the demo's folder with none of the demo's environment: only its c360.toml."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("C360_")}
    return subprocess.run([sys.executable, "-m", "c360", *args], cwd=folder, env=environment,
                          capture_output=True, text=True, timeout=120, check=True)  # fmt: skip


def _wait_until_serving(port: int, process: subprocess.Popen[Any]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "c360 serve exited"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("c360 serve did not answer /healthz within 60 s")


def _printed(pattern: str, output: str) -> str:
    found = re.search(pattern, output)
    assert found, f"the demo did not print {pattern!r}"
    return found.group(1)


@pytest.fixture(scope="package")
def hub(tmp_path_factory: pytest.TempPathFactory, fresh_database_url: Any) -> Iterator[Hub]:
    folder = tmp_path_factory.mktemp("newcomer")
    database_url = fresh_database_url()
    with running_demo(folder, database_url) as demo:
        output = demo.output()
        assert (folder / "c360.toml").exists(), "the demo writes the c360.toml it runs with"
        created = _second_shell(folder, ["keys", "create", "clerk-with-pii", *[a for s in PII_SCOPES for a in ("--scope", s)]])
        pii_key = _printed(r"(c360k_\S+)", created.stdout)
        serve_port = free_port()
        log = (folder / "serve.log").open("w")
        environment = {k: v for k, v in os.environ.items() if not k.startswith("C360_")}
        serve = subprocess.Popen([sys.executable, "-m", "c360", "serve", "--port", str(serve_port)],
                                 cwd=folder, env=environment, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
        try:
            _wait_until_serving(serve_port, serve)
            sample_id = _printed(r"find the sample customer (G\w+)", output)
            answer = post_graphql(serve_port, pii_key, """query($id: ID!) { customer(id: $id) {
                phones: identifiers(type: ["phone"]) { nodes { value } } rics: identifiers(type: ["ric"]) { nodes { value } } } }""",
                {"id": sample_id})  # fmt: skip
            customer = answer["data"]["customer"]
            mobiles = [re.sub(r"\D", "", node["value"])[-11:] for node in customer["phones"]["nodes"]]
            phone = next(number for number in mobiles if re.fullmatch(r"1\d{10}", number))
            rics = customer["rics"]["nodes"]
            yield Hub(
                folder=folder,
                demo_port=demo.port,
                serve_port=serve_port,
                console_url=_printed(r"console\s+(http://\S+/console)", output),
                key=_printed(r"sign in with the business-hall key: (c360k_\S+)", output),
                call_center_key=demo.key,
                pii_key=pii_key,
                sample_id=sample_id,
                last_four=_printed(r"last four digits of their phone, (\d{4})", output),
                curl=next(line.strip() for line in output.splitlines() if "recordContact" in line and "curl" in line),
                phone=phone,
                id_number=rics[0]["value"] if rics else None,
            )
        finally:
            stop_process(serve)
            log.close()


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One headless Chromium for this package's tests.

    Package scope, not session: Playwright's sync API keeps an event loop running on the main
    thread while it is open, and later tests that call ``asyncio.run`` would find it.
    """
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.skip(f"no Chromium at {CHROMIUM}: `apt-get install -y chromium` (.ci/run does) to run the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (its own sessionStorage) at 1366x768, Chinese first."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    context.set_default_timeout(10_000)
    opened = context.new_page()
    yield opened
    context.close()
