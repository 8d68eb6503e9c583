"""RS256 self-service tokens: accepted with the configured public key, refused when signed by any other key."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.testclient import TestClient

from c360.app.factory import create_app
from c360.config import AuthSettings, Settings, load_settings
from c360.hub.auth import Caller, verify_token

VIEW = "query($id: ID!) { customer(id: $id) { id } }"


def _pair() -> tuple[Any, str]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


@pytest.fixture(scope="module")
def keys() -> dict[str, Any]:
    private, public = _pair()
    other, _ = _pair()
    return {"private": private, "public": public, "other": other}


def _token(key: Any, sub: str = "GME", algorithm: str = "RS256", **claims: Any) -> str:
    now = datetime.now(UTC)
    body = {"sub": sub, "iss": "c360", "aud": "c360-self-service", "exp": now + timedelta(minutes=5), "scope": "customer:read steward", **claims}
    return jwt.encode(body, key, algorithm=algorithm)


def test_rs256_token_accepted_with_the_public_key(keys: dict[str, Any]) -> None:
    caller = verify_token(AuthSettings(jwt_public_key=keys["public"]), _token(keys["private"]))
    assert isinstance(caller, Caller) and caller.customer_id == "GME" and caller.kind == "self-service"
    assert caller.scopes == frozenset({"customer:read"})  # "steward" is never honoured from a token


def test_token_signed_with_another_key_or_algorithm_refused(keys: dict[str, Any]) -> None:
    settings = AuthSettings(jwt_public_key=keys["public"])
    assert verify_token(settings, _token(keys["other"])) == "token signature is invalid"
    # The public key used as an HMAC secret (algorithm confusion) is refused: HS256 is not configured.
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps({"sub": "GME", "iss": "c360", "aud": "c360-self-service", "exp": 4102444800}).encode())
    sig = b64(hmac.new(keys["public"].encode(), f"{head}.{body}".encode(), hashlib.sha256).digest())
    assert verify_token(settings, f"{head}.{body}.{sig}") == "token algorithm 'HS256' is not accepted"
    assert verify_token(settings, _token(keys["private"], algorithm="RS256", aud="someone-else")) == "token audience is not accepted"
    assert verify_token(settings, _token(keys["private"], exp=datetime.now(UTC) - timedelta(minutes=1))) == "token expired"


def test_rs256_over_http_with_the_key_file(keys: dict[str, Any], database_url: str, tmp_path: Path, people: dict[str, str]) -> None:
    pem = tmp_path / "jwt.pub"
    pem.write_text(keys["public"], encoding="utf-8")
    loaded = load_settings(env={"C360_DATABASE_URL": database_url, "C360_JWT_PUBLIC_KEY_FILE": str(pem)}, cwd=tmp_path)
    assert loaded.auth.jwt_public_key == keys["public"] and loaded.auth.jwt_secret is None
    settings = dataclasses.replace(Settings(database_url=database_url), auth=loaded.auth)
    with TestClient(create_app(settings)) as client:
        def post(token: str, customer: str) -> Any:
            return client.post("/graphql", json={"query": VIEW, "variables": {"id": customer}}, headers={"Authorization": f"Bearer {token}"})

        good = post(_token(keys["private"], sub=people["me"]), people["me"])
        assert good.status_code == 200 and good.json()["data"]["customer"]["id"] == people["me"]
        other = post(_token(keys["private"], sub=people["me"]), people["other"]).json()
        assert other["data"] is None and other["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        forged = post(_token(keys["other"], sub=people["me"]), people["me"])
        assert forged.status_code == 401 and "signature" in forged.json()["errors"][0]["message"]
