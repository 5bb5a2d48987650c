"""Benchmark: the DPT export of 1,000,000 voters (about 3,300 TPS) vs. a bare XlsxWriter write.

    .venv/bin/python bench/dpt_export.py [--voters 1000000] [--repeat 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pilkada_bench .venv/bin/python bench/...

Builds a throw-away database (SQLite in a temporary folder unless DATABASE_URL is set), a
province of kabupaten of 2,000 TPS each (10 kecamatan x 10 desa x 20 TPS), a gubernur election
and 300 voters on every TPS (plausible NIK/NKK, names, birth dates, 1 in 40 with a
disability), then measures in the same run:
  export  what ``pilkada dpt export --election bench --output FILE`` runs
          (``voters.export.export_voter_list``, masked NIK): reading the TPS and the voters
          batch by batch, building the rows, and writing one sheet per TPS with rustpy-xlsxwriter.
          Each run is a fresh process (``--child``), so its peak RSS is the export's own.
  bare    XlsxWriter (constant_memory, one date format, nothing else) writing the same cells
          (read back from the export with python-calamine): titles, header and voters of every
          sheet with plain write_string/write_number/write_datetime -- the reference.
each R times, alternating, and prints the best seconds of each and export/bare (target: <= 0.5x),
and the export's peak RSS. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from _setup import synthetic_area, throwaway_database

KEC_PER_KAB = 10
PROVINCE = "32"
PER_TPS = 300  # synthetic_area's registry: 150 men and 150 women per TPS
FIRST = ["MUHAMMAD", "SITI", "AGUS", "DEWI", "BUDI", "NUR", "RINA", "YOHANES", "RAHMAT", "SRI"]
LAST = ["SAPUTRA", "LESTARI", "HIDAYAT", "WATI", "SANTOSO", "PRATAMA", "DAMANG", "KAHAYAN"]
PLACES = ["BANDUNG", "BOGOR", "KUALA KURUN", "GARUT", "CIANJUR", "SUKABUMI"]
DISABILITIES = ["fisik", "intelektual", "mental", "wicara", "rungu", "netra", "lainnya"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--voters", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best counts")
    parser.add_argument("--child", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_export(Path(args.child))
        return
    work = throwaway_database()
    from django.db import connection

    try:
        measure(args, work)
    finally:
        connection.close()
        shutil.rmtree(work, ignore_errors=True)  # the SQLite database and the workbooks


def measure(args, work: Path) -> None:
    from django.db import connection

    started = time.perf_counter()
    n_tps = build(args.voters)
    print(f"built in {time.perf_counter() - started:.1f} s")
    connection.close()  # the child processes open their own

    out = work / "dpt.xlsx"
    exported, bare, rss = [], [], []
    sheets = None
    for _ in range(args.repeat):  # alternating, so that a busy moment hits both alike
        result = subprocess.run(
            [sys.executable, __file__, "--child", str(out)],
            env={**os.environ, "PILKADA_DATA_DIR": str(work)},
            capture_output=True,
            text=True,
            check=True,
        )
        report = json.loads(result.stdout.strip().splitlines()[-1])
        exported.append(report["seconds"])
        rss.append(report["peak_rss_mb"])
        print(f"  export run: {report['seconds']:.2f} s, peak RSS {report['peak_rss_mb']:.0f} MB")
        if sheets is None:
            sheets = read_back(out)
            cells = sum(v not in ("", None) for rows in sheets.values() for r in rows for v in r)
        started = time.perf_counter()
        bare_write(work / "bare.xlsx", sheets)
        bare.append(time.perf_counter() - started)

    best_export, best_bare = min(exported), min(bare)
    print(f"database: {connection.vendor}; {report['voters']:,} voters in {n_tps:,} TPS")
    print(f"sheets: {report['sheets']:,}; cells: {cells:,}; file {out.stat().st_size / 1e6:.1f} MB")
    print(f"best of {args.repeat}:")
    print(f"bare (XlsxWriter):   {best_bare:8.2f} s")
    speed = report["voters"] / best_export
    print(f"dpt export:          {best_export:8.2f} s  ({speed:,.0f} voters/s)")
    print(f"ratio export/bare:   {best_export / best_bare:8.2f}x  (target <= 0.5x)")
    print(f"export peak RSS:     {max(rss):8.0f} MB (largest of {args.repeat} runs)")


def child_export(out: Path) -> None:
    """One export in this fresh process: seconds, counts and peak RSS as a JSON line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilkada.settings")
    import django

    django.setup()
    from pilkada.core.management.commands.export import _without_cycle_collection
    from pilkada.elections.selectors import get_election
    from pilkada.voters.export import export_voter_list

    election = get_election("bench")
    started = time.perf_counter()
    with _without_cycle_collection():
        summary = export_voter_list(election, out)
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    print(json.dumps({"seconds": seconds, "voters": summary.voters, "sheets": summary.stations,
                      "peak_rss_mb": peak}))  # fmt: skip


def peak_rss_mb() -> float:
    """This process's peak resident memory since exec (VmHWM). Not ``ru_maxrss``: that keeps
    the peak of the parent's memory that a forked child held before exec."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def read_back(path: Path) -> dict[str, list[list]]:
    """Every sheet's cells (whole numbers as ints, dates as dates)."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    return {
        name: [
            [int(v) if isinstance(v, float) and v.is_integer() else v for v in row]
            for row in wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        ]
        for name in wb.sheet_names
    }


def bare_write(path: Path, sheets: dict[str, list[list]]) -> None:
    """The reference: the same cells, constant_memory, one date format, nothing else."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    date_format = wb.add_format({"num_format": "dd-mm-yyyy"})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        write_string, write_number, write_datetime = (
            ws.write_string,
            ws.write_number,
            ws.write_datetime,
        )
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, str):
                    if value:
                        write_string(r, c, value)
                elif isinstance(value, dt.date):
                    write_datetime(r, c, value, date_format)
                elif value is not None:
                    write_number(r, c, value)
    wb.close()


def build(voters: int) -> int:
    """The area, the election and ``voters`` voters (300 a TPS, the last TPS fewer)."""
    from django.db import transaction

    from pilkada.core.bulk import insert_rows
    from pilkada.elections.services import create_election
    from pilkada.regions.models import PollingStation
    from pilkada.regions.services import upsert_regions, upsert_stations
    from pilkada.voters.models import Voter, VoterListImport

    n_tps = -(-voters // PER_TPS)
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
    batch = VoterListImport.objects.create(
        election=election, file_name="bench.xlsx", sha256="0" * 64, stations=n_tps, voters=voters
    )
    station_ids = list(
        PollingStation.objects.order_by("desa__code", "number").values_list("pk", flat=True)
    )
    columns = ["election_id", "polling_station_id", "number", "nkk", "nik", "name",
               "birth_place", "birth_date", "marital", "sex", "address", "rt", "rw",
               "disability", "batch_id"]  # fmt: skip
    with transaction.atomic():
        insert_rows(Voter, columns, voter_rows(election.pk, batch.pk, station_ids, voters))
    return n_tps


def voter_rows(election_id: int, batch_id: int, station_ids: list[int], voters: int):
    rng = random.Random(2024)
    start = dt.date(1930, 1, 1)
    for i in range(voters):
        tps, number = divmod(i, PER_TPS)
        born = start + dt.timedelta(days=rng.randrange(27_000))
        sex = "L" if number % 2 else "P"
        day = born.day + (40 if sex == "P" else 0)
        nik = f"3201{tps % 100:02d}{day:02d}{born.month:02d}{born.year % 100:02d}{number:04d}"
        yield (
            election_id, station_ids[tps], number + 1, f"3201{tps:06d}{number // 4:06d}", nik,
            f"{rng.choice(FIRST)} {rng.choice(LAST)}", rng.choice(PLACES), born.isoformat(),
            "S" if rng.random() < 0.7 else "B", sex, f"JL. MERDEKA NO. {number % 97 + 1}",
            f"{number % 12 + 1:03d}", f"{tps % 9 + 1:03d}",
            rng.choice(DISABILITIES) if rng.random() < 0.025 else "", batch_id,
        )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
