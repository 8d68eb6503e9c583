"""The hub's own pages and their assets: served from the package, nothing loaded from elsewhere, licences shipped."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from c360.app.console import STATIC_DIR
from c360.app.factory import create_app
from c360.config import Settings

VENDOR = STATIC_DIR / "vendor"
OWN_FILES = [p for p in STATIC_DIR.rglob("*") if p.is_file() and "vendor" not in p.parts]
# src/href/import/url() pointing anywhere but this origin
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//|from\s+["'](?:https?:)?//|import\(["'](?:https?:)?//|url\((?:["'])?(?:https?:)?//""")


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=database_url))) as client:
        yield client


def test_own_pages_and_scripts_load_nothing_from_elsewhere() -> None:
    assert OWN_FILES, "the console's files are in the package"
    for path in OWN_FILES:
        assert not EXTERNAL.search(path.read_text(encoding="utf-8")), f"{path} loads something from another host"


def test_vendored_files_are_the_pinned_ones_with_their_licences() -> None:
    manifest = json.loads((VENDOR / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest) == {"react", "react-dom", "graphiql", "@graphiql/plugin-explorer", "graphql-ws"}
    listed: set[Path] = set()
    for name, package in manifest.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", package["version"]), name
        assert package["license"] == "MIT" and package["npm_integrity"].startswith("sha512-")
        assert any("LICENSE" in file for file in package["files"]), f"{name} ships without its licence"
        for file, digest in package["files"].items():
            path = VENDOR / file
            assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, f"{file} differs from what was vendored"
            listed.add(path)
    on_disk = {p for p in VENDOR.rglob("*") if p.is_file() and p.name != "manifest.json"}
    assert on_disk == listed, "every vendored file is in the manifest (scripts/vendor_web_assets.py writes it)"


def test_graphiql_page_uses_the_vendored_assets(client: TestClient) -> None:
    page = client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "unpkg" not in page.text and "cdn" not in page.text.lower()
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for asset in re.findall(r'(?:src|href)="(static/[^"]+)"', page.text):
        answer = client.get(f"/{asset}")
        assert answer.status_code == 200, asset
    assert client.get("/static/vendor/graphql-ws/client.mjs").headers["content-type"].startswith("text/javascript")


def test_console_is_served_without_a_credential(client: TestClient) -> None:
    page = client.get("/console")
    assert page.status_code == 200 and 'lang="zh-CN"' in page.text
    assert "connect-src 'self' ws: wss:" in page.headers["content-security-policy"]
    assert client.get("/console/", follow_redirects=False).headers["location"] == "/console"
    for asset in re.findall(r'(?:src|href)="(static/[^"]+)"', page.text):
        assert client.get(f"/{asset}").status_code == 200, asset
    assert client.post("/graphql", json={"query": "{ hub { version } }"}).status_code == 401, "the data is not"


def test_no_path_outside_the_static_folder(client: TestClient) -> None:
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/static/%2e%2e/pages.py").status_code == 404


def test_production_turns_graphiql_off_but_keeps_the_console(database_url: str) -> None:
    settings = Settings(database_url=database_url)
    production = dataclasses.replace(settings, auth=dataclasses.replace(settings.auth, mode="production"))
    with TestClient(create_app(production)) as client:
        assert "c360 GraphiQL" not in client.get("/graphql", headers={"Accept": "text/html"}).text
        assert client.get("/console").status_code == 200


def test_the_update_script_names_every_vendored_package() -> None:
    script = (Path(__file__).resolve().parents[2] / "scripts" / "vendor_web_assets.py").read_text(encoding="utf-8")
    manifest = json.loads((VENDOR / "manifest.json").read_text(encoding="utf-8"))
    for name, package in manifest.items():
        assert f'"{name}": (\n        "{package["version"]}"' in script or f'"{name}": ("{package["version"]}"' in script, name
