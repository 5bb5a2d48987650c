"""Benchmark: the recap workbook of a province (74,000 TPS, every sheet entered) vs. a bare write.

    .venv/bin/python bench/export_rekap.py [--tps 74000] [--pairs 4] [--repeat 3] [--profile]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pilkada_bench2 .venv/bin/python bench/...

Builds a throw-away database (SQLite in a temporary folder unless DATABASE_URL is set), a
province of kabupaten of 2,000 TPS each (10 kecamatan × 10 desa × 20 TPS), a gubernur election
with P pairs and a complete result sheet on every TPS (plausible numbers; one TPS in 50 breaks a
rule), then measures in the same run:
  export  `pilkada export rekap --level kabkota --format xlsx` of the whole province: reading
          TPS and sheets, rules R1–R13, the rollup, and the workbook (Rekap with formulas and
          chart, Temuan, Lampiran TPS with one row per TPS)
  bare    XlsxWriter (constant_memory, no formats) writing the same cells of the Rekap and
          Lampiran TPS sheets with plain write_string/write_number (the reference)
each R times, alternating, and prints the best seconds of each and export/bare (target: <= 1.5x).
``--profile`` prints where the export's time goes (cProfile; use it with --repeat 1). Not a
test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import time
from pathlib import Path

from _setup import plausible_numbers, synthetic_area, throwaway_database

KEC_PER_KAB = 10
PROVINCE = "32"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tps", type=int, default=74_000)
    parser.add_argument("--pairs", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best counts")
    parser.add_argument("--profile", action="store_true", help="print the export's cProfile")
    args = parser.parse_args()
    work = throwaway_database()
    from django.db import connection

    try:
        measure(args, work)
    finally:
        connection.close()
        shutil.rmtree(work, ignore_errors=True)  # the SQLite database and the workbooks


def measure(args, work: Path) -> None:
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    build(args.tps, args.pairs)
    print(f"built in {time.perf_counter() - started:.1f} s")

    out = work / "rekap.xlsx"
    command = ["export", "rekap", "--election", "bench", "--level", "kabkota"]
    command += ["--output", str(out)]
    profile = None
    if args.profile:
        import cProfile

        profile = cProfile.Profile()
    exported, bare = [], []
    for _ in range(args.repeat):  # alternating, so that a busy moment hits both alike
        started = time.perf_counter()
        with open(os.devnull, "w") as devnull:
            if profile:
                profile.runcall(call_command, *command, stdout=devnull)
            else:
                call_command(*command, stdout=devnull)
        exported.append(time.perf_counter() - started)
        if not bare:
            sheets = read_back(out)
            cells = sum(len(row) for rows in sheets.values() for row in rows)
        started = time.perf_counter()
        bare_write(work / "bare.xlsx", sheets)
        bare.append(time.perf_counter() - started)

    best_export, best_bare = min(exported), min(bare)
    print(f"database: {connection.vendor}; {args.tps} TPS x {args.pairs} pairs")
    print(f"cells: {cells:,} (Rekap and Lampiran TPS), file {out.stat().st_size / 1e6:.1f} MB")
    print(f"best of {args.repeat}:")
    print(f"bare (XlsxWriter):   {best_bare:8.2f} s")
    print(f"export rekap:        {best_export:8.2f} s  ({args.tps / best_export:,.0f} TPS/s)")
    print(f"ratio export/bare:   {best_export / best_bare:8.2f}x  (target <= 1.5x)")
    if profile:
        import pstats

        pstats.Stats(profile).sort_stats("cumulative").print_stats(35)


def read_back(path: Path) -> dict[str, list[list]]:
    """The cells of the exported Rekap and Lampiran TPS sheets (formulas as their values,
    whole numbers as the ints the export wrote)."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    return {
        name: [
            [int(v) if isinstance(v, float) and v.is_integer() else v for v in row]
            for row in wb.get_sheet_by_name(name).to_python()
        ]
        for name in ("Rekap", "Lampiran TPS")
    }


def bare_write(path: Path, sheets: dict[str, list[list]]) -> None:
    """The reference: the same cells, no formats, formulas, chart or print setup."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        write_string, write_number = ws.write_string, ws.write_number
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, str):
                    if value:
                        write_string(r, c, value)
                else:
                    write_number(r, c, value)
    wb.close()


def build(n_tps: int, n_pairs: int) -> None:
    from django.db import transaction

    from pilkada.elections.services import create_election, upsert_pairs
    from pilkada.regions.models import PollingStation
    from pilkada.regions.services import upsert_regions, upsert_stations
    from pilkada.tallies.services import PlannedSave, Source, save_sheets

    regions, stations = synthetic_area(n_tps, kec_per_kab=KEC_PER_KAB)
    upsert_regions(regions)
    upsert_stations(stations)
    election = create_election(
        name="Pemilihan Gubernur Bench",
        kind="gubernur",
        region_code=PROVINCE,
        polling_date="2024-11-27",
        code="bench",
    )
    upsert_pairs(
        election,
        [
            {"nomor_urut": n, "nama_calon": f"C{n}", "nama_wakil": f"W{n}", "partai": "P"}
            for n in range(1, n_pairs + 1)
        ],
    )
    rng = random.Random(2024)
    stations = PollingStation.objects.select_related("desa").order_by("desa__code", "number")
    plans = []
    for i, st in enumerate(stations):
        flawed = i % 50 == 0  # 2 % break a rule
        numbers = plausible_numbers(st.desa.code, st.number, st.registered_men,
                                    st.registered_women, n_pairs, rng, flawed=flawed)  # fmt: skip
        plans.append(PlannedSave(st, None, numbers, Source()))
    with transaction.atomic():
        save_sheets(election, plans, pair_ids=dict(election.pairs.values_list("number", "id")))


if __name__ == "__main__":
    sys.exit(main())
