"""File imports of regions and polling stations: column specs and the pipeline call."""

from __future__ import annotations

from pilkada.core.imports import ImportSummary, run_import
from pilkada.dataio.columns import Column, Spec
from pilkada.dataio.parsers import count, decimal_or_none, region_code, text, tps_number
from pilkada.regions.services import (
    upsert_regions,
    upsert_stations,
    validate_regions,
    validate_stations,
)

REGION_SPEC = Spec(
    name="wilayah",
    columns=[
        Column(
            "kode", aliases=("kode wilayah", "kode kemendagri"), parser=region_code, required=True
        ),
        Column("nama", aliases=("nama wilayah",), parser=text, required=True),
        Column("tingkat", aliases=("level",), parser=text, required=False),
    ],
)

STATION_SPEC = Spec(
    name="tps",
    columns=[
        Column(
            "kode_desa",
            aliases=("kode desa", "kode kelurahan", "kode wilayah"),
            parser=region_code,
            required=True,
        ),
        Column(
            "nomor_tps", aliases=("nomor tps", "no tps", "tps"), parser=tps_number, required=True
        ),
        Column("dpt_l", aliases=("dpt laki-laki", "laki-laki", "l"), parser=count, required=True),
        Column("dpt_p", aliases=("dpt perempuan", "perempuan", "p"), parser=count, required=True),
        Column("alamat", aliases=("lokasi",), parser=text, required=False),
        Column("lintang", aliases=("latitude", "lat"), parser=decimal_or_none, required=False),
        Column(
            "bujur", aliases=("longitude", "long", "lon"), parser=decimal_or_none, required=False
        ),
    ],
)


def import_regions_file(path, *, dry_run: bool = False, isolated: bool = False) -> ImportSummary:
    return run_import(
        path, REGION_SPEC, validate_regions, upsert_regions, dry_run=dry_run, isolated=isolated
    )


def import_stations_file(path, *, dry_run: bool = False, isolated: bool = False) -> ImportSummary:
    return run_import(
        path, STATION_SPEC, validate_stations, upsert_stations, dry_run=dry_run, isolated=isolated
    )
