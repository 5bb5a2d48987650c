"""Bulk writes of plain rows, for imports of thousands of rows at a time.

Django's ``bulk_create`` builds a model instance and prepares every value through its field
for each row, which costs more than the database work itself at 100,000s of values. These
helpers take rows of plain Python values in the order of ``columns``: on PostgreSQL they are
streamed with COPY, on SQLite inserted with one ``executemany``. Date-time and JSON columns are
adapted here; every other value must already be what the column stores (int, str, None).
No signals are sent and no defaults are filled in: give every column the table needs.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Iterable, Sequence

from django.db import connection, models


def _adapters(model: type[models.Model], columns: Sequence[str]):
    fields = [model._meta.get_field(name) for name in columns]
    adapters = []
    for index, field in enumerate(fields):
        if isinstance(field, models.DateTimeField):
            if connection.vendor != "postgresql":
                # one time stamp is usually repeated on every row: adapt it once
                adapt = functools.lru_cache(maxsize=4)(connection.ops.adapt_datetimefield_value)
                adapters.append((index, adapt))
        elif isinstance(field, models.JSONField):
            adapters.append((index, lambda value: json.dumps(value, ensure_ascii=False)))
    return [field.column for field in fields], adapters


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]):
    """INSERT ``rows`` into ``model``'s table; returns how many rows were written."""
    names, adapters = _adapters(model, columns)
    quote = connection.ops.quote_name
    table, column_list = quote(model._meta.db_table), ", ".join(map(quote, names))
    written = 0

    def adapted():
        nonlocal written
        for row in rows:
            written += 1
            if adapters:
                row = list(row)
                for index, adapt in adapters:
                    if row[index] is not None:
                        row[index] = adapt(row[index])
            yield row

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # the raw psycopg cursor: wrap its errors as Django's (IntegrityError, …)
            sql = f"COPY {table} ({column_list}) FROM STDIN"
            with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
                for row in adapted():
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(names))
            cursor.executemany(
                f"INSERT INTO {table} ({column_list}) VALUES ({placeholders})", adapted()
            )
    return written


def update_rows(
    model: type[models.Model], columns: Sequence[str], keys: Sequence[str], rows: Iterable
) -> int:
    """UPDATE ``model`` SET ``columns`` WHERE ``keys`` match, one row of values (columns, then
    keys) at a time in one ``executemany``; returns how many rows matched in all."""
    names, adapters = _adapters(model, [*columns, *keys])
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(n)} = %s" for n in names[: len(columns)])
    conditions = " AND ".join(f"{quote(n)} = %s" for n in names[len(columns) :])
    rows = [list(row) for row in rows]
    for row in rows:
        for index, adapt in adapters:
            if row[index] is not None:
                row[index] = adapt(row[index])
    if not rows:
        return 0
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {conditions}", rows
        )
        return cursor.rowcount


FRAME_CHUNK = 100_000


def insert_frame(model: type[models.Model], frame) -> int:
    """INSERT every row of a polars DataFrame whose columns are ``model``'s field names (foreign
    keys as ``<name>_id``); dates and date-times must already be text in ISO form. PostgreSQL
    gets CSV through COPY (one C-level write per 100,000 rows instead of a Python call per
    row); SQLite one ``executemany`` over the rows."""
    names = [model._meta.get_field(c.removesuffix("_id")).column for c in frame.columns]
    quote = connection.ops.quote_name
    table, column_list = quote(model._meta.db_table), ", ".join(map(quote, names))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({column_list}) FROM STDIN WITH (FORMAT csv)"
            with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
                for offset in range(0, frame.height, FRAME_CHUNK):
                    chunk = frame.slice(offset, FRAME_CHUNK)
                    copy.write(chunk.write_csv(include_header=False, null_value="").encode())
        else:
            # the sqlite3 cursor itself: Django's wrapper would rewrite every row's parameters
            sql = f"INSERT INTO {table} ({column_list}) VALUES ({', '.join('?' * len(names))})"
            raw = cursor.cursor
            with connection.wrap_database_errors:
                for offset in range(0, frame.height, FRAME_CHUNK):
                    sqlite3.Cursor.executemany(raw, sql, frame.slice(offset, FRAME_CHUNK).rows())
    return frame.height
