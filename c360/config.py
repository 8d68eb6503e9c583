"""Settings, read once: defaults < TOML file < environment variables.

The TOML file is ``c360.toml`` in the working directory, or the path in
``C360_CONFIG``. Environment variables win so that containers and CI can
override a checked-in file without editing it.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from c360.errors import ConfigurationError

__all__ = [
    "ConfigError",
    "Settings",
    "ServerSettings",
    "DemoSettings",
    "AuthSettings",
    "RedisSettings",
    "Secret",
    "load_settings",
    "DEFAULT_DATABASE_URL",
]

DEFAULT_DATABASE_URL = "sqlite:///c360.db"
DEFAULT_CONFIG_FILE = "c360.toml"


class ConfigError(ConfigurationError):
    """Raised when the settings (``c360.toml``, ``C360_*``) cannot be used; the message says which setting and why."""


@dataclass(frozen=True)
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 8360
    workers: int | None = None  # processes of `c360 serve`; None: c360.app.server.default_workers decides


@dataclass(frozen=True)
class RedisSettings:
    """An optional Redis shared by every hub process: per-caller limits then hold across processes.

    Without it each process keeps its own limits (see c360.hub.auth.ratelimit and docs/security.md).
    """

    url: Secret | None = None  # redis://[:password@]host:6379/0 (may hold a password)
    key_prefix: str = "c360:"  # hubs sharing one Redis keep their counts apart by prefix


@dataclass(frozen=True)
class DemoSettings:
    """Size and place of the built-in simulated silos used by ``c360 demo``."""

    size: int = 2000
    seed: int = 42
    data_dir: Path = Path(".c360/silos")


class Secret:
    """A secret value: never shown by repr/str, read with :meth:`reveal`."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


MODES = ("development", "production")


@dataclass(frozen=True)
class AuthSettings:
    """Access control (see docs/security.md). Tokens for self-service users: HS256 with
    ``jwt_secret`` or RS256 with ``jwt_public_key``; issuer and audience are always checked."""

    mode: str = "development"  # production: introspection needs a scope, GraphiQL off
    jwt_secret: Secret | None = None
    jwt_public_key: str | None = None  # PEM, for RS256
    jwt_issuer: str = "c360"
    jwt_audience: str = "c360-self-service"
    rate_limit_per_minute: int = 600  # requests per caller
    lookups_per_minute: int = 60  # customerBy by phone or ID number, per caller (each alias counts)
    max_body_bytes: int = 64 * 1024
    key_cache_seconds: int = 5  # a verified API key is trusted this long without reading it again (revocation delay)

    @property
    def production(self) -> bool:
        return self.mode == "production"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    server: ServerSettings = field(default_factory=ServerSettings)
    demo: DemoSettings = field(default_factory=DemoSettings)
    log_level: str = "INFO"
    auth: AuthSettings = field(default_factory=AuthSettings)
    redis: RedisSettings = field(default_factory=RedisSettings)
    # Raw per-connector tables from the TOML file; the connector registry validates them.
    connectors: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    config_file: Path | None = None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None


def _int(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a whole number, got {value!r}") from None


def _table(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, Mapping):
        raise ConfigError(f"[{name}] must be a table in the configuration file")
    return value


def _auth_settings(env: Mapping[str, str], table: Mapping[str, Any]) -> AuthSettings:
    mode = str(env.get("C360_MODE") or table.get("mode", AuthSettings.mode)).lower()
    if mode not in MODES:
        raise ConfigError(f"C360_MODE must be one of {', '.join(MODES)}, got {mode!r}")
    secret = env.get("C360_JWT_SECRET") or table.get("jwt_secret")
    public_key_file = env.get("C360_JWT_PUBLIC_KEY_FILE") or table.get("jwt_public_key_file")
    public_key = None
    if public_key_file:
        try:
            public_key = Path(str(public_key_file)).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"jwt public key file {public_key_file}: cannot be read ({exc.strerror})") from None
    if secret is not None and len(str(secret)) < 32:
        raise ConfigError("the JWT secret must be at least 32 characters")
    return AuthSettings(
        mode=mode,
        jwt_secret=Secret(str(secret)) if secret else None,
        jwt_public_key=public_key,
        jwt_issuer=str(env.get("C360_JWT_ISSUER") or table.get("jwt_issuer", AuthSettings.jwt_issuer)),
        jwt_audience=str(env.get("C360_JWT_AUDIENCE") or table.get("jwt_audience", AuthSettings.jwt_audience)),
        rate_limit_per_minute=_int(
            env.get("C360_RATE_LIMIT") or table.get("rate_limit_per_minute", AuthSettings.rate_limit_per_minute),
            "rate limit",
        ),
        lookups_per_minute=_int(table.get("lookups_per_minute", AuthSettings.lookups_per_minute), "lookups per minute"),
        max_body_bytes=_int(table.get("max_body_bytes", AuthSettings.max_body_bytes), "max body bytes"),
        key_cache_seconds=_int(
            env.get("C360_KEY_CACHE_SECONDS") or table.get("key_cache_seconds", AuthSettings.key_cache_seconds),
            "key cache seconds",
        ),
    )


def _workers(value: Any) -> int | None:
    if value in (None, ""):
        return None
    workers = _int(value, "server workers")
    if workers < 1:
        raise ConfigError(f"server workers must be at least 1, got {workers}")
    return workers


def _redis_settings(env: Mapping[str, str], table: Mapping[str, Any]) -> RedisSettings:
    url = str(env.get("C360_REDIS_URL") or table.get("url") or "").strip()
    if url and not url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError("the Redis url must start with redis://, rediss:// or unix://")
    prefix = str(env.get("C360_REDIS_PREFIX") or table.get("key_prefix", RedisSettings.key_prefix))
    return RedisSettings(url=Secret(url) if url else None, key_prefix=prefix)


def load_settings(env: Mapping[str, str] | None = None, cwd: Path | None = None) -> Settings:
    """Build the settings from the TOML file (if any) and the environment."""
    env = os.environ if env is None else env
    cwd = Path.cwd() if cwd is None else cwd
    explicit = env.get("C360_CONFIG")
    path = Path(explicit) if explicit else cwd / DEFAULT_CONFIG_FILE
    if explicit and not path.exists():
        raise ConfigError(f"C360_CONFIG points to {path}, which does not exist")
    data = _read_toml(path) if path.exists() else {}

    database = _table(data, "database")
    auth = _table(data, "auth")
    server = _table(data, "server")
    demo = _table(data, "demo")
    redis = _table(data, "redis")
    connectors = _table(data, "connectors")
    for name, table in connectors.items():
        if not isinstance(table, Mapping):
            raise ConfigError(f"[connectors.{name}] must be a table")

    database_url = env.get("C360_DATABASE_URL") or database.get("url") or DEFAULT_DATABASE_URL
    if not isinstance(database_url, str) or not database_url.strip():
        raise ConfigError("database url must be a non-empty string")
    return Settings(
        database_url=database_url.strip(),
        server=ServerSettings(
            host=str(env.get("C360_HOST") or server.get("host", ServerSettings.host)),
            port=_int(env.get("C360_PORT") or server.get("port", ServerSettings.port), "server port"),
            workers=_workers(env.get("C360_WORKERS") or server.get("workers")),
        ),
        demo=DemoSettings(
            size=_int(env.get("C360_DEMO_SIZE") or demo.get("size", DemoSettings.size), "demo size"),
            seed=_int(demo.get("seed", DemoSettings.seed), "demo seed"),
            data_dir=Path(env.get("C360_DATA_DIR") or demo.get("data_dir", DemoSettings.data_dir)),
        ),
        auth=_auth_settings(env, auth),
        redis=_redis_settings(env, redis),
        log_level=str(env.get("C360_LOG_LEVEL") or data.get("log_level", "INFO")).upper(),
        connectors=dict(connectors),
        config_file=path if path.exists() else None,
    )
