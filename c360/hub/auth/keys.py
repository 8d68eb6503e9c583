"""Channel API keys: created, rotated and revoked by the operator, shown once, kept as salted hashes.

A key reads ``c360k_<key id>_<secret>``. The key id is public and finds the
row; the secret (256 random bits) is stored only as SHA-256 of a per-key salt
and the secret, compared in constant time. A high-entropy secret needs no
slow hash: nobody can guess it, so the salt only stops table look-ups.
A key may be bound to the channels it records contacts for (``c360.hub.auth.channels``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import Engine, bindparam, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session

from c360.errors import AuthError
from c360.hub.auth.channels import UnknownChannel, channel_names, channel_of_name
from c360.hub.auth.key_cache import KeyCache, announce_revocation
from c360.hub.auth.scopes import ALL_SCOPES, Caller
from c360.hub.models import ApiKey, AuditEntry, utcnow

__all__ = ["IssuedKey", "ApiKeyError", "UnknownScope", "create_key", "rotate_key", "revoke_key", "list_keys", "verify_key", "PREFIX"]

PREFIX = "c360k_"
MAX_NAME = 100  # "key:" + name + ":" + 12-character key id fits event_log.recorded_by (128)

# A key's row, read once per key id and kept by the authenticator's KeyCache for a few seconds.
_BY_KEY_ID = select(
    ApiKey.key_id, ApiKey.name, ApiKey.salt, ApiKey.key_hash, ApiKey.scopes, ApiKey.channels, ApiKey.revoked_at
).where(ApiKey.key_id == bindparam("key_id"))


class ApiKeyError(AuthError):
    """Raised when a key operation the operator asked for cannot be done (unknown or revoked key id, bad name)."""


class UnknownScope(ApiKeyError):
    """Raised when a new key names a scope the hub does not know; the message lists the known ones."""

    def __init__(self, unknown: set[str]) -> None:
        super().__init__(f"unknown scope(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(ALL_SCOPES))}")


@dataclass(frozen=True)
class IssuedKey:
    key_id: str
    name: str
    scopes: tuple[str, ...]
    key: str  # shown once, never stored
    channels: tuple[str, ...] | None = None  # the channels it may record contacts for; None: every channel


def _hash(salt: str, secret: str) -> str:
    return hashlib.sha256(f"{salt}:{secret}".encode()).hexdigest()


def _parse(key: str) -> tuple[str, str] | None:
    if not key.startswith(PREFIX):
        return None
    key_id, sep, secret = key[len(PREFIX) :].partition("_")
    # Issued ids are 12 hex digits: anything else cannot name a key, and is not looked up (a U+0000 in
    # it made PostgreSQL refuse the read, and the caller got "cannot check credentials" instead of 401).
    if not sep or len(key_id) != 12 or not key_id.isascii() or not key_id.isalnum() or len(secret) < 20:
        return None
    return key_id, secret


def _issue(session: Session, name: str, scopes: tuple[str, ...], channels: tuple[str, ...] | None) -> IssuedKey:
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_hex(16)
    session.add(
        ApiKey(
            key_id=key_id, name=name, salt=salt, key_hash=_hash(salt, secret), scopes=list(scopes),
            channels=list(channels) if channels is not None else None,
        )
    )
    return IssuedKey(key_id=key_id, name=name, scopes=scopes, key=f"{PREFIX}{key_id}_{secret}", channels=channels)


def _audit(session: Session, actor: str, operation: str, issued: IssuedKey | ApiKey, extra: list[str] | None = None) -> None:
    channels = list(issued.channels) if issued.channels is not None else None
    detail = {"key_id": issued.key_id, "name": issued.name, "scopes": list(issued.scopes) + (extra or []), "channels": channels}
    session.add(AuditEntry(actor=actor, action="admin", operation=operation, customer_id=None, fields=[], detail=detail))


def _key_channels(name: str, channels: Iterable[str] | None) -> tuple[str, ...] | None:
    """The channels given, else the one the key's name names, else None (every channel)."""
    if channels is not None:
        try:
            named = channel_names(channels)
        except UnknownChannel as exc:
            raise ApiKeyError(str(exc)) from None
        if not named:
            raise ApiKeyError("--channel needs at least one channel")
        return named
    own = channel_of_name(name)
    return (own,) if own is not None else None


def create_key(
    engine: Engine,
    name: str,
    scopes: set[str] | frozenset[str],
    actor: str = "cli",
    *,
    channels: Iterable[str] | None = None,
) -> IssuedKey:
    """A new key; ``channels``: those it may record contacts for (default: the channel ``name`` names, else any)."""
    unknown = set(scopes) - ALL_SCOPES
    if unknown:
        raise UnknownScope(unknown)
    if not name.strip():
        raise ApiKeyError("a key needs a name (the channel it is for)")
    if len(name.strip()) > MAX_NAME:
        # The caller's identity key:<name>:<key id> is stored with every event it records (128 characters).
        raise ApiKeyError(f"a key name has at most {MAX_NAME} characters")
    bound = _key_channels(name.strip(), channels)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        issued = _issue(session, name.strip(), tuple(sorted(scopes)), bound)
        _audit(session, actor, "keys.create", issued)
    return issued


def _active(session: Session, key_id: str) -> ApiKey:
    row = session.scalar(select(ApiKey).where(ApiKey.key_id == key_id))
    if row is None:
        raise ApiKeyError(f"no API key with id {key_id}")
    if row.revoked_at is not None:
        raise ApiKeyError(f"API key {key_id} is already revoked")
    return row


def rotate_key(engine: Engine, key_id: str, actor: str = "cli") -> IssuedKey:
    """Revoke ``key_id`` and issue a new key with the same name, scopes and channels."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        old = _active(session, key_id)
        old.revoked_at = utcnow()
        announce_revocation(session, key_id)
        issued = _issue(session, old.name, tuple(old.scopes), tuple(old.channels) if old.channels is not None else None)
        _audit(session, actor, "keys.rotate", issued, [f"replaces:{key_id}"])
    return issued


def revoke_key(engine: Engine, key_id: str, actor: str = "cli") -> None:
    with Session(engine) as session, session.begin():
        row = _active(session, key_id)
        row.revoked_at = utcnow()
        announce_revocation(session, key_id)
        _audit(session, actor, "keys.revoke", row)


def list_keys(engine: Engine) -> list[ApiKey]:
    with Session(engine, expire_on_commit=False) as session:
        return list(session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)))


async def _read_key(engine: AsyncEngine, key_id: str) -> Any:
    async with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
        return (await connection.execute(_BY_KEY_ID, {"key_id": key_id})).first()


async def verify_key(engine: AsyncEngine, key: str, cache: KeyCache | None = None) -> Caller | str:
    """The caller a key stands for, or the reason it is refused (a message for a 401).

    With ``cache``, the key's row is read from the database at most once per ``cache.ttl`` seconds
    (a revocation takes effect within that time); the secret is checked against it every time.
    """
    parsed = _parse(key)
    if parsed is None:
        return "malformed API key"
    key_id, secret = parsed
    row = await (cache.fetch(key_id, partial(_read_key, engine)) if cache is not None else _read_key(engine, key_id))
    # Hash even when the row is missing, so timing does not tell which key ids exist.
    expected = row.key_hash if row is not None else _hash("0" * 32, "missing")
    matches = hmac.compare_digest(_hash(row.salt if row is not None else "-", secret), expected)
    if row is None or not matches:
        return "unknown API key"
    if row.revoked_at is not None:
        return "revoked API key"
    channels = frozenset(row.channels) if row.channels is not None else None
    return Caller(
        name=f"key:{row.name}:{row.key_id}", kind="channel", scopes=frozenset(row.scopes), key_id=row.key_id, channels=channels
    )
