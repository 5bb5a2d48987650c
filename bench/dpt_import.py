"""Benchmark: importing a voter list (DPT) of 1,000,000 rows × 14 columns.

Prints, from one run on one machine:
- the time fastexcel needs just to read the workbook into Arrow (the reference);
- Pilkada's end-to-end import (read in the limited child process, check, store with change
  log), its rows/s, its ratio to the reference (target ≤ 2.5×) and peak memory of parent and
  child (target ≤ 1.5 GB);
- the same 20,000 rows through django-import-export, default mode and bulk mode, against
  Pilkada on those 20,000 rows (targets: ≥ 40× and ≥ 5× faster).

    .venv/bin/python bench/dpt_import.py [--rows 1000000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pilkada_bench .venv/bin/python bench/...

django-import-export is the reference only, not a dependency: ``pip install
django-import-export==4.4.3`` into the virtualenv first (the script says so if missing).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import synthetic_area, throwaway_database  # noqa: E402

HEADER = [
    "NO", "NKK", "NIK", "NAMA LENGKAP", "TEMPAT LAHIR", "TANGGAL LAHIR", "STATUS PERKAWINAN",
    "JENIS KELAMIN", "JALAN/DUKUH", "RT", "RW", "KETERANGAN", "KODE DESA", "TPS",
]  # fmt: skip
FIRST = ["MUHAMMAD", "SITI", "AHMAD", "NUR", "DEWI", "BUDI", "AGUS", "SRI", "RINA", "YUSUF"]
LAST = ["HIDAYAT", "RAHAYU", "SAPUTRA", "LESTARI", "WIBOWO", "KURNIAWAN", "PERTIWI", "SANTOSO"]
PER_TPS = 300


def voter_rows(stations, n: int, seed: int = 7):
    """``n`` plausible voters over ``stations`` (300 a TPS), as the KPU columns."""
    rng = random.Random(seed)
    for i in range(n):
        station = stations[i // PER_TPS]
        sex = "L" if rng.random() < 0.5 else "P"
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 24000))
        day = birth.day + (40 if sex == "P" else 0)
        # region digits and serial from i: unique for up to a million rows
        nik = f"3201{i // 10000 % 100:02d}{day:02d}{birth.month:02d}{birth.year % 100:02d}"
        yield [
            i % PER_TPS + 1, f"3201{rng.randrange(10**11, 10**12)}", f"{nik}{i % 10000:04d}",
            f"{rng.choice(FIRST)} {rng.choice(LAST)}", "BOGOR", birth.strftime("%d-%m-%Y"),
            rng.choice("BSSP"), sex, f"KP. {rng.choice(LAST)}", f"{rng.randrange(1, 20):03d}",
            f"{rng.randrange(1, 10):03d}", "" if rng.random() > 0.01 else "fisik",
            station["kode_desa"], station["nomor_tps"],
        ]  # fmt: skip


def write_workbook(path: Path, rows) -> Path:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_numbers": False}
    )
    sheet = workbook.add_worksheet("DPT")
    sheet.write_row(0, 0, HEADER)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, int):
                sheet.write_number(r, c, value)
            elif value:
                sheet.write_string(r, c, value)
    workbook.close()
    return path


def fastexcel_read(path: Path) -> float:
    import fastexcel

    start = time.perf_counter()
    reader = fastexcel.read_excel(str(path))
    frame = reader.load_sheet(0, dtypes="string").to_polars()
    assert frame.height > 0
    return time.perf_counter() - start


def import_export_rate(election, path: Path, bulk: bool) -> float:
    """Rows/s of django-import-export loading the same rows into the same table."""
    import tablib
    from import_export import fields, resources, widgets

    from pilkada.regions.models import PollingStation
    from pilkada.voters.models import Voter, VoterListImport

    station_of = {
        (s.desa.code, s.number): s.pk for s in PollingStation.objects.select_related("desa")
    }
    batch = VoterListImport.objects.create(election=election, file_name="iie", sha256="0" * 64)

    class VoterResource(resources.ModelResource):
        birth_date = fields.Field(attribute="birth_date", column_name="birth_date",
                                  widget=widgets.DateWidget("%d-%m-%Y"))  # fmt: skip

        class Meta:
            model = Voter
            fields = ("id", "election", "polling_station", "number", "nkk", "nik", "name",
                      "birth_place", "birth_date", "marital", "sex", "address", "rt", "rw",
                      "disability", "batch")  # fmt: skip
            use_bulk = bulk
            batch_size = 1000
            skip_diff = bulk

    data = tablib.Dataset(headers=list(VoterResource.Meta.fields))
    workbook = __import__("fastexcel").read_excel(str(path))
    frame = workbook.load_sheet(0, dtypes="string").to_polars()
    for row in frame.iter_rows():
        station = station_of[(row[12], row[13].zfill(3))]
        data.append([None, election.pk, station, int(row[0]), *row[1:5], row[5], *row[6:12],
                     batch.pk])  # fmt: skip
    start = time.perf_counter()
    result = VoterResource().import_data(data, dry_run=False, raise_errors=True)
    elapsed = time.perf_counter() - start
    assert not result.has_errors()
    return len(data) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--compare-rows", type=int, default=20_000)
    args = parser.parse_args()
    work = throwaway_database()
    from django.db import connection

    from pilkada.elections.services import create_election
    from pilkada.regions.services import upsert_regions, upsert_stations
    from pilkada.voters.imports import import_voter_files
    from pilkada.voters.models import Voter

    n_tps = -(-args.rows // PER_TPS)
    regions, stations = synthetic_area(n_tps, kec_per_kab=40)
    upsert_regions(regions)
    upsert_stations(stations)
    election = create_election(
        name="Pemilihan Gubernur Bench", kind="gubernur", region_code="32",
        polling_date="2024-11-27", code="bench",
    )  # fmt: skip
    print(f"database: {connection.vendor}; {args.rows:,} rows, {n_tps:,} TPS")
    cache = Path("/tmp") / f"pilkada-bench-dpt-{args.rows}.xlsx"
    if not cache.exists():
        start = time.perf_counter()
        write_workbook(cache, voter_rows(stations, args.rows))
        print(f"workbook written in {time.perf_counter() - start:.1f} s (cached at {cache})")
    small = work / "dpt-small.xlsx"
    write_workbook(small, voter_rows(stations, args.compare_rows, seed=11))

    reference = fastexcel_read(cache)
    start = time.perf_counter()
    outcome = import_voter_files(election, [cache])
    elapsed = time.perf_counter() - start
    assert Voter.objects.count() == args.rows, outcome.summary.describe()
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"fastexcel read into Arrow: {reference:.2f} s")
    print(
        f"Pilkada import: {elapsed:.2f} s, {args.rows / elapsed:,.0f} rows/s, "
        f"{elapsed / reference:.2f}× the read (target ≤ 2.5×)"
    )
    print(f"peak memory: parent {parent:,.0f} MB, reading child {child:,.0f} MB (target ≤ 1,536)")

    Voter.objects.all().delete()
    start = time.perf_counter()
    import_voter_files(election, [small])
    ours = args.compare_rows / (time.perf_counter() - start)
    print(f"Pilkada on {args.compare_rows:,} rows: {ours:,.0f} rows/s")
    try:
        import import_export  # noqa: F401
    except ImportError:
        print("django-import-export not installed: pip install django-import-export==4.4.3")
        return
    for bulk in (False, True):
        Voter.objects.all().delete()
        rate = import_export_rate(election, small, bulk)
        mode = "bulk" if bulk else "default"
        target = 5 if bulk else 40
        print(
            f"django-import-export ({mode}): {rate:,.0f} rows/s; Pilkada is {ours / rate:.1f}× "
            f"faster (target ≥ {target}×)"
        )


if __name__ == "__main__":
    main()
