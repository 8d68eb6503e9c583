"""Connector configuration: the shared pydantic models and their validation into ``ConfigError``.

A ``[connectors.NAME]`` table is validated against the connector's
``config_model``. Unknown keys are refused (a typo must not silently fall
back to a default), and every problem is reported as one line naming the
field. Secrets never sit in the file: the table names the environment
variable that holds them (``api_key_env``, ``password_env``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from c360.connectors.errors import ConfigError

__all__ = [
    "ENGINE_KEYS",
    "ConnectorConfig",
    "RestConfig",
    "SqlConfig",
    "DropFolderConfig",
    "validate_config",
    "secret_from_env",
]

#: Keys of a ``[connectors.NAME]`` table that belong to the sync engine or the registry, not the connector.
ENGINE_KEYS = frozenset({"type", "schedule", "enabled", "streams"})

M = TypeVar("M", bound=BaseModel)


class ConnectorConfig(BaseModel):
    """Base for connector settings: frozen, and strict about unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    page_size: int = Field(default=500, ge=1, le=1000)


class RestConfig(ConnectorConfig):
    """A REST silo: where it is, which env var holds the key, and how patiently to call it."""

    base_url: str = Field(pattern=r"^https?://\S+$", description="http:// or https:// URL of the silo")
    api_key_env: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    api_key_header: str = "X-API-Key"
    connect_timeout_s: float = Field(default=5.0, gt=0)
    timeout_s: float = Field(default=30.0, gt=0)
    max_retries: int = Field(default=4, ge=0, le=20)
    backoff_base_s: float = Field(default=0.5, ge=0)
    backoff_max_s: float = Field(default=30.0, ge=0)
    #: The most time all waits of one request may add up to (including Retry-After).
    max_wait_s: float = Field(default=120.0, ge=0)


class SqlConfig(ConnectorConfig):
    """A SQL silo reached through SQLAlchemy; the password, if any, comes from ``password_env``."""

    dsn: str = Field(min_length=1)
    password_env: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")


class DropFolderConfig(ConnectorConfig):
    """A folder the silo drops complete files into (``X.part`` renamed to ``X`` when done)."""

    folder: Path
    encoding: str = "utf-8"


def validate_config(model: type[M], instance: str, table: Mapping[str, Any]) -> M:
    """The table as ``model``; ``ConfigError`` naming the first bad field otherwise."""
    data = {key: value for key, value in table.items() if key not in ENGINE_KEYS}
    try:
        return model.model_validate(data)
    except ValidationError as error:
        item = error.errors()[0]
        field = ".".join(str(part) for part in item["loc"]) or "table"
        more = len(error.errors()) - 1
        tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        message = "unknown key" if item["type"] == "extra_forbidden" else item["msg"]
        raise ConfigError(f"[connectors.{instance}] {field}: {message}{tail}") from None


def secret_from_env(instance: str, field: str, env_name: str, env: Mapping[str, str] | None = None) -> str:
    """The secret held in environment variable ``env_name``; the error names the variable, never a value."""
    value = (os.environ if env is None else env).get(env_name, "")
    if not value:
        raise ConfigError(f"[connectors.{instance}] {field}: environment variable {env_name} is not set")
    return value
