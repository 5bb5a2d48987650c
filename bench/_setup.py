"""The throw-away database every benchmark runs against."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def throwaway_database() -> Path:
    """Set Django up on a fresh SQLite database in a temporary folder (returned), or on the
    PostgreSQL database DATABASE_URL names, emptied first; refuses one whose name lacks
    'bench' so that real data is never touched. Migrates."""
    work = Path(tempfile.mkdtemp(prefix="pilkada-bench-"))
    os.environ["PILKADA_DATA_DIR"] = str(work)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilkada.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        if "bench" not in connection.settings_dict["NAME"]:
            sys.exit("Refusing to empty a database whose name lacks 'bench'.")
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    return work


def synthetic_area(n_tps: int, *, kec_per_kab: int, per_desa: int = 20, desa_per_kec: int = 10):
    """Regions and TPS rows (for ``upsert_regions``/``upsert_stations``) of a made-up province
    32: ``per_desa`` TPS a desa, ``desa_per_kec`` desa a kecamatan, ``kec_per_kab`` kecamatan
    a kabupaten (32.01, 32.02, …), ``n_tps`` TPS in all, 300 voters each."""
    regions, stations = [{"kode": "32", "nama": "Jawa Barat"}], []
    for i in range(n_tps):
        d = i // per_desa
        k = d // desa_per_kec
        kab, kec, desa = 1 + k // kec_per_kab, 1 + k % kec_per_kab, 2001 + d % desa_per_kec
        code = f"32.{kab:02d}.{kec:02d}.{desa}"
        if i % per_desa == 0:
            if d % (desa_per_kec * kec_per_kab) == 0:
                regions.append({"kode": code[:5], "nama": f"Kabupaten {kab}"})
            if d % desa_per_kec == 0:
                regions.append({"kode": code[:8], "nama": f"Kecamatan {kab}-{kec}"})
            regions.append({"kode": code, "nama": f"Desa {d}"})
        stations.append(
            {"kode_desa": code, "nomor_tps": f"{1 + i % per_desa:03d}", "dpt_l": 150, "dpt_p": 150}
        )
    return regions, stations


def plausible_numbers(desa_code: str, number: str, men: int, women: int, n_pairs: int, rng,
                      *, flawed: bool):  # fmt: skip
    """A plausible form for one TPS (the demo's generator), votes split over ``n_pairs``;
    ``flawed``: three valid votes too many, so that rule R5 fails."""
    from pilkada.demo.generate import DemoStation, _split_votes, consistent_numbers
    from pilkada.tallies.form import SheetNumbers

    numbers = consistent_numbers(DemoStation(desa_code, number, men, women), 0, rng)
    fields = dict(numbers.fields)
    if flawed:
        fields["valid_votes"] += 3
    weights = [rng.uniform(0.5, 1.5) for _ in range(n_pairs)]
    return SheetNumbers(fields=fields, votes=_split_votes(numbers.fields["valid_votes"], weights))
