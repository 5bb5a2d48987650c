"""Memory behaviour of long exports."""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def without_cycle_collection():
    """Python's cycle collector off while an export reads and writes millions of objects (a
    province: 74,000 TPS × 45 boxes; a million voters). They are freed by reference counting
    all the same; the collector's repeated passes over the growing heap cost a quarter of the
    recap export's time (bench/export_rekap.py)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
