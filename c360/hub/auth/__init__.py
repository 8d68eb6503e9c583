"""Access control: who is calling (API keys, self-service tokens) and what they may do."""

from c360.hub.auth.authenticate import (
    Authenticator,
    CredentialsUnavailable,
    Unauthenticated,
    credential_from_headers,
    credential_from_params,
)
from c360.hub.auth.keys import IssuedKey, create_key, list_keys, revoke_key, rotate_key, verify_key
from c360.hub.auth.ratelimit import RateLimiter
from c360.hub.auth.scopes import ALL_SCOPES, ANONYMOUS, CHANNEL_SCOPES, SELF_SERVICE_SCOPES, Caller
from c360.hub.auth.tokens import issue_token, verify_token

__all__ = [
    "ALL_SCOPES",
    "ANONYMOUS",
    "CHANNEL_SCOPES",
    "SELF_SERVICE_SCOPES",
    "Authenticator",
    "Caller",
    "CredentialsUnavailable",
    "IssuedKey",
    "RateLimiter",
    "Unauthenticated",
    "create_key",
    "credential_from_headers",
    "credential_from_params",
    "issue_token",
    "list_keys",
    "revoke_key",
    "rotate_key",
    "verify_key",
    "verify_token",
]
