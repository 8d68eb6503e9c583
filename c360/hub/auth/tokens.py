"""Signed tokens for web self-service end users (JWT, HS256 or RS256).

A token names one golden customer in ``sub`` and its scopes in ``scope``
(space-separated); only :data:`SELF_SERVICE_SCOPES` are honoured, whatever
the token says. Issuer, audience and expiry are always checked.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt

from c360.config import AuthSettings
from c360.hub.auth.scopes import CUSTOMER_READ, EVENTS_READ, EVENTS_SUBSCRIBE, SELF_SERVICE_SCOPES, Caller

__all__ = ["verify_token", "issue_token", "looks_like_jwt", "DEFAULT_SELF_SERVICE_SCOPES"]

DEFAULT_SELF_SERVICE_SCOPES = (CUSTOMER_READ, EVENTS_READ, EVENTS_SUBSCRIBE)


def looks_like_jwt(credential: str) -> bool:
    return credential.count(".") == 2 and credential.startswith("eyJ")


def verify_token(settings: AuthSettings, token: str) -> Caller | str:
    """The self-service caller of a token, or the reason it is refused (a message for a 401)."""
    keys: list[tuple[str, str]] = []
    if settings.jwt_secret is not None:
        keys.append(("HS256", settings.jwt_secret.reveal()))
    if settings.jwt_public_key:
        keys.append(("RS256", settings.jwt_public_key))
    if not keys:
        return "tokens are not accepted: no JWT key is configured"
    try:
        algorithm = jwt.get_unverified_header(token).get("alg")
    except jwt.InvalidTokenError:
        return "malformed token"
    key = next((k for alg, k in keys if alg == algorithm), None)
    if key is None:
        return f"token algorithm {algorithm!r} is not accepted"
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[str(algorithm)],  # one of the keys' algorithms, matched above
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "sub", "iss", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        return "token expired"
    except jwt.InvalidAudienceError:
        return "token audience is not accepted"
    except jwt.InvalidIssuerError:
        return "token issuer is not accepted"
    except jwt.InvalidSignatureError:
        return "token signature is invalid"
    except jwt.InvalidTokenError:
        return "malformed token"
    subject = str(claims["sub"])
    granted = frozenset(str(claims.get("scope", " ".join(DEFAULT_SELF_SERVICE_SCOPES))).split()) & SELF_SERVICE_SCOPES
    expires_at = datetime.fromtimestamp(int(claims["exp"]), UTC)
    return Caller(name=f"self:{subject}", kind="self-service", scopes=granted, customer_id=subject, expires_at=expires_at)


def issue_token(
    settings: AuthSettings, customer_id: str, scopes: tuple[str, ...] = DEFAULT_SELF_SERVICE_SCOPES, ttl: timedelta = timedelta(hours=1)
) -> str:
    """An HS256 token for ``customer_id`` (the demo and tests; real tokens come from the web login)."""
    if settings.jwt_secret is None:
        raise ValueError("no JWT secret configured")
    now = datetime.now(UTC)
    claims = {
        "sub": customer_id,
        "scope": " ".join(scopes),
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + ttl,
    }
    return jwt.encode(claims, settings.jwt_secret.reveal(), algorithm="HS256")
