"""Online, consistent backups of the whole database, and restoring one.

SQLite: the SQLite backup API copies the live database page by page into a new file while
the server keeps running; the copy is one consistent snapshot. PostgreSQL: ``pg_dump`` in its
custom format (one snapshot), restored with ``pg_restore`` in a single transaction. A restore
replaces everything in the current database, then the change log is verified.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection
from django.utils.translation import gettext as _

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
PAGES_PER_STEP = 1024


class BackupError(Exception):
    """A backup or restore that could not be done; ``str()`` says why, in Indonesian."""


def backup(path: Path | str) -> None:
    """Write a consistent copy of the current database to ``path`` (which must not exist)."""
    path = Path(path)
    if path.exists():
        raise BackupError(_("%(f)s sudah ada; pilih nama berkas lain.") % {"f": path})
    connection.ensure_connection()
    try:
        if connection.vendor == "sqlite":
            with sqlite3.connect(path) as target:
                connection.connection.backup(target, pages=PAGES_PER_STEP)
            target.close()
        else:
            _pg("pg_dump", "--format=custom", "--no-owner", f"--file={path}")
    except (OSError, sqlite3.Error) as exc:
        path.unlink(missing_ok=True)
        raise BackupError(_("Cadangan gagal: %(e)s") % {"e": exc}) from exc


def restore(path: Path | str) -> None:
    """Replace the current database's contents with the backup at ``path``."""
    path = Path(path)
    try:
        with path.open("rb") as stream:
            head = stream.read(16)
    except OSError as exc:
        raise BackupError(
            _("%(f)s tidak dapat dibuka: %(e)s") % {"f": path, "e": exc.strerror}
        ) from None
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        if not head.startswith(SQLITE_MAGIC):
            raise BackupError(_not_a_backup(path, "SQLite"))
        _check_sqlite_backup(path)
        with sqlite3.connect(path) as source:
            source.backup(connection.connection, pages=PAGES_PER_STEP)
        source.close()
    else:
        if not head.startswith(PGDUMP_MAGIC):
            raise BackupError(_not_a_backup(path, "PostgreSQL (pg_dump)"))
        connection.close()  # pg_restore drops and recreates the tables this connection uses
        _pg("pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
            "--exit-on-error", str(path))  # fmt: skip


def _not_a_backup(path: Path, kind: str) -> str:
    return _("%(f)s bukan cadangan %(k)s buatan pilkada backup.") % {"f": path, "k": kind}


def _check_sqlite_backup(path: Path) -> None:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        ok = db.execute("PRAGMA integrity_check").fetchone()[0]
    db.close()
    if not {"django_migrations", "audit_changelogentry"} <= tables:
        raise BackupError(_not_a_backup(path, "SQLite"))
    if ok != "ok":
        raise BackupError(_("%(f)s rusak: %(e)s") % {"f": path, "e": ok})


def _pg(program: str, *args: str) -> None:
    settings = connection.settings_dict
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    target = [
        f"--host={settings.get('HOST') or 'localhost'}",
        f"--port={settings.get('PORT') or 5432}",
        f"--username={settings.get('USER') or 'postgres'}",
        f"--dbname={settings['NAME']}",
    ]
    try:
        result = subprocess.run(
            [program, *target, *args], env=env, capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise BackupError(
            _("%(p)s tidak ditemukan; pasang paket postgresql-client.") % {"p": program}
        ) from None
    if result.returncode != 0:
        raise BackupError(
            _("%(p)s gagal: %(e)s") % {"p": program, "e": result.stderr.strip()[-2000:]}
        )
