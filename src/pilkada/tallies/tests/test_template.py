"""The result entry workbook: pre-filled, validated, self-checking, and read back by import."""

from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command

from pilkada.core.testing import libreoffice
from pilkada.tallies.form import SheetNumbers
from pilkada.tallies.imports import import_results_file
from pilkada.tallies.models import TallySheet, TallySheetRevision
from pilkada.tallies.services import save_sheet


def make_template(tmp_path, *args):
    out = tmp_path / "isian.xlsx"
    call_command(
        "template", "hasil", "--election", "uji", *args, "--output", str(out), stdout=StringIO()
    )
    return out


def columns(ws):
    return {ws.cell(4, c).value: c for c in range(1, ws.max_column + 1)}


def test_layout_prefill_protection_and_validation(election, small_area, tmp_path):
    save_sheet(
        election=election,
        station=small_area[3],
        expected_version=None,
        numbers=SheetNumbers(fields={"valid_votes": 30}, votes={1: 10, 2: 20}),
    )
    wb = openpyxl.load_workbook(make_template(tmp_path))
    assert wb.sheetnames == ["Petunjuk", "Sepang", "Kurun"]
    ws = wb["Kurun"]
    col = columns(ws)
    assert [ws.cell(r, col["kode_tps"]).value for r in (5, 6)] == ["6210021012001", "6210021012002"]
    assert ws.cell(5, col["dpt_data_tps"]).value == 310
    assert ws.cell(5, col["versi"]).value == 1
    assert ws.cell(5, col["suara_paslon_2"]).value == 20
    assert ws.cell(5, col["suara_sah"]).value == 30
    assert ws.cell(6, col["suara_sah"]).value is None  # not entered stays empty
    assert ws.protection.sheet
    assert ws.cell(5, col["suara_sah"]).protection.locked is False
    assert ws.cell(5, col["kode_tps"]).protection.locked is not False
    rules = ws.data_validations.dataValidation
    assert rules and rules[0].type == "whole" and rules[0].formula2 == "660"
    assert ws.cell(5, col["cek_r5"]).value.startswith("=IF(")
    assert ws.page_setup.orientation == "landscape"


def test_filled_workbook_imports_and_round_trips(election, small_area, tmp_path):
    path = make_template(tmp_path, "--region", "62.10.02")
    wb = openpyxl.load_workbook(path)
    ws = wb["Kurun"]
    col = columns(ws)
    for r, (v1, v2, valid) in ((5, (40, 60, 100)), (6, (10, 10, 25))):
        ws.cell(r, col["suara_paslon_1"]).value = v1
        ws.cell(r, col["suara_paslon_2"]).value = v2
        ws.cell(r, col["suara_sah"]).value = valid
    filled = tmp_path / "terisi.xlsx"
    wb.save(filled)
    s = import_results_file(election, filled)
    assert (s.created, s.flagged, s.empty) == (2, 1, 0)
    rev = TallySheetRevision.objects.get(sheet__polling_station=small_area[3])
    assert (rev.source_sheet, rev.source_row) == ("Kurun", 5)
    # a fresh template of the stored numbers imports as "nothing changed"
    again = import_results_file(election, make_template(tmp_path, "--region", "62.10.02"))
    assert (again.created, again.changed, again.unchanged) == (0, 0, 2)
    assert TallySheet.objects.count() == 2


def test_libreoffice_computes_the_check_columns(election, small_area, tmp_path):
    if not libreoffice.available():
        pytest.fail("LibreOffice (soffice) is required: scripts/setup installs libreoffice-calc")
    path = make_template(tmp_path, "--region", "62.10.02")
    assert libreoffice.recalculate(path, tmp_path).exists()
    wb = openpyxl.load_workbook(path)
    ws = wb["Kurun"]
    col = columns(ws)
    values = {
        "suara_paslon_1": 40,
        "suara_paslon_2": 60,
        "suara_sah": 100,
        "suara_tidak_sah": 2,
        "suara_total": 110,
    }  # R6: 100 + 2 != 110
    for name, v in values.items():
        ws.cell(5, col[name]).value = v
    ws.cell(6, col["dpt_l"]).value = 100
    ws.cell(6, col["dpt_p"]).value = 110
    ws.cell(6, col["dpt"]).value = 200  # R1
    filled = tmp_path / "terisi.xlsx"
    wb.save(filled)
    out = openpyxl.load_workbook(libreoffice.recalculate(filled, tmp_path), data_only=True)
    ws = out["Kurun"]
    checks = {
        name: (ws.cell(5, c).value, ws.cell(6, c).value)
        for name, c in col.items()
        if name.startswith("cek_")
    }
    assert checks["cek_r6"][0].startswith("R6") and not checks["cek_r6"][1]
    assert checks["cek_r1"][1].startswith("R1") and not checks["cek_r1"][0]
    assert not checks["cek_r5"][0]  # 40 + 60 = 100
    assert all(
        not v for name, pair in checks.items() if name not in ("cek_r1", "cek_r6") for v in pair
    )
