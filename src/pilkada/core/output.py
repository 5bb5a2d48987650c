"""Plain-text tables, JSON and CSV for command-line output."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

FORMATS = ("table", "json", "csv")


def simulated_notice(election, stream) -> None:
    """Say so when an election's data is simulated (on stderr for machine formats)."""
    from django.utils.translation import gettext as _

    if election.is_simulated:
        stream.write(_("DATA SIMULASI — bukan hasil pemilihan sebenarnya."))


def table(headers: Sequence[str], rows: Sequence[Sequence], right: set[int] | None = None) -> str:
    """A fixed-width text table; columns in ``right`` are right-aligned (numbers)."""
    right = right or set()
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def fmt(row):
        return "  ".join(
            c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(row)
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(cells[0]), rule, *(fmt(r) for r in cells[1:])]) + "\n"


def to_json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


def to_csv(headers: Sequence[str], rows: Sequence[Sequence]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buf.getvalue()
