"""The simulated demo election for Kabupaten Gunung Mas, generated deterministically.

Regions are the official Kemendagri codes and names shipped in ``data/``; everything else —
TPS, voter counts, candidate pairs, results — is invented and labelled as simulated wherever
it shows. A handful of result sheets break the form's rules the way real forms did in 2024
(domain.md §3), so the checks have something to find.
"""

from __future__ import annotations

import csv
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources

from pilkada.regions import codes
from pilkada.tallies.form import SCHEMES, SheetNumbers

SEED = 2024
KABUPATEN = "62.10"
ELECTION_CODE = "pilbup-gumas-2024-simulasi"
ELECTION_NAME = "Pemilihan Bupati dan Wakil Bupati Gunung Mas 2024 (SIMULASI)"
POLLING_DATE = "2024-11-27"
REPORTED_SHARE = 0.70
RESERVE_PERCENT = Decimal("2.5")
SCHEMES_2024 = SCHEMES["2024"]

PAIRS = (
    {
        "number": 1,
        "kind": "partai",
        "head_name": "Yohanes Damang Saputra",
        "deputy_name": "Rina Kahayan Lestari",
        "parties": ["Partai Simulasi Harapan", "Partai Simulasi Sungai"],
    },
    {
        "number": 2,
        "kind": "partai",
        "head_name": "Benediktus Tingang",
        "deputy_name": "Siti Nurhaliza Rungan",
        "parties": ["Partai Simulasi Rakyat"],
    },
    {
        "number": 3,
        "kind": "perseorangan",
        "head_name": "Agustinus Manuhing",
        "deputy_name": "Dewi Miri Anggraini",
        "parties": [],
    },
)
BASE_SHARES = (0.41, 0.36, 0.23)


@dataclass(frozen=True)
class DemoStation:
    desa_code: str
    number: str
    men: int
    women: int


@dataclass(frozen=True)
class DemoSheet:
    desa_code: str
    number: str
    numbers: SheetNumbers
    flaw: str = ""  # what is deliberately wrong, for the revision note
    verified: bool = False


@dataclass
class DemoData:
    regions: list[dict] = field(default_factory=list)
    stations: list[DemoStation] = field(default_factory=list)
    sheets: list[DemoSheet] = field(default_factory=list)


def region_rows() -> list[dict]:
    """The official region list shipped with the package (kode, nama, tingkat)."""
    text = (
        resources.files("pilkada.demo")
        .joinpath("data/wilayah-gunung-mas.csv")
        .read_text(encoding="utf-8")
    )
    return list(csv.DictReader(text.splitlines()))


def make_stations(desa_codes: list[str], rng: random.Random) -> list[DemoStation]:
    stations = []
    for code in desa_codes:
        count = (
            rng.randint(4, 7) if codes.is_kelurahan(code) else rng.choices((1, 2, 3), (4, 4, 2))[0]
        )
        for n in range(1, count + 1):
            voters = rng.randint(170, 440)
            men = round(voters * rng.uniform(0.49, 0.53))
            stations.append(DemoStation(code, f"{n:03d}", men, voters - men))
    return stations


def _lpj(fields: dict, row: str, men: int, women: int) -> None:
    fields[f"{row}_men"], fields[f"{row}_women"], fields[f"{row}_total"] = men, women, men + women


def _split_votes(valid: int, weights: list[float]) -> dict[int, int]:
    total = sum(weights)
    votes = [math.floor(valid * w / total) for w in weights]
    votes[votes.index(max(votes))] += valid - sum(votes)
    return {i + 1: v for i, v in enumerate(votes)}


def consistent_numbers(st: DemoStation, kec_index: int, rng: random.Random) -> SheetNumbers:
    """A form that obeys every rule, with plausible turnout and a regional lean."""
    f: dict[str, int] = {}
    reg = {"1": (st.men, st.women), "2": (rng.randint(0, 3), rng.randint(0, 3))}
    reg["3"] = (rng.randint(0, 3), rng.randint(0, 3))
    turnout = rng.uniform(0.62, 0.86)
    voted = {
        "1": (round(st.men * turnout), round(st.women * min(turnout + 0.02, 0.95))),
        "2": (rng.randint(0, reg["2"][0]), rng.randint(0, reg["2"][1])),
        "3": reg["3"],  # voters registered on the day all voted
    }
    for key in ("1", "2", "3"):
        _lpj(f, f"registered_{key}", *reg[key])
        _lpj(f, f"voted_{key}", *voted[key])
    _lpj(f, "registered_all", *(sum(reg[k][i] for k in reg) for i in (0, 1)))
    _lpj(f, "voted_all", *(sum(voted[k][i] for k in voted) for i in (0, 1)))
    dis = (rng.randint(0, 3), rng.randint(0, 3))
    _lpj(f, "disabled_registered", *dis)
    _lpj(f, "disabled_voted", rng.randint(0, dis[0]), rng.randint(0, dis[1]))

    used = f["voted_all_total"]
    dpt = f["registered_1_total"]
    received = dpt + math.ceil(Decimal(dpt) * RESERVE_PERCENT / 100)
    damaged = min(rng.randint(0, 2), received - used)
    f.update(
        ballots_received=received,
        ballots_used=used,
        ballots_damaged=damaged,
        ballots_unused=received - used - damaged,
    )
    invalid = round(used * rng.uniform(0.005, 0.03))
    f.update(total_votes=used, invalid_votes=invalid, valid_votes=used - invalid)
    lean = [w * rng.uniform(0.8, 1.2) for w in BASE_SHARES]
    lean[kec_index % 3] *= 1.25  # each kecamatan leans a little towards one pair
    return SheetNumbers(fields=f, votes=_split_votes(f["valid_votes"], lean))


def _flawed(numbers: SheetNumbers, flaw: str) -> SheetNumbers:
    """Re-create one real-world failure (domain.md §3) on an otherwise good form."""
    f, v = dict(numbers.fields), dict(numbers.votes)
    if flaw == "ocr_leading_8":  # Banyuwangi: 11 read as 826, 23 as 823
        v[1] = int("8" + str(v[1]))
    elif flaw == "ocr_99_as_44":
        v[2] = int(str(v[2]).replace("9", "4")) if "9" in str(v[2]) else v[2] + 50
    elif flaw == "lp_not_j":  # Duri Kepa TPS 036: L + P far from J
        f["registered_1_men"] = f["registered_1_total"] * 2 + 12
    elif flaw == "php_vs_votes":  # PHP 594 vs valid + invalid 194
        f["valid_votes"] -= 100
        f["total_votes"] -= 100
    elif flaw == "ballots_sum":
        f["ballots_unused"] += 15
    elif flaw == "disabled":
        f["disabled_voted_men"] = f["disabled_registered_men"] + 2
        f["disabled_voted_total"] = f["disabled_voted_men"] + f["disabled_voted_women"]
    return SheetNumbers(fields=f, votes=v)


FLAWS = ("ocr_leading_8", "ocr_99_as_44", "lp_not_j", "php_vs_votes", "ballots_sum", "disabled")
FLAW_NOTES = {
    "ocr_leading_8": "Simulasi salah baca OCR: angka 8 tambahan di depan suara paslon 1",
    "ocr_99_as_44": "Simulasi salah baca OCR: angka 9 terbaca 4",
    "lp_not_j": "Simulasi: L + P tidak sama dengan J pada baris DPT",
    "php_vs_votes": "Simulasi: pengguna hak pilih tidak sama dengan suara sah + tidak sah",
    "ballots_sum": "Simulasi: jumlah surat suara tidak cocok",
    "disabled": "Simulasi: pemilih disabilitas yang memilih melebihi yang terdaftar",
}


def generate(seed: int = SEED) -> DemoData:
    rng = random.Random(seed)
    regions = region_rows()
    desa_codes = [r["kode"] for r in regions if r["tingkat"] == "desa"]
    kec_codes = [r["kode"] for r in regions if r["tingkat"] == "kecamatan"]
    stations = make_stations(desa_codes, rng)
    reported = sorted(rng.sample(range(len(stations)), round(len(stations) * REPORTED_SHARE)))
    flawed_at = dict(zip(rng.sample(reported, len(FLAWS)), FLAWS, strict=True))
    sheets = []
    for i in reported:
        st = stations[i]
        numbers = consistent_numbers(st, kec_codes.index(st.desa_code[:8]), rng)
        flaw = flawed_at.get(i, "")
        if flaw:
            numbers = _flawed(numbers, flaw)
        elif rng.random() < 0.06:  # a witness's first report: only the votes so far
            numbers = SheetNumbers(fields={}, votes=numbers.votes)
        sheets.append(
            DemoSheet(
                st.desa_code, st.number, numbers, flaw, verified=not flaw and rng.random() < 0.3
            )
        )
    return DemoData(regions=regions, stations=stations, sheets=sheets)
