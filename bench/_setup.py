"""The throw-away database every benchmark runs against."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def throwaway_database() -> Path:
    """Set Django up on a fresh SQLite database in a temporary folder (returned), or on the
    PostgreSQL database DATABASE_URL names, emptied first; refuses one whose name lacks
    'bench' so that real data is never touched. Migrates."""
    work = Path(tempfile.mkdtemp(prefix="pilkada-bench-"))
    os.environ["PILKADA_DATA_DIR"] = str(work)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilkada.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        if "bench" not in connection.settings_dict["NAME"]:
            sys.exit("Refusing to empty a database whose name lacks 'bench'.")
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    return work
