"""From a credential to a :class:`Caller`: an API key or a signed token, nothing else.

Credentials come in the ``Authorization: Bearer ...`` header (key or token)
or ``X-API-Key``; over WebSocket in the ``connection_init`` payload as
``{"authorization": "Bearer ..."}`` or ``{"apiKey": "..."}``. A refusal is
:class:`Unauthenticated` with a short reason and nothing else. A key that cannot be checked
because the database does not answer is :class:`CredentialsUnavailable`: the caller is not
refused, it is asked to come back (503).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from c360.config import AuthSettings
from c360.errors import AuthError
from c360.hub.auth.key_cache import KeyCache
from c360.hub.auth.keys import PREFIX, verify_key
from c360.hub.auth.scopes import Caller
from c360.hub.auth.tokens import looks_like_jwt, verify_token

__all__ = ["Authenticator", "CredentialsUnavailable", "Unauthenticated", "credential_from_headers", "credential_from_params"]

MISSING = "authentication required: send an API key or token as 'Authorization: Bearer <credential>'"


class Unauthenticated(AuthError):
    """Raised when a request brings no usable credential (HTTP 401, WebSocket 4403); the message says why (never echoes the credential)."""


class CredentialsUnavailable(AuthError):
    """Raised when a credential cannot be checked because the database did not answer (HTTP 503). Says nothing of the credential."""


def credential_from_headers(headers: Mapping[str, str]) -> str | None:
    authorization = headers.get("authorization")
    if authorization:
        scheme, _, value = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise Unauthenticated("malformed Authorization header: expected 'Bearer <credential>'")
        return value.strip()
    key = headers.get("x-api-key")
    return key.strip() if key and key.strip() else None


def credential_from_params(params: Mapping[str, Any] | None) -> str | None:
    if not isinstance(params, Mapping):
        return None
    lowered = {str(k).lower(): v for k, v in params.items()}
    value = lowered.get("authorization")
    if isinstance(value, str) and value.strip():
        return credential_from_headers({"authorization": value})
    for name in ("apikey", "api_key", "x-api-key"):
        value = lowered.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


class Authenticator:
    def __init__(self, settings: AuthSettings, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.settings = settings
        self.sessions = sessions
        self.keys = KeyCache(settings.key_cache_seconds)

    async def caller(self, credential: str | None) -> Caller:
        if credential is None:
            raise Unauthenticated(MISSING)
        if credential.startswith(PREFIX):
            try:
                found = await verify_key(self.sessions.kw["bind"], credential, self.keys)
            except (SQLAlchemyError, OSError) as exc:  # the driver's message may name the host: not passed on
                raise CredentialsUnavailable(type(exc).__name__) from exc
        elif looks_like_jwt(credential):
            found = verify_token(self.settings, credential)
        else:
            found = "malformed credential: neither an API key nor a token"
        if isinstance(found, str):
            raise Unauthenticated(found)
        return found
