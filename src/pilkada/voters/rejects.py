"""The rejects workbook: the rows an import refused, as the user wrote them, with the reason.

It is itself an importable voter list: KPU headers, a ``KODE TPS`` column naming each row's
TPS (when it was known), every cell as text so that NIK keeps its 16 digits, and two columns
the importer ignores: ``ALASAN`` (why) and ``ASAL`` (file, sheet and row it came from). Fix
the rows, delete the two columns or leave them, and import the workbook again.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import xlsxwriter
from django.utils.translation import gettext as _

from pilkada.core.chunks import chunked
from pilkada.regions.models import PollingStation
from pilkada.voters.placement import STATION
from pilkada.voters.reading import ROW, SPEC

SHEET = "Ditolak"
WIDTHS = {"nik": 19, "nkk": 19, "name": 28, "address": 28, "tps_id": 16}


def write_rejects(path: Path | str, rejected: pl.DataFrame) -> Path:
    """Write ``rejected`` (``voters.checks.Checked.rejected``) to ``path``."""
    path = Path(path)
    columns = [c for c in SPEC.columns if c.name in rejected.columns and c.name != "tps_id"]
    tps_ids = _tps_ids(rejected)
    workbook = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_formulas": False,
                    "strings_to_numbers": False, "strings_to_urls": False},
    )  # fmt: skip
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    as_text = workbook.add_format({"num_format": "@"})
    reason = workbook.add_format({"font_color": "#9C0006", "text_wrap": True})
    sheet = workbook.add_worksheet(SHEET)
    headers = [c.label for c in columns] + ["KODE TPS", _("ALASAN"), _("ASAL")]
    for index, header in enumerate(headers):
        sheet.write_string(0, index, header, bold)
        name = columns[index].name if index < len(columns) else None
        width = WIDTHS.get(name or "", 14)
        sheet.set_column(index, index, width, as_text)
    sheet.set_column(len(columns), len(columns), WIDTHS["tps_id"], as_text)
    sheet.set_column(len(columns) + 1, len(columns) + 1, 60, reason)
    sheet.set_column(len(columns) + 2, len(columns) + 2, 30)
    sheet.freeze_panes(1, 0)
    order = [c.name for c in columns]
    for r, row in enumerate(rejected.sort("_file", "_sheet", ROW).iter_rows(named=True), start=1):
        for c, name in enumerate(order):
            value = row.get(name)
            if value is not None:
                sheet.write_string(r, c, str(value), as_text)
        tps = tps_ids.get(row.get(STATION)) or row.get("tps_id")
        if tps:
            sheet.write_string(r, len(order), str(tps), as_text)
        sheet.write_string(r, len(order) + 1, row.get("_reason") or "", reason)
        where = _("%(f)s, lembar %(s)s, baris %(r)s") % {
            "f": row["_file"], "s": row["_sheet"], "r": row[ROW]
        }  # fmt: skip
        sheet.write_string(r, len(order) + 2, where)
    if rejected.height:
        sheet.autofilter(0, 0, rejected.height, len(headers) - 1)
    workbook.close()
    return path


def _tps_ids(rejected: pl.DataFrame) -> dict[int, str]:
    if STATION not in rejected.columns:
        return {}
    ids = [i for i in rejected[STATION].unique().to_list() if i is not None]
    return {
        s.pk: s.desa.code.replace(".", "") + s.number
        for chunk in chunked(ids)
        for s in PollingStation.objects.filter(pk__in=chunk).select_related("desa")
    }
