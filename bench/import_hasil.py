"""Benchmark: import of a kabupaten result workbook (Kabupaten Bogor's size) vs. a bare read.

    .venv/bin/python bench/import_hasil.py [--tps 8000] [--pairs 6]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pilkada_bench .venv/bin/python bench/...

Builds a throw-away database (SQLite in a temporary folder unless DATABASE_URL is set), a
kabupaten with N TPS and an election with P pairs, writes one flat .xlsx row per TPS with every
box of the form (plausible numbers; one TPS in 50 breaks a rule), then measures in the same run:
  read    python-calamine reading every cell of the file into Python rows (the reference)
  import  `pilkada import hasil` on that file (parse, validate, store, versions)
and prints seconds, rows/s and import/read (target: <= 3x). Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from _setup import plausible_numbers, synthetic_area, throwaway_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tps", type=int, default=8000)
    parser.add_argument("--pairs", type=int, default=6)
    args = parser.parse_args()
    work = throwaway_database()
    from django.db import connection

    path = build(work, args.tps, args.pairs)
    from python_calamine import CalamineWorkbook

    from pilkada.elections.selectors import get_election
    from pilkada.tallies.imports import import_results_file

    started = time.perf_counter()
    wb = CalamineWorkbook.from_path(str(path))
    cells = sum(len(r) for name in wb.sheet_names for r in wb.get_sheet_by_name(name).to_python())
    read = time.perf_counter() - started

    started = time.perf_counter()
    summary = import_results_file(get_election("bench"), path)
    imported = time.perf_counter() - started
    assert summary.created == args.tps, summary.describe()
    print(f"database: {connection.vendor}; {args.tps} TPS x {args.pairs} pairs, {cells} cells")
    print(f"read (python-calamine): {read:8.2f} s")
    print(f"import hasil:           {imported:8.2f} s  ({args.tps / imported:,.0f} TPS/s)")
    print(f"ratio import/read:      {imported / read:8.1f}x  (target <= 3x)")


def build(work: Path, n_tps: int, n_pairs: int) -> Path:
    import xlsxwriter

    from pilkada.elections.services import create_election, upsert_pairs
    from pilkada.regions.services import upsert_regions, upsert_stations
    from pilkada.tallies.headers import field_headers, pair_header

    regions, stations = synthetic_area(n_tps, kec_per_kab=99)  # one kabupaten: 32.01
    upsert_regions(regions)
    upsert_stations(stations)
    election = create_election(
        name="Bench", kind="bupati", region_code="32.01", polling_date="2024-11-27", code="bench"
    )
    upsert_pairs(
        election,
        [
            {"nomor_urut": n, "nama_calon": f"C{n}", "nama_wakil": f"W{n}", "partai": "P"}
            for n in range(1, n_pairs + 1)
        ],
    )
    headers = field_headers(election.scheme)
    columns = ["kode_tps", *headers.values(), *(pair_header(n) for n in range(1, n_pairs + 1))]
    path = work / "hasil.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Bogor")
    ws.write_row(0, 0, columns)
    rng = random.Random(2024)
    for r, st in enumerate(stations, start=1):
        numbers = plausible_numbers(st["kode_desa"], st["nomor_tps"], st["dpt_l"], st["dpt_p"],
                                    n_pairs, rng, flawed=r % 50 == 0)  # fmt: skip
        ws.write_string(r, 0, st["kode_desa"].replace(".", "") + st["nomor_tps"])
        ws.write_row(r, 1, [numbers.fields[f] for f in headers])
        ws.write_row(r, 1 + len(headers), [numbers.votes[n] for n in range(1, n_pairs + 1)])
    wb.close()
    return path


if __name__ == "__main__":
    sys.exit(main())
