from pathlib import Path

from pilkada.config import from_env


def test_sqlite_default_uses_data_dir_wal_and_immediate(tmp_path):
    cfg = from_env({"PILKADA_DATA_DIR": str(tmp_path)})
    db = cfg.database
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(db["NAME"]) == tmp_path / "pilkada.sqlite3"
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert db["OPTIONS"]["timeout"] >= 20
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_database_url_switches_to_postgresql(tmp_path):
    cfg = from_env(
        {
            "PILKADA_DATA_DIR": str(tmp_path),
            "DATABASE_URL": "postgres://u:p@db.example:5433/pk",
        }
    )
    assert cfg.database["ENGINE"] == "django.db.backends.postgresql"
    assert (cfg.database["HOST"], cfg.database["PORT"], cfg.database["NAME"]) == (
        "db.example",
        5433,
        "pk",
    )


def test_secret_key_is_created_once_and_kept(tmp_path):
    first = from_env({"PILKADA_DATA_DIR": str(tmp_path)}).secret_key
    second = from_env({"PILKADA_DATA_DIR": str(tmp_path)}).secret_key
    assert first == second and len(first) > 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert (
        from_env({"PILKADA_DATA_DIR": str(tmp_path), "PILKADA_SECRET_KEY": "x"}).secret_key == "x"
    )


def test_default_data_dir_follows_xdg(tmp_path):
    cfg = from_env({"XDG_DATA_HOME": str(tmp_path), "HOME": "/nonexistent"})
    assert cfg.data_dir == tmp_path / "pilkada"


def test_flags_and_hosts(tmp_path):
    cfg = from_env(
        {
            "PILKADA_DATA_DIR": str(tmp_path),
            "PILKADA_DEBUG": "ya",
            "PILKADA_ALLOWED_HOSTS": "pilkada.kpu.local, 10.0.0.5",
        }
    )
    assert cfg.debug is True
    assert cfg.allowed_hosts == ["pilkada.kpu.local", "10.0.0.5"]
    assert from_env({"PILKADA_DATA_DIR": str(tmp_path)}).debug is False
