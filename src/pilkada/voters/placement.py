"""Which TPS each voter row belongs to.

Voter lists say it in one of four ways, tried in this order:

1. a ``KODE TPS`` column (Sirekap id ``6210021012003`` or ``62.10.02.1012.003``);
2. a ``TPS`` number column with a ``KODE DESA`` column;
3. a ``TPS`` number column, the desa named for the whole sheet;
4. nothing in the rows: the sheet is one TPS (KPU printouts: one sheet per TPS), its number
   in the sheet name (``TPS 003``) or a title row (``TPS : 003``).

For 3 and 4 the desa comes from the title rows: a dotted Kemendagri code anywhere in them
(``DESA/KELURAHAN : KUALA KURUN (62.10.02.1012)``), else the desa *name* after ``DESA`` or
``KELURAHAN``, narrowed by the ``KECAMATAN`` name when two desa share it; or from the
``--desa`` option. The NIK never decides the TPS: its region part is where the person
registered, not where they vote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl
from django.utils.translation import gettext as _

from pilkada.dataio.parsers import region_code, tps_id, tps_number
from pilkada.regions.codes import is_within, level_of
from pilkada.regions.models import PollingStation, Region
from pilkada.voters.reading import Table

STATION = "_station"
_TPS_IN_TEXT = re.compile(r"\bTPS\s*(?:NO\.?|NOMOR)?\s*[:.\-]?\s*0*(\d{1,3})\b", re.IGNORECASE)
_DESA_CODE = re.compile(r"(?<![\d.])(\d{2}\.\d{2}\.\d{2}\.\d{4})(?![\d.])")
_DESA_NAME = re.compile(r"\b(?:DESA|KELURAHAN)(?:\s*/\s*(?:DESA|KELURAHAN))?\s*:\s*(.+)", re.I)
_KEC_NAME = re.compile(r"\bKECAMATAN\s*:\s*(.+)", re.IGNORECASE)
_CUT = re.compile(r"\s{2,}|\b(?:KECAMATAN|KABUPATEN|KOTA|PROVINSI|TPS)\b", re.IGNORECASE)


@dataclass
class Area:
    """The TPS and desa of an election's area, looked up by code, id and name."""

    stations: pl.DataFrame  # _station (pk), tps_id, desa_code, tps
    desa_by_name: dict[str, list[tuple[str, str]]]  # name → [(desa code, kecamatan name)]
    area_code: str

    @classmethod
    def of(cls, election) -> Area:
        area = election.area_code
        rows = PollingStation.objects.filter(
            **({"desa__code__startswith": area + "."} if area else {})
        ).values_list("pk", "desa__code", "number")
        stations = pl.DataFrame(
            [(pk, code.replace(".", "") + number, code, number) for pk, code, number in rows],
            schema={STATION: pl.Int64, "tps_id": pl.String, "desa_code": pl.String,
                    "tps": pl.String},
            orient="row",
        )  # fmt: skip
        regions = Region.objects.filter(code__startswith=area + "." if area else "")
        kecamatan = {r.code: r.name for r in regions.filter(level="kecamatan").only("code", "name")}
        by_name: dict[str, list[tuple[str, str]]] = {}
        for r in regions.filter(level="desa").only("code", "name"):
            kec = kecamatan.get(r.code.rsplit(".", 1)[0], "")
            by_name.setdefault(_name_key(r.name), []).append((r.code, _name_key(kec)))
        return cls(stations, by_name, area)


def place(table: Table, area: Area, desa_option: str | None) -> tuple[pl.DataFrame, list]:
    """``table.frame`` with a ``_station`` column (null where unknown), and the errors."""
    frame = table.frame
    errors = []
    if "tps_id" in frame.columns:
        ids, errors = _map_distinct(table, "tps_id", tps_id)
        frame = frame.with_columns(ids.alias("_tps_id"))
        joined = frame.join(
            area.stations.select(STATION, "tps_id"), left_on="_tps_id", right_on="tps_id",
            how="left", maintain_order="left",
        )  # fmt: skip
        return _unknown(table, joined, "tps_id", errors, area)
    if "tps" in frame.columns:
        numbers, errors = _map_distinct(table, "tps", tps_number)
        frame = frame.with_columns(numbers.alias("_tps"))
    else:
        number = _sheet_tps(table)
        if number is None:
            return frame.with_columns(pl.lit(None, pl.Int64).alias(STATION)), [
                table.error(None, None, _no_tps_message())
            ]
        frame = frame.with_columns(pl.lit(number).alias("_tps"))
    if "desa_code" in frame.columns:
        codes, more = _map_distinct(table, "desa_code", region_code)
        errors += more
        frame = frame.with_columns(codes.alias("_desa"))
    else:
        desa, problem = _sheet_desa(table, area, desa_option)
        if desa is None:
            return frame.with_columns(pl.lit(None, pl.Int64).alias(STATION)), [
                *errors,
                table.error(None, None, problem),
            ]
        frame = frame.with_columns(pl.lit(desa).alias("_desa"))
    joined = frame.join(
        area.stations.select(STATION, "desa_code", "tps"),
        left_on=["_desa", "_tps"], right_on=["desa_code", "tps"], how="left",
        maintain_order="left",
    )  # fmt: skip
    return _unknown(table, joined, "tps" if "tps" in frame.columns else None, errors, area)


def _unknown(table, joined: pl.DataFrame, column, errors, area: Area):
    """Rows whose TPS was read but is not a TPS of the election's area."""
    keys = [c for c in ("_tps_id", "_desa", "_tps") if c in joined.columns]
    missing = joined.filter(pl.col(STATION).is_null() & pl.all_horizontal(
        pl.col(k).is_not_null() for k in keys
    ))  # fmt: skip
    for row in missing.select(ROW_COL, *keys).iter_rows(named=True):
        what = row.get("_tps_id") or f"{row.get('_desa')} TPS {row.get('_tps')}"
        errors.append(
            table.error(
                row[ROW_COL],
                column,
                _(
                    "TPS %(t)s tidak terdaftar di wilayah pemilihan ini (%(a)s); impor TPS-nya "
                    "dulu atau periksa kodenya"
                )
                % {"t": what, "a": area.area_code or "-"},
            )  # fmt: skip
        )
    return joined.drop(keys), errors


ROW_COL = "_row"


def _map_distinct(table: Table, column: str, parser) -> tuple[pl.Series, list]:
    """Parse each distinct value of a column once (a list has few TPS), map them back."""
    frame = table.frame
    parsed: dict[str, str | None] = {}
    bad: dict[str, str] = {}
    for value in frame[column].drop_nulls().unique().to_list():
        try:
            parsed[value] = parser(value)
        except ValueError as exc:
            bad[value] = str(exc)
            parsed[value] = None
    errors = []
    if bad:
        rows = frame.filter(pl.col(column).is_in(list(bad))).select(ROW_COL, column)
        for row, value in rows.iter_rows():
            errors.append(table.error(row, column, bad[value]))
    missing = frame.filter(pl.col(column).is_null())[ROW_COL].to_list()
    errors += [table.error(row, column, _("wajib diisi")) for row in missing]
    mapped = frame[column].replace_strict(parsed, default=None, return_dtype=pl.String)
    return mapped, errors


def _sheet_tps(table: Table) -> str | None:
    for text in (table.sheet, *table.titles):
        if m := _TPS_IN_TEXT.search(text):
            try:
                return tps_number(m.group(1))
            except ValueError:
                return None
    if re.fullmatch(r"\s*0*\d{1,3}\s*", table.sheet):
        return tps_number(table.sheet.strip())
    return None


def _sheet_desa(table: Table, area: Area, option: str | None) -> tuple[str | None, str]:
    texts = [table.sheet, *table.titles]
    for text in texts:
        for code in _DESA_CODE.findall(text):
            if level_of(code) == "desa":
                return _checked_desa(code, area)
    name = next((m.group(1) for t in texts if (m := _DESA_NAME.search(t))), None)
    if name is None:
        return _checked_desa(option, area) if option else (None, _no_desa_message())
    candidates = area.desa_by_name.get(_name_key(_CUT.split(name)[0]), [])
    if len(candidates) > 1:
        kec = next((m.group(1) for t in texts if (m := _KEC_NAME.search(t))), "")
        candidates = [c for c in candidates if c[1] == _name_key(_CUT.split(kec)[0])]
    if len(candidates) == 1:
        return candidates[0][0], ""
    if option:  # the sheet's own words come first; the option settles what they cannot
        return _checked_desa(option, area)
    return None, _(
        "desa/kelurahan '%(n)s' di baris judul tidak dapat dipastikan di wilayah pemilihan "
        "(%(k)d cocok); tulis kode desanya di baris judul, mis. '62.10.02.1012', atau pakai "
        "--desa KODE"
    ) % {"n": name.strip()[:60], "k": len(candidates)}


def _checked_desa(code: str, area: Area) -> tuple[str | None, str]:
    if is_within(code, area.area_code):
        return code, ""
    return None, _("desa %(c)s bukan bagian wilayah pemilihan ini (%(a)s)") % {
        "c": code,
        "a": area.area_code,
    }


def _name_key(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", name.casefold()).strip()


def _no_tps_message() -> str:
    return _(
        "TPS lembar ini tidak diketahui: tambahkan kolom KODE TPS (mis. '6210021012003'), atau "
        "kolom TPS, atau tulis 'TPS 001' di nama lembar atau di baris judul"
    )


def _no_desa_message() -> str:
    return _(
        "desa/kelurahan lembar ini tidak diketahui: tambahkan kolom KODE DESA, tulis kode desa "
        "di baris judul (mis. 'DESA/KELURAHAN : KUALA KURUN (62.10.02.1012)'), atau pakai "
        "--desa KODE"
    )
