"""The database refuses UPDATE and DELETE on the change log (migration 0002's triggers).

On SQLite the trigger asks the function ``pilkada_log_sealed()``, which every connection
Pilkada opens defines as 1: a tool that opens the file without Pilkada gets "no such function"
and is refused as well. :func:`allow_flush` exists only for the test suite, whose transactional
tests empty every table with DELETE afterwards (PostgreSQL empties with TRUNCATE, which the
row triggers do not see).
"""

from __future__ import annotations

from django.db.backends.signals import connection_created

_unsealed = False


def _sealed() -> int:
    return 0 if _unsealed else 1


def _register(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("pilkada_log_sealed", 0, _sealed)


def connect() -> None:
    connection_created.connect(_register, dispatch_uid="pilkada.audit.seal")


def allow_flush(allowed: bool) -> None:
    """Let (or stop letting) the test suite empty the log. Never used by the application."""
    global _unsealed
    _unsealed = allowed
