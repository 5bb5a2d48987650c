"""The recap workbook: layout, formulas that LibreOffice recalculates to our numbers, safety."""

from decimal import Decimal
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command

from pilkada.core.testing import libreoffice
from pilkada.demo.generate import ELECTION_CODE
from pilkada.recap.xlsx import safe_text

TPS = "Lampiran TPS"


def export(tmp_path, *args):
    out = tmp_path / "rekap.xlsx"
    call_command(
        "export",
        "rekap",
        "--election",
        ELECTION_CODE,
        *args,
        "--output",
        str(out),
        stdout=StringIO(),
    )
    return out


def rows_by_label(ws):
    return {r[0].value: r for r in ws.iter_rows(min_row=6) if r[0].value}


def test_layout_and_cached_totals(demo, tmp_path):
    recap_json = StringIO()
    call_command(
        "recap",
        "--election",
        ELECTION_CODE,
        "--level",
        "kecamatan",
        "--format",
        "json",
        stdout=recap_json,
    )
    import json

    data = json.loads(recap_json.getvalue())
    path = export(tmp_path, "--level", "kecamatan")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Rekap", "Temuan", "Lampiran TPS"]
    ws = wb["Rekap"]
    assert "SIMULASI" in ws["A3"].value and ":" in ws["A3"].value
    header = [c.value for c in ws[5]]
    assert header[0] == "Uraian" and header[-1] == "Jumlah" and len(header) == 14
    rows = rows_by_label(ws)
    votes1 = rows["Suara 1. Yohanes Damang Saputra – Rina Kahayan Lestari"]
    assert [c.value for c in votes1[1:13]] == [r["suara"]["1"] for r in data["baris"]]
    assert votes1[13].value.startswith("=SUM(")
    assert len(ws._charts) == 1
    cached = openpyxl.load_workbook(path, data_only=True)["Rekap"]
    assert rows_by_label(cached)[votes1[0].value][13].value == data["jumlah"]["suara"]["1"]
    temuan = wb["Temuan"]
    rules = {temuan.cell(r, 4).value for r in range(4, temuan.max_row + 1)}
    assert {"R1", "R5", "R7"} <= rules
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0


def test_libreoffice_recalculates_to_the_same_numbers(demo, tmp_path):
    if not libreoffice.available():
        pytest.fail("LibreOffice (soffice) is required: scripts/setup installs libreoffice-calc")
    path = export(tmp_path, "--level", "kecamatan")
    opened = libreoffice.recalculate(path, tmp_path)  # opens as written
    # The TPS appendix (inline strings, column formats) reads the same in LibreOffice.
    ours_tps, their_tps = (
        [[(c.value, c.data_type) for c in r] for r in openpyxl.load_workbook(p)[TPS].iter_rows()]
        for p in (path, opened)
    )
    assert len(ours_tps) > 200 and their_tps == ours_tps
    assert their_tps[3][0] == ("6210011001001", "s")
    (kept,) = openpyxl.load_workbook(opened)[TPS].conditional_formatting  # thousands separators
    assert [r.dxf.numFmt.formatCode for r in kept.rules] == ["#,##0"]
    ours = openpyxl.load_workbook(path, data_only=True)["Rekap"]
    # Drop every cached result (openpyxl saves formulas without them), so whatever numbers
    # come back were computed by LibreOffice from the formulas.
    stripped = tmp_path / "tanpa-cache.xlsx"
    openpyxl.load_workbook(path).save(stripped)
    assert openpyxl.load_workbook(stripped, data_only=True)["Rekap"]["N6"].value is None
    recalculated = libreoffice.recalculate(stripped, tmp_path)
    theirs = openpyxl.load_workbook(recalculated, data_only=True)["Rekap"]
    ours_rows, their_rows = rows_by_label(ours), rows_by_label(theirs)
    assert ours_rows.keys() == their_rows.keys()
    for label, row in ours_rows.items():
        mine, lo = row[13].value, their_rows[label][13].value
        if isinstance(mine, float):
            assert lo == pytest.approx(mine, abs=1e-9), label
        else:
            assert lo == mine, label


def test_user_text_never_becomes_a_formula(demo, tmp_path):
    pair = demo.pairs.get(number=1)
    pair.head_name = '=HYPERLINK("http://x","klik")'
    pair.save()
    path = export(tmp_path, "--level", "kecamatan")
    ws = openpyxl.load_workbook(path)["Rekap"]
    labels = [r[0].value for r in ws.iter_rows(min_row=6)]
    assert any(str(v).startswith("Suara 1. =HYPERLINK") for v in labels)
    for row in ws.iter_rows():
        for cell in row[:-1]:  # only the total column holds formulas
            assert cell.data_type != "f", cell.coordinate
    assert safe_text("=1+1") == "'=1+1" and safe_text("@x") == "'@x" and safe_text("a") == "a"
    assert safe_text("-5") == "'-5" and safe_text("\tx") == "'\tx"


def test_csv_layout_and_shares_exact(demo, tmp_path):
    out = tmp_path / "rekap.csv"
    call_command(
        "export",
        "rekap",
        "--election",
        ELECTION_CODE,
        "--level",
        "kecamatan",
        "--format",
        "csv",
        "--output",
        str(out),
        stdout=StringIO(),
    )
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Uraian,Sepang (62.10.01)")
    shares = [ln for ln in lines if ln.startswith("Persentase 1.")][0].split(",")
    assert Decimal(shares[-1]) > 0 and "%" not in shares[-1]
