"""Benchmark: duplicate detection ("DPT ganda") over a million synthetic voters.

    .venv/bin/python bench/dpt_duplicates.py [--voters 1000000] [--seed 2024] [--profile]

Builds a polars frame of N voters (no database): names from small lists of Indonesian first,
middle and last names, each with its spelling variants (Muhammad/M./Moh., Nurhasanah/Nur
Hasanah, Soekarno/Sukarno…), titles and degrees now and then, birth dates over 1940–2007 with
the placeholder dates real lists have (1 July, 31 December), NIKs that agree with the birth
date and sex. About 1 % of the rows are injected duplicates of an earlier voter: tier 1 (same
NIK, another spelling of the name), tier 2 (new NIK, another spelling, same birth date), tier 3
(same NIK, another person). Then runs ``find_duplicates`` once and prints its seconds, pairs
per tier, how many injected pairs each tier found, and the peak RSS with, for comparison, the
peak before the search (the generator's own Python lists). Target: <= 60 s.
Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

# Each inner list is one name in its spellings; a voter gets one spelling of each part.
FIRST = [
    ["Muhammad", "Muhamad", "M.", "Moh.", "Mochammad", "Mohammad", "Muh.", "Mhd."],
    ["Siti"], ["Ahmad", "Achmad", "Akhmad"], ["Nur", "Noer"], ["Sri"], ["Dewi"], ["Budi"],
    ["Agus"], ["Rina"], ["Yusuf", "Jusuf"], ["Abdul"], ["Eko"], ["Dian"], ["Andi"], ["Putri"],
    ["Wahyu", "Wahju"], ["Joko", "Djoko"], ["Bambang"], ["Hendra", "Hendera"], ["Yohanes"],
    ["Ni Made"], ["I Wayan"], ["Fitri", "Fitriy"], ["Rahmat", "Rachmat"], ["Dedi", "Dedy"],
    ["Heri", "Hery", "Herry"], ["Indah"], ["Lestari"], ["Fajar"], ["Taufik", "Taufiq"],
    ["Ratna"], ["Yanti"], ["Nyoman", "Njoman"], ["Kristina"], ["Stefanus"], ["Maria"],
]  # fmt: skip
MIDDLE = [
    [""], [""], [""], [""], ["Rizki", "Rizky", "Riski"], ["Nurhasanah", "Nur Hasanah"],
    ["Abdullah", "Abdulah"], ["Kurniawan"], ["Hidayat", "Hidajat"], ["Ramadhan", "Ramadan"],
    ["Saputra", "Saputera"], ["Permata"], ["Wulandari"], ["Setiawan", "Setiyawan"],
]  # fmt: skip
LAST = [
    ["Santoso"], ["Sukarno", "Soekarno"], ["Hidayat"], ["Siregar"], ["Nasution"], ["Lubis"],
    ["Harahap"], ["Simanjuntak"], ["Wijaya", "Widjaja"], ["Susanto"], ["Pratama"],
    ["Kusuma", "Koesoema"], ["Gunawan"], ["Purnomo"], ["Syahputra", "Sjahputra"], ["Utami"],
    ["Handayani"], ["Rahayu"], ["Anwar"], ["Hasibuan"], ["Tambunan"], ["Marpaung"], [""],
    ["Chairul", "Khairul", "Hairul"], ["Tjahjono", "Cahyono"], ["Effendi", "Efendi"],
]  # fmt: skip
TITLES = ["H. ", "Hj. ", "Drs. ", "Ir. "]
DEGREES = [", S.Pd.", ", S.H.", " S.E", ", A.Md.", ", S.Pd., M.Si."]
PLACES = [
    "Kuala Kurun", "Palangka Raya", "Tewah", "Kurun", "Sepang", "Banjarmasin", "Jakarta",
    "Surabaya", "Sampit", "Pangkalan Bun", "Kapuas", "Muara Teweh", "Buntok", "Medan",
]  # fmt: skip
START, DAYS = dt.date(1940, 1, 1), (dt.date(2007, 12, 31) - dt.date(1940, 1, 1)).days + 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--voters", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--profile", action="store_true", help="print find_duplicates' cProfile")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="pilkada-bench-")
    os.environ["PILKADA_DATA_DIR"] = work
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilkada.settings")
    import django

    django.setup()  # for the translated reasons; no database is used
    try:
        measure(args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(args) -> None:
    from pilkada.voters.duplicates import find_duplicates, tier_counts

    started = time.perf_counter()
    frame, injected = synthetic_voters(args.voters, random.Random(args.seed))
    print(f"built {frame.height:,} voters ({len(injected):,} injected) in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    built_peak = _peak_mib()
    if args.profile:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
    started = time.perf_counter()
    pairs = find_duplicates(frame)
    seconds = time.perf_counter() - started
    if args.profile:
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    counts = tier_counts(pairs)
    found = {(a, b): t for a, b, t in pairs.select("id_a", "id_b", "tier").iter_rows()}
    print(f"find_duplicates: {seconds:8.2f} s  ({frame.height / seconds:,.0f} voters/s; "
          "target <= 60 s)")  # fmt: skip
    for tier in (1, 2, 3):
        mine = [pair for pair, t in injected.items() if t == tier]
        hit = sum(1 for pair in mine if found.get(pair) == tier)
        print(f"tier {tier}: {counts[tier]:8,} pairs; injected {len(mine):6,}, "
              f"found as tier {tier}: {hit:6,}")  # fmt: skip
    print(f"peak RSS: {_peak_mib():,.0f} MiB (after building the frame: {built_peak:,.0f} MiB)")


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def synthetic_voters(n: int, rng: random.Random):
    """``n`` voters, about 1 % of them injected duplicates; returns the frame and the injected
    pairs as {(id of the original, id of the copy): tier}."""
    import polars as pl

    n_dup = n // 100
    base = n - n_dup
    rows = {c: [] for c in ("nik", "name", "birth_date", "birth_place", "sex", "tps", "region")}
    parts = []
    for i in range(base):
        sex = "P" if rng.random() < 0.5 else "L"
        names = (rng.randrange(len(FIRST)), rng.randrange(len(MIDDLE)), rng.randrange(len(LAST)))
        parts.append(names)
        r = rng.random()
        if r < 0.03:  # placeholder dates of people whose birth date was not known
            day = dt.date(1940 + rng.randrange(68), 7, 1)
        elif r < 0.04:
            day = dt.date(1940 + rng.randrange(68), 12, 31)
        else:
            day = START + dt.timedelta(days=rng.randrange(DAYS))
        kec, desa = 1 + (i // 60_000) % 13, 1001 + (i // 6000) % 10
        _append(rows, _nik(day, sex, 620000 + i // 10_000, i % 10_000), _name(names, rng), day,
                rng.choice(PLACES), sex, f"6210{kec:02d}{desa}{1 + i % 20:03d}")  # fmt: skip
    injected = {}
    for k in range(n_dup):
        src = rng.randrange(base)
        tier = (1, 1, 2, 2, 3)[k % 5]
        nik, day, sex = rows["nik"][src], rows["birth_date"][src], rows["sex"][src]
        place = rows["birth_place"][src]
        name = _name(parts[src], rng)
        if tier == 2:
            nik = _nik(day, sex, 720000 + k // 10_000, k % 10_000)
        elif tier == 3:
            name = _name((rng.randrange(len(FIRST)), 0, rng.randrange(len(LAST))), rng)
            if rng.random() < 0.5:
                day = START + dt.timedelta(days=rng.randrange(DAYS))
        _append(rows, nik, name, day, place, sex, rows["tps"][rng.randrange(base)])
        injected[(src + 1, base + k + 1)] = tier
    frame = pl.DataFrame(rows).with_row_index("id", offset=1)
    return frame.with_columns(pl.col("id").cast(pl.Int64)), injected


def _append(rows, nik, name, day, place, sex, tps) -> None:
    for column, value in zip(rows, (nik, name, day, place, sex, tps, tps[:10]), strict=True):
        rows[column].append(value)


def _nik(day: dt.date, sex: str, region: int, serial: int) -> str:
    return f"{region:06d}{day.day + (40 if sex == 'P' else 0):02d}{day:%m%y}{serial:04d}"


def _name(parts: tuple[int, int, int], rng: random.Random) -> str:
    groups = zip((FIRST, MIDDLE, LAST), parts, strict=True)
    first, middle, last = (rng.choice(group[i]) for group, i in groups)
    name = " ".join(p for p in (first, middle, last) if p)
    if rng.random() < 0.03:
        name = rng.choice(TITLES) + name
    if rng.random() < 0.03:
        name += rng.choice(DEGREES)
    return name.upper() if rng.random() < 0.7 else name


if __name__ == "__main__":
    main()
