"""Runtime configuration read from the environment, in one place.

``settings.py`` calls :func:`from_env` once; tests call it with a plain dict.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import dj_database_url

SQLITE_BUSY_TIMEOUT_S = 30


@dataclass(frozen=True)
class Config:
    data_dir: Path
    database: dict
    debug: bool
    secret_key: str
    allowed_hosts: list[str]
    https: bool = False  # served behind HTTPS: secure cookies, HSTS, redirect to https


def default_data_dir(environ: Mapping[str, str]) -> Path:
    """Where the SQLite file and uploads live unless ``PILKADA_DATA_DIR`` says otherwise."""
    base = environ.get("XDG_DATA_HOME") or str(Path(environ.get("HOME", "~")) / ".local/share")
    return Path(base).expanduser() / "pilkada"


def sqlite_database(path: Path) -> dict:
    # WAL lets readers run beside a writer; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue on the busy timeout instead of failing with "database is locked".
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": SQLITE_BUSY_TIMEOUT_S,
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
            ),
        },
    }


def _secret_key(environ: Mapping[str, str], data_dir: Path) -> str:
    if environ.get("PILKADA_SECRET_KEY"):
        return environ["PILKADA_SECRET_KEY"]
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "ya", "on"}


def from_env(environ: Mapping[str, str] | None = None) -> Config:
    environ = os.environ if environ is None else environ
    data_dir = Path(environ.get("PILKADA_DATA_DIR") or default_data_dir(environ)).expanduser()
    data_dir = data_dir.resolve()
    url = environ.get("DATABASE_URL", "").strip()
    if url:
        database = dj_database_url.parse(url, conn_max_age=60)
    else:
        data_dir.mkdir(parents=True, exist_ok=True)
        database = sqlite_database(data_dir / "pilkada.sqlite3")
    hosts = environ.get("PILKADA_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
    return Config(
        data_dir=data_dir,
        database=database,
        debug=_flag(environ.get("PILKADA_DEBUG")),
        secret_key=_secret_key(environ, data_dir),
        allowed_hosts=[h.strip() for h in hosts.split(",") if h.strip()],
        https=_flag(environ.get("PILKADA_HTTPS")),
    )
