"""A simulated voter list for the demo election: as many voters per TPS as its DPT figures,
with plausible names, NIK whose date part agrees with the birth date, some voters with a
disability, first-time voters, and a few planted duplicates of each tier so that the
duplicate report has something to show. Every person is invented."""

from __future__ import annotations

import datetime as dt
import hashlib
import random

import polars as pl

from pilkada.voters.checks import VOTER_COLUMNS
from pilkada.voters.placement import STATION

FIRST_MEN = ["AHMAD", "BUDI", "DANIEL", "EKO", "HENDRA", "IMAN", "JOKO", "MUHAMMAD", "RAHMAT",
             "YOHANES", "ANDREAS", "SUPRIADI", "TOMMY", "RUDI"]  # fmt: skip
FIRST_WOMEN = ["SITI", "DEWI", "MARIA", "NUR", "RINA", "SRI", "YULIANA", "LESTARI", "ELISABETH",
               "MARTHA", "FITRI", "INDAH", "NOVI", "WATI"]  # fmt: skip
FAMILY = ["AMBAN", "BUNGAI", "DJAPARI", "HARIS", "KURNIAWAN", "LAMBUNG", "NAHAN", "PRATAMA",
          "RAHAYU", "SANTOSO", "TINGANG", "UJANG", "WIJAYA", "SAPUTRA", ""]  # fmt: skip
MIDDLE = ["ADI", "AGUS", "BAYU", "CAHYA", "DIAN", "EKA", "FAJAR", "GITA", "INTAN", "PUTRA",
          "RATNA", "SURYA", "TRI", "WAHYU", "YUDA", "ZAHRA"]  # fmt: skip
PLACES = ["KUALA KURUN", "TEWAH", "PALANGKA RAYA", "KURUN", "SEPANG", "RUNGAN", "BANJARMASIN"]
DISABILITIES = ["fisik", "netra", "rungu", "wicara", "intelektual", "mental"]


def demo_voters(stations, polling_day: dt.date, seed: int) -> pl.DataFrame:
    """``stations``: (station id, desa code, registered men, registered women)."""
    rng = random.Random(seed)
    rows = []
    serial = 0
    for station_id, desa_code, men, women in stations:
        region = desa_code.replace(".", "")[:6]
        sexes = ["L"] * men + ["P"] * women
        rng.shuffle(sexes)
        for number, sex in enumerate(sexes, start=1):
            serial += 1
            age_days = rng.randint(17 * 366, 85 * 365)
            birth = polling_day - dt.timedelta(days=age_days)
            first = rng.choice(FIRST_MEN if sex == "L" else FIRST_WOMEN)
            family = rng.choice(FAMILY)
            rows.append(
                {
                    STATION: station_id,
                    "number": number,
                    "nkk": f"{region}{rng.randrange(10**9, 10**10)}",
                    "nik": _nik(region, birth, sex, serial),
                    "name": " ".join(n for n in (first, rng.choice(MIDDLE), family) if n),
                    "birth_place": rng.choice(PLACES),
                    "birth_date": birth,
                    "marital": "B"
                    if age_days < 22 * 365 and rng.random() < 0.8
                    else rng.choice("SSSP"),  # fmt: skip
                    "sex": sex,
                    "address": f"JL. {rng.choice(FAMILY) or 'TJILIK RIWUT'} NO. {number}",
                    "rt": f"{rng.randint(1, 12):03d}",
                    "rw": f"{rng.randint(1, 5):03d}",
                    "disability": rng.choice(DISABILITIES) if rng.random() < 0.008 else "",
                }
            )
    _plant_duplicates(rows, rng)
    frame = pl.DataFrame(rows)
    return frame.with_columns(
        pl.col("birth_date").cast(pl.Date),
        pl.lit("pemilih-simulasi").alias("_file"),
        pl.lit("DPT").alias("_sheet"),
        pl.int_range(2, frame.height + 2, dtype=pl.Int32).alias("_row"),
    ).select(STATION, *VOTER_COLUMNS, "_file", "_sheet", "_row")


def _nik(region: str, birth: dt.date, sex: str, serial: int) -> str:
    day = birth.day + (40 if sex == "P" else 0)
    return f"{region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial % 10000:04d}"


def _plant_duplicates(rows: list[dict], rng: random.Random) -> None:
    """Rewrite a few voters, each at a TPS other than the original's, into duplicates: the
    same person again (tier 1), the same person with a new NIK and a spelling variant
    (tier 2), a different person under someone's NIK (tier 3)."""
    for tier in (1, 1, 1, 2, 2, 2, 3, 3):
        original, copy = rng.sample(range(len(rows)), 2)
        a, b = rows[original], rows[copy]
        if a[STATION] == b[STATION]:
            continue
        keep = {STATION: b[STATION], "number": b["number"]}
        if tier == 1:
            b.update({**a, **keep})
        elif tier == 2:
            serial = (int(a["nik"][-4:]) + 5000) % 10000
            variant = a["name"].replace("MUHAMMAD", "M.").replace("NUR ", "NUR")
            b.update({**a, **keep, "nik": f"{a['nik'][:-4]}{serial:04d}", "name": variant})
        else:
            b["nik"] = a["nik"]


def demo_digest() -> str:
    return hashlib.sha256(b"pilkada-demo-voters").hexdigest()
