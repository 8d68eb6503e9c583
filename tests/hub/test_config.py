from pathlib import Path

import pytest

from c360.config import DEFAULT_DATABASE_URL, ConfigError, load_settings


def test_defaults_without_file_or_environment(tmp_path: Path) -> None:
    settings = load_settings(env={}, cwd=tmp_path)
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert (settings.server.host, settings.server.port) == ("127.0.0.1", 8360)
    assert settings.config_file is None


def test_toml_file_then_environment_wins(tmp_path: Path) -> None:
    (tmp_path / "c360.toml").write_text(
        '[database]\nurl = "sqlite:///from-file.db"\n[server]\nport = 9000\n'
        '[connectors.boss]\nbase_url = "http://127.0.0.1:1"\n',
        encoding="utf-8",
    )
    from_file = load_settings(env={}, cwd=tmp_path)
    assert from_file.database_url == "sqlite:///from-file.db"
    assert from_file.server.port == 9000
    assert from_file.connectors["boss"]["base_url"] == "http://127.0.0.1:1"

    overridden = load_settings(env={"C360_DATABASE_URL": "postgresql://u@h/db", "C360_PORT": "9100"}, cwd=tmp_path)
    assert overridden.database_url == "postgresql://u@h/db"
    assert overridden.server.port == 9100


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[database\n", "not valid TOML"),
        ("[server]\nport = 'eighty'\n", "server port must be a whole number"),
        ("database = 3\n", "[database] must be a table"),
        ("[connectors]\nboss = 1\n", "[connectors.boss] must be a table"),
    ],
)
def test_bad_file_gives_clear_error(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "c360.toml").write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_settings(env={}, cwd=tmp_path)


def test_explicit_config_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(env={"C360_CONFIG": str(tmp_path / "missing.toml")}, cwd=tmp_path)
