from pathlib import Path

import pytest

from loket.lib.database import database_config


def test_unset_url_is_the_embedded_sqlite(tmp_path):
    config = database_config("", tmp_path / "x.sqlite3")
    assert config["ENGINE"].endswith("sqlite3")
    assert config["NAME"] == str(tmp_path / "x.sqlite3")
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_sqlite_url_selects_another_file():
    assert (
        database_config("sqlite:////tmp/other.sqlite3", Path("x"))["NAME"] == "/tmp/other.sqlite3"
    )


def test_postgres_url_is_parsed_with_health_checks():
    config = database_config("postgres://u:p%40ss@db.example:5433/loket", Path("x"))
    assert config["ENGINE"].endswith("postgresql")
    assert (config["USER"], config["PASSWORD"], config["HOST"], config["PORT"], config["NAME"]) == (
        "u",
        "p@ss",
        "db.example",
        "5433",
        "loket",
    )
    assert config["CONN_HEALTH_CHECKS"] is True


def test_unknown_scheme_is_refused():
    with pytest.raises(ValueError, match="mysql"):
        database_config("mysql://x/y", Path("x"))
