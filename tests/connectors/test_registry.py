"""The registry: names, config validation with field-naming errors, the demo tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from c360.config import ConfigError as SettingsError
from c360.config import Settings
from c360.connectors import ConfigError, registry
from c360.connectors.builtin import BUILTIN_CONNECTORS


def test_builtins_are_available() -> None:
    found = registry.discover()
    assert set(BUILTIN_CONNECTORS) <= set(found.connectors)
    assert all(found.origins[name] == "built-in" for name in BUILTIN_CONNECTORS)


def test_unknown_type_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError) as caught:
        registry.build("crm", {"base_url": "http://x"})
    assert str(caught.value).startswith("[connectors.crm] type: unknown connector 'crm'; known: bi, billing, boss,")
    assert isinstance(caught.value, SettingsError)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"base_url": "localhost:80"}, r"^\[connectors.boss\] base_url: String should match"),
        ({}, r"^\[connectors.boss\] base_url: Field required$"),
        ({"base_url": "http://x", "page_sise": 5}, r"^\[connectors.boss\] page_sise: unknown key$"),
        ({"base_url": "http://x", "page_size": 5000}, r"^\[connectors.boss\] page_size: .*less than or equal to 1000"),
        ({"base_url": "http://x", "api_key_env": "NOT_SET_ANYWHERE_C360"},
         r"^\[connectors.boss\] api_key_env: environment variable NOT_SET_ANYWHERE_C360 is not set$"),
    ],
)  # fmt: skip
def test_invalid_tables_name_the_field(table: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        registry.build("boss", table)


def test_type_picks_the_class_and_engine_keys_are_ignored(tmp_path: Path) -> None:
    table = {"type": "bi", "folder": str(tmp_path), "schedule": {"interval_seconds": 60}, "enabled": True,
             "streams": {"analysis": {"schedule": {"cron": "0 * * * *"}}}}  # fmt: skip
    connector = registry.build("bi_north", table)
    assert connector.name == "bi" and connector.instance == "bi_north"


def test_configured_skips_disabled_and_reports_bad_tables(tmp_path: Path) -> None:
    settings = Settings(connectors={"bi": {"folder": str(tmp_path)}, "calls": {"type": "callcenter", "enabled": False}})
    assert list(registry.configured(settings)) == ["bi"]
    with pytest.raises(ConfigError, match=r"\[connectors.bad\] type"):
        registry.configured(Settings(connectors={"bi": {"folder": str(tmp_path)}, "bad": {}}))


def test_demo_tables_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tables = registry.demo_connectors_config(
        boss_url="http://127.0.0.1:1", keyaccount_url="http://127.0.0.1:2", billing_dsn=f"sqlite:///{tmp_path}/b.db",
        callcenter_dir=tmp_path / "cc", bi_dir=tmp_path / "bi", schedule={"interval_seconds": 300},
    )  # fmt: skip
    assert set(tables) == set(BUILTIN_CONNECTORS)
    assert tables["boss"]["api_key_env"] == "C360_BOSS_API_KEY" and tables["bi"]["schedule"] == {"interval_seconds": 300}
    monkeypatch.setenv("C360_BOSS_API_KEY", "k")
    monkeypatch.setenv("C360_KEYACCOUNT_API_KEY", "k")
    built = registry.configured(Settings(connectors=tables))
    assert sorted(built) == sorted(BUILTIN_CONNECTORS)
