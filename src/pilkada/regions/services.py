"""Writes to regions and polling stations: validation of rows, then one upsert."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from pilkada.audit.chain import CLI_ORIGIN, Origin, record
from pilkada.audit.models import Action
from pilkada.core.imports import ImportSummary, RowProblem
from pilkada.regions import codes
from pilkada.regions.models import PollingStation, Region

LEVEL_WORDS = {
    "provinsi": "provinsi",
    "kabupaten": "kabkota",
    "kota": "kabkota",
    "kabkota": "kabkota",
    "kabupaten/kota": "kabkota",
    "kecamatan": "kecamatan",
    "desa": "desa",
    "kelurahan": "desa",
    "desa/kelurahan": "desa",
}


def validate_regions(rows: list[dict]) -> list[RowProblem]:
    """Rows have ``kode``, ``nama`` and optionally ``tingkat``; codes must form a tree."""
    problems: list[RowProblem] = []
    in_file: dict[str, int] = {}
    for i, row in enumerate(rows):
        code = row["kode"]
        if code in in_file:
            problems.append(
                RowProblem(i, "kode", _("kode %(c)s sudah muncul di baris lain") % {"c": code})
            )
        in_file.setdefault(code, i)
        if not row.get("nama"):
            problems.append(RowProblem(i, "nama", _("nama wilayah wajib diisi")))
        elif len(row["nama"]) > MAX_NAME:
            problems.append(
                RowProblem(
                    i, "nama", _("nama wilayah paling banyak %(n)d karakter") % {"n": MAX_NAME}
                )
            )
        word = (row.get("tingkat") or "").strip().lower()
        if word:
            level = LEVEL_WORDS.get(word)
            if level is None:
                problems.append(
                    RowProblem(i, "tingkat", _("tingkat '%(t)s' tidak dikenal") % {"t": word})
                )
            elif level != codes.level_of(code):
                problems.append(
                    RowProblem(
                        i,
                        "tingkat",
                        _("tingkat '%(t)s' tidak cocok dengan kode %(c)s (tingkat %(l)s)")
                        % {"t": word, "c": code, "l": codes.level_of(code)},
                    )
                )
    parents = {codes.parent_of(r["kode"]) for r in rows} - {None} - set(in_file)
    known = set(Region.objects.filter(code__in=parents).values_list("code", flat=True))
    for i, row in enumerate(rows):
        parent = codes.parent_of(row["kode"])
        if parent and parent not in in_file and parent not in known:
            problems.append(
                RowProblem(
                    i,
                    "kode",
                    _("wilayah induk %(p)s belum ada; sertakan di berkas atau impor lebih dulu")
                    % {"p": parent},
                )
            )
    return problems


@transaction.atomic
def upsert_regions(rows: list[dict], *, origin: Origin = CLI_ORIGIN, user=None) -> ImportSummary:
    """Create new regions and rename changed ones; rows must have passed validation."""
    summary = ImportSummary()
    existing = {r.code: r for r in Region.objects.filter(code__in=[r["kode"] for r in rows])}
    new, renamed, log = [], [], []
    for index, row in enumerate(rows):
        region = existing.get(row["kode"])
        if region is None:
            new.append(
                Region(code=row["kode"], name=row["nama"], level=codes.level_of(row["kode"]))
            )
            log.append(origin.change(Action.CREATE, "regions.region", row["kode"], row["nama"],
                                     None, {"nama": row["nama"]}, index))  # fmt: skip
        elif region.name != row["nama"]:
            before = {"nama": region.name}
            log.append(origin.change(Action.UPDATE, "regions.region", row["kode"], row["nama"],
                                     before, {"nama": row["nama"]}, index))  # fmt: skip
            region.name = row["nama"]
            renamed.append(region)
        else:
            summary.unchanged += 1
    Region.objects.bulk_create(new, batch_size=2000)
    Region.objects.bulk_update(renamed, ["name"], batch_size=2000)
    record(log, user=user)
    summary.created, summary.updated = len(new), len(renamed)
    return summary


MAX_NAME = 200
MAX_TPS_VOTERS = 100_000  # far above any TPS limit; guards the database column
COORDINATE_RANGES = {"lintang": Decimal(90), "bujur": Decimal(180)}


def _station_value_problems(i: int, row: dict) -> list[RowProblem]:
    problems = []
    for column in ("dpt_l", "dpt_p"):
        if row[column] > MAX_TPS_VOTERS:
            problems.append(
                RowProblem(
                    i, column, _("%(v)d pemilih terlalu banyak untuk satu TPS") % {"v": row[column]}
                )
            )
    for column, limit in COORDINATE_RANGES.items():
        value = row.get(column)
        if (
            value is not None
            and value != ""
            and (abs(value) > limit or value != value.quantize(Decimal("0.000001")))
        ):
            problems.append(
                RowProblem(
                    i,
                    column,
                    _("koordinat %(v)s harus antara -%(lim)s dan %(lim)s, paling banyak 6 desimal")
                    % {"v": value, "lim": limit},
                )
            )
    if len(row.get("alamat") or "") > 300:
        problems.append(RowProblem(i, "alamat", _("alamat paling banyak 300 karakter")))
    return problems


STATION_FIELDS = ("registered_men", "registered_women", "address", "latitude", "longitude")


def validate_stations(rows: list[dict]) -> list[RowProblem]:
    """Rows have ``kode_desa``, ``nomor_tps``, ``dpt_l``, ``dpt_p`` and optional extras."""
    problems: list[RowProblem] = []
    desa = set(
        Region.objects.filter(code__in={r["kode_desa"] for r in rows}, level="desa").values_list(
            "code", flat=True
        )
    )
    seen: dict[tuple[str, str], int] = {}
    for i, row in enumerate(rows):
        if row["kode_desa"] not in desa:
            problems.append(
                RowProblem(
                    i,
                    "kode_desa",
                    _("desa/kelurahan dengan kode %(c)s tidak ada; impor wilayah lebih dulu")
                    % {"c": row["kode_desa"]},
                )
            )
        problems.extend(_station_value_problems(i, row))
        key = (row["kode_desa"], row["nomor_tps"])
        if key in seen:
            problems.append(
                RowProblem(
                    i,
                    "nomor_tps",
                    _("TPS %(n)s di desa %(c)s sudah muncul di baris lain")
                    % {"n": row["nomor_tps"], "c": row["kode_desa"]},
                )
            )
        seen.setdefault(key, i)
    return problems


def _station_values(row: dict) -> dict:
    values = {"registered_men": row["dpt_l"], "registered_women": row["dpt_p"]}
    for column, attr in (("alamat", "address"), ("lintang", "latitude"), ("bujur", "longitude")):
        if column in row and row[column] not in (None, ""):
            values[attr] = row[column]
    return values


def _station_state(values: dict) -> dict:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in values.items()}


@transaction.atomic
def upsert_stations(rows: list[dict], *, origin: Origin = CLI_ORIGIN, user=None) -> ImportSummary:
    """Create new TPS and update the voter counts and details of known ones."""
    summary = ImportSummary()
    desa_ids = dict(
        Region.objects.filter(code__in={r["kode_desa"] for r in rows}).values_list("code", "id")
    )
    existing = {
        (s.desa_id, s.number): s
        for s in PollingStation.objects.filter(desa_id__in=desa_ids.values())
    }
    new, changed, log = [], [], []
    for index, row in enumerate(rows):
        values = _station_values(row)
        station = existing.get((desa_ids[row["kode_desa"]], row["nomor_tps"]))
        tps = f"{row['kode_desa']} TPS {row['nomor_tps']}"
        if station is None:
            new.append(
                PollingStation(
                    desa_id=desa_ids[row["kode_desa"]], number=row["nomor_tps"], **values
                )
            )
            log.append(origin.change(Action.CREATE, "regions.pollingstation", tps, tps, None,
                                     _station_state(values), index))  # fmt: skip
        elif any(getattr(station, k) != v for k, v in values.items()):
            before = _station_state({k: getattr(station, k) for k in values})
            for k, v in values.items():
                setattr(station, k, v)
            changed.append(station)
            log.append(origin.change(Action.UPDATE, "regions.pollingstation", tps, tps, before,
                                     _station_state(values), index))  # fmt: skip
        else:
            summary.unchanged += 1
    PollingStation.objects.bulk_create(new, batch_size=2000)
    PollingStation.objects.bulk_update(changed, list(STATION_FIELDS), batch_size=2000)
    record(log, user=user)
    summary.created, summary.updated = len(new), len(changed)
    return summary
