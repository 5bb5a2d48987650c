"""A database of its own for tests that run real ``pilkada`` processes (crashes, a server).

On SQLite: a file in the test's folder. On PostgreSQL (the suite's second run): a database
beside the test database, created empty and dropped afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from django.db import connection


@contextmanager
def scratch_database(folder: Path) -> Iterator[tuple[dict, str | None]]:
    """Yields (environment for ``pilkada`` child processes, PostgreSQL database name or None)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PILKADA_DATA_DIR"] = str(folder / "data")
    if connection.vendor != "postgresql":
        yield env, None
        return
    settings = connection.settings_dict
    name = f"{settings['NAME']}_scratch"
    host, port, user = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432, settings["USER"]
    admin = f"host={host} port={port} user={user} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = f"postgres://{user}@{host}:{port}/{name}"
    try:
        yield env, name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
