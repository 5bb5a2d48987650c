"""Writing a recap workbook (the layout of the KPU D.Hasil recap forms) with XlsxWriter.

Sheet "Rekap": the form's rows down the side, one column per child region, a total column
whose cells are live formulas (SUM across, shares as votes / valid votes) carrying the
computed value as their cached result. Sheet "Temuan": the sheets with rule findings. Sheet
"Lampiran TPS": one row per TPS of the area in the flat result layout, so that
``pilkada import hasil`` reads the workbook back (and, unchanged, changes nothing). A bar
chart of the votes per pair. Every sheet names the election and the generation time to the
second, and prints landscape, fitted to the page width.

Text from users (region and candidate names, messages) is always written as a string cell,
never as a formula.

The workbook is written in XlsxWriter's ``constant_memory`` mode (a province has some 74,000
TPS): every sheet is written top row first, and the chart gets its cached values from here,
since that mode keeps no cells to take them from.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import datetime

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _
from xlsxwriter.utility import xl_rowcol_to_cell

from pilkada.recap.report import FormLine
from pilkada.tallies.selectors import finding_headers, finding_rows

FIRST_LINE_ROW = 5  # rows above: title, subtitle, generated-at, blank, header
TPS_HEADER_ROW = 2  # rows above: generated-at, what the sheet is for
TPS_TEXT_COLUMNS = 3  # TPS id, desa, TPS number; numbers from here on
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _stamp(election, generated: datetime) -> str:
    local = timezone.localtime(generated)
    text = _("%(election)s — dibuat %(when)s") % {
        "election": election.name,
        "when": local.strftime("%d-%m-%Y %H:%M:%S %Z"),
    }
    if election.is_simulated:
        text += " — " + _("DATA SIMULASI")
    return text


def write_recap_workbook(
    path,
    *,
    election,
    title: str,
    columns: list[str],
    lines: list[FormLine],
    findings,
    tps_headers: list[str] | None = None,
    tps_rows: Iterable[tuple[list[str], list]] = (),
) -> None:
    """Write the workbook. ``columns`` are the child regions' headings, in row order;
    ``tps_headers``/``tps_rows`` the TPS appendix (``recap.report.tps_headers``/``tps_rows``),
    left out when ``tps_headers`` is None."""
    generated = timezone.now()
    wb = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    fmt = {
        "title": wb.add_format({"bold": True, "font_size": 13}),
        "head": wb.add_format(
            {"bold": True, "bg_color": "#DDE6F0", "border": 1, "text_wrap": True, "valign": "top"}
        ),
        "label": wb.add_format({"border": 1, "text_wrap": True}),
        "count": wb.add_format({"border": 1, "num_format": "#,##0"}),
        "share": wb.add_format({"border": 1, "num_format": "0.00%"}),
        "total_count": wb.add_format({"border": 1, "bold": True, "num_format": "#,##0"}),
        "total_share": wb.add_format({"border": 1, "bold": True, "num_format": "0.00%"}),
        "text": wb.add_format({"text_wrap": True, "valign": "top"}),
        "number": wb.add_format({"num_format": "#,##0"}),
    }
    stamp = _stamp(election, generated)
    _recap_sheet(wb, fmt, stamp, title, columns, lines)
    _findings_sheet(wb, fmt, stamp, findings)
    if tps_headers is not None:
        _tps_sheet(wb, fmt, stamp, tps_headers, tps_rows)
    wb.close()


def _recap_sheet(wb, fmt, stamp: str, title: str, columns: list[str], lines: list[FormLine]):
    ws = wb.add_worksheet(_("Rekap"))
    _heading(ws, fmt, stamp, title)
    ws.write_string(FIRST_LINE_ROW - 1, 0, _("Uraian"), fmt["head"])
    for c, name in enumerate(columns, start=1):
        ws.write_string(FIRST_LINE_ROW - 1, c, name, fmt["head"])
    total_col = len(columns) + 1
    ws.write_string(FIRST_LINE_ROW - 1, total_col, _("Jumlah"), fmt["head"])
    for i, line in enumerate(lines):
        _write_line(ws, fmt, FIRST_LINE_ROW + i, line, total_col)
    ws.set_column(0, 0, 42)
    ws.set_column(1, total_col, 14)
    ws.freeze_panes(FIRST_LINE_ROW, 1)
    _print_setup(ws, stamp, FIRST_LINE_ROW - 1)
    _chart(wb, ws, lines, total_col)


def _heading(ws, fmt, stamp: str, title: str) -> None:
    ws.write_string(0, 0, stamp.split(" — ")[0], fmt["title"])
    ws.write_string(1, 0, title)
    ws.write_string(2, 0, stamp)


def _write_line(ws, fmt, row: int, line: FormLine, total_col: int) -> None:
    ws.write_string(row, 0, line.label, fmt["label"])
    style = fmt["count"] if line.kind == "count" else fmt["share"]
    for c, value in enumerate(line.values, start=1):
        if value is None:
            ws.write_blank(row, c, None, style)
        else:
            ws.write_number(row, c, float(value) if line.kind == "share" else value, style)
    if line.kind == "count":
        first, last = xl_rowcol_to_cell(row, 1), xl_rowcol_to_cell(row, total_col - 1)
        formula = f"=SUM({first}:{last})" if total_col > 1 else "=0"
        ws.write_formula(row, total_col, formula, fmt["total_count"], line.total)
    elif line.share_of is not None:
        num = xl_rowcol_to_cell(FIRST_LINE_ROW + line.share_of[0], total_col)
        den = xl_rowcol_to_cell(FIRST_LINE_ROW + line.share_of[1], total_col)
        cached = float(line.total) if line.total is not None else ""
        ws.write_formula(row, total_col, f'=IF({den}=0,"",{num}/{den})', fmt["total_share"], cached)
    elif line.total is None:
        ws.write_blank(row, total_col, None, fmt["total_share"])
    else:
        ws.write_number(row, total_col, float(line.total), fmt["total_share"])


def _print_setup(ws, stamp: str, header_row: int) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.set_header("&L" + stamp.replace("&", "&&"))
    ws.set_footer("&R" + _("Halaman") + " &P / &N")


def _chart(wb, ws, lines: list[FormLine], total_col: int) -> None:
    vote_lines = [(i, line) for i, line in enumerate(lines) if line.pair is not None]
    if not vote_lines:
        return
    vote_rows = [FIRST_LINE_ROW + i for i, _line in vote_lines]
    chart = wb.add_chart({"type": "bar"})
    sheet = ws.get_name()
    chart.add_series(
        {
            "name": _("Perolehan suara"),
            "categories": [sheet, vote_rows[0], 0, vote_rows[-1], 0],
            "values": [sheet, vote_rows[0], total_col, vote_rows[-1], total_col],
            # The chart's cached values (constant_memory mode keeps no cells to read them from).
            "categories_data": [line.label for _i, line in vote_lines],
            "values_data": [line.total for _i, line in vote_lines],
            "data_labels": {"value": True, "num_format": "#,##0"},
        }
    )
    chart.set_title({"name": _("Perolehan suara per pasangan calon")})
    chart.set_legend({"none": True})
    chart.set_y_axis({"reverse": True})
    ws.insert_chart(FIRST_LINE_ROW + len(lines) + 2, 0, chart, {"x_scale": 1.6, "y_scale": 1.2})


def _findings_sheet(wb, fmt, stamp: str, findings) -> None:
    ws = wb.add_worksheet(_("Temuan"))
    ws.write_string(0, 0, stamp, fmt["title"])
    # Not "Kode TPS" (as in the entry workbook): the result import takes that for its kode_tps
    # column and would read this sheet as results, a TPS with two findings as a TPS twice.
    headers = [_("TPS (Sirekap)"), *finding_headers()[1:]]
    for c, h in enumerate(headers):
        ws.write_string(2, c, h, fmt["head"])
    rows = finding_rows(findings)
    for r, values in enumerate(rows, start=3):
        for c, v in enumerate(values):
            ws.write_string(r, c, str(v), fmt["text"])
    if not rows:
        ws.write_string(3, 0, _("Tidak ada formulir dengan temuan."))
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 24)
    ws.set_column(5, 5, 90)
    ws.freeze_panes(3, 0)
    _print_setup(ws, stamp, 2)


def _tps_sheet(wb, fmt, stamp: str, headers: list[str], rows) -> None:
    """The TPS appendix: above the header only the stamp and one line of text, neither of
    which the import can take for its header; below it nothing but TPS rows."""
    ws = wb.add_worksheet(_("Lampiran TPS"))
    ws.write_string(0, 0, stamp, fmt["title"])
    ws.write_string(
        1,
        0,
        _(
            "Angka formulir C.Hasil per TPS; kotak kosong belum diisi. Lembar ini dapat diimpor "
            "kembali dengan: pilkada import hasil"
        ),
    )
    for c, header in enumerate(headers):
        ws.write_string(TPS_HEADER_ROW, c, header, fmt["head"])
    last_col = max(len(headers) - 1, TPS_TEXT_COLUMNS)
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 24)
    ws.set_column(2, 2, 10)
    ws.set_column(TPS_TEXT_COLUMNS, last_col, 12)
    write_string, write_row = ws.write_string, ws.write_row
    r = TPS_HEADER_ROW
    for r, (texts, numbers) in enumerate(rows, start=TPS_HEADER_ROW + 1):
        for c, value in enumerate(texts):
            write_string(r, c, value)
        write_row(r, TPS_TEXT_COLUMNS, numbers)  # None: an empty cell, never 0
    if r > TPS_HEADER_ROW:
        # Thousands separators (1.234) through one conditional format on the number columns
        # rather than a format on each of a province's 3 million cells: XlsxWriter spends about
        # a microsecond on every cell's style, a fifth of the whole export.
        ws.conditional_format(
            TPS_HEADER_ROW + 1,
            TPS_TEXT_COLUMNS,
            r,
            last_col,
            {"type": "cell", "criteria": ">=", "value": 1000, "format": fmt["number"]},
        )
    ws.freeze_panes(TPS_HEADER_ROW + 1, TPS_TEXT_COLUMNS)
    _print_setup(ws, stamp, TPS_HEADER_ROW)


def safe_text(value) -> str:
    """Text for a CSV cell that no spreadsheet will run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def write_recap_csv(stream, *, columns: list[str], lines: list[FormLine]) -> None:
    """The same layout as the workbook, as CSV (exact values, no formulas)."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([safe_text(_("Uraian")), *map(safe_text, columns), _("Jumlah")])
    for line in lines:
        values = ["" if v is None else v for v in [*line.values, line.total]]
        writer.writerow([safe_text(line.label), *values])
