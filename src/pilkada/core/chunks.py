"""Long lists of values for SQL ``IN (…)`` lookups, cut to a size every database accepts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

# SQLite refuses a query with more parameters than its compile-time limit (999 in older
# builds); 900 leaves room for the query's other parameters.
IN_CHUNK = 900


def chunked(values: Iterable, size: int = IN_CHUNK) -> Iterator[list]:
    """``values`` in lists of at most ``size``."""
    iterator = iter(values)
    while chunk := list(islice(iterator, size)):
        yield chunk
