"""The DPT export in the KPU layout: written, read back with openpyxl and with LibreOffice."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from pilkada.audit.models import AccessRecord
from pilkada.core.testing import libreoffice
from pilkada.voters import export
from pilkada.voters.export import KPU_COLUMNS, ExportRefused, export_voter_list, sheet_name
from pilkada.voters.models import Voter
from pilkada.voters.tests.factories import add_voters, nik_for

FORMULA = '=HYPERLINK("http://contoh.invalid","klik")'


def person(name, born, sex="L", **more):
    return {"name": name, "birth_date": born, "sex": sex, **more}


@pytest.fixture
def listed(election, small_area):
    """Voters on Sepang Simin TPS 001 and 002 and Kurun TPS 001 (not on the other two)."""
    sepang1, sepang2, _kota, kurun1, _kurun2 = small_area
    add_voters(
        election,
        sepang1,
        [
            person("Budi", dt.date(1985, 8, 17), nkk="", rt="", rw=""),
            person(FORMULA, dt.date(1990, 1, 2), "P", disability="wicara"),
            person("+62 812", dt.date(1899, 12, 31), marital="P"),  # before Excel's dates
        ],
    )
    add_voters(election, sepang2, [person("Sari", dt.date(2000, 2, 29), "P")])
    add_voters(
        election,
        kurun1,
        [
            person("Tanpa Nomor", dt.date(1970, 5, 5), number=None),
            person("Dua", dt.date(1971, 6, 6), "P", number=2, disability="fisik"),
            person("Satu", dt.date(1972, 7, 7), number=1),
        ],
    )
    return election


def export_file(tmp_path, *args, name="dpt.xlsx"):
    out = tmp_path / name
    stdout = io.StringIO()
    call_command("dpt", "export", "--election", "uji", *args, "--output", str(out), stdout=stdout)
    return out, stdout.getvalue()


def table(ws):
    """The data rows (under the header) as lists of cells."""
    return [list(r) for r in ws.iter_rows(min_row=9)]


def test_layout_masked_by_default(listed, tmp_path):
    out, message = export_file(tmp_path)
    assert "7 pemilih di 3 TPS" in message
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left over
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["TPS 001 SEPANG SIMIN", "TPS 002 SEPANG SIMIN", "TPS 001 KURUN"]
    ws = wb["TPS 001 KURUN"]
    assert [ws.cell(r, 1).value for r in range(1, 8)] == [
        "DAFTAR PEMILIH TETAP",
        "PEMILIHAN BUPATI UJI",
        "PROVINSI : KALIMANTAN TENGAH",
        "KABUPATEN/KOTA : KABUPATEN GUNUNG MAS",
        "KECAMATAN : KURUN",
        "DESA/KELURAHAN : KURUN (62.10.02.1012)",
        "TPS : 001",
    ]
    assert "A1:L1" in {str(r) for r in ws.merged_cells.ranges}
    assert tuple(c.value for c in ws[8]) == KPU_COLUMNS
    assert ws.freeze_panes == "A9"
    assert ws.print_title_rows == "$8:$8"
    rows = table(ws)
    # in list order: numbered voters first, the one without a number last (numbered by place)
    assert [(r[0].value, r[3].value) for r in rows] == [(1, "Satu"), (2, "Dua"), (3, "Tanpa Nomor")]
    first = rows[0]
    assert first[1].data_type == "s" and first[1].value == "6210020101000003"[:12] + "****"
    nik = nik_for(dt.date(1972, 7, 7), "L", 3)
    assert first[2].data_type == "s" and first[2].value == nik[:12] + "****"
    assert first[5].is_date and first[5].value == dt.datetime(1972, 7, 7)
    assert first[5].number_format == "dd-mm-yyyy"
    assert [c.value for c in first[4:]][2:] == ["S", "L", "JL. TJILIK RIWUT", "001", "002", None]
    assert first[9].data_type == "s"  # RT 001 stays text with its zeros
    assert rows[1][11].value == "Fisik"


def test_user_text_stays_text(listed, tmp_path):
    out, _ = export_file(tmp_path)
    ws = openpyxl.load_workbook(out)["TPS 001 SEPANG SIMIN"]
    budi, formula, old = table(ws)
    assert formula[3].value == FORMULA and formula[3].data_type == "s"
    assert formula[11].value == "Sensorik wicara"
    assert old[3].value == "+62 812" and old[3].data_type == "s"
    assert old[5].value == "31-12-1899" and old[5].data_type == "s"  # no Excel date before 1900
    assert budi[1].value is None and budi[9].value is None  # no NKK, no RT: empty cells


def test_full_nik_is_recorded(listed, tmp_path):
    assert not AccessRecord.objects.exists()
    export_file(tmp_path, name="masked.xlsx")
    assert not AccessRecord.objects.exists()  # masked exports are not an access
    out, message = export_file(tmp_path, "--nik-penuh", name="penuh.xlsx")
    assert "dicatat" in message
    ws = openpyxl.load_workbook(out)["TPS 001 KURUN"]
    first = table(ws)[0]
    assert first[2].value == nik_for(dt.date(1972, 7, 7), "L", 3) and first[2].data_type == "s"
    assert first[1].value == "6210020101000003"
    (record,) = AccessRecord.objects.all()
    assert record.action == "export_dpt_full_nik" and record.rows == 7
    assert record.source == "cli" and record.username.startswith("os:")
    assert "uji" in record.subject and "penuh.xlsx" in record.subject


def test_full_nik_needs_the_permission(listed, tmp_path):
    clerk = get_user_model().objects.create_user("petugas", password="x")
    with pytest.raises(ExportRefused):
        export_voter_list(listed, tmp_path / "x.xlsx", full_nik=True, user=clerk)
    assert not (tmp_path / "x.xlsx").exists() and not AccessRecord.objects.exists()


def test_region_scope_and_refusals(listed, tmp_path):
    out, _ = export_file(tmp_path, "--region", "62.10.02")
    assert openpyxl.load_workbook(out).sheetnames == ["TPS 001 KURUN"]
    with pytest.raises(CommandError, match="Tidak ada pemilih"):
        export_file(tmp_path, "--region", "62.10.03")
    with pytest.raises(CommandError, match="tidak berada"):
        export_file(tmp_path, "--region", "63")
    with pytest.raises(CommandError, match="Tidak dapat menulis"):
        export_file(tmp_path / "tidak-ada")


def test_batches_and_a_list_changed_during_the_export(listed, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "STATION_BATCH", 1)  # one query per TPS: every boundary
    summary = export_voter_list(listed, tmp_path / "a.xlsx")
    assert (summary.stations, summary.voters) == (3, 7)
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert [len(table(ws)) for ws in wb] == [3, 1, 3]

    planned = export.plan_sheets

    def plan_then_empty_one(election, within):
        plans = planned(election, within)
        Voter.objects.filter(polling_station_id=plans[1].station_id).delete()
        return plans

    monkeypatch.setattr(export, "plan_sheets", plan_then_empty_one)
    with pytest.raises(ExportRefused, match="berubah selama ekspor"):
        export_voter_list(listed, tmp_path / "b.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx"]


def test_too_many_sheets_for_one_workbook(listed, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "MAX_SHEETS", 2)
    with pytest.raises(ExportRefused, match="paling banyak 2 lembar"):
        export_voter_list(listed, tmp_path / "a.xlsx")
    monkeypatch.setattr(export, "MAX_SHEETS", 3)
    monkeypatch.setattr(export.resource, "getrlimit", lambda what: (20, 30))
    with pytest.raises(ExportRefused, match="30 berkas terbuka"):  # one temporary file a sheet
        export_voter_list(listed, tmp_path / "a.xlsx")
    assert not list(tmp_path.iterdir())


def test_sheet_names_fit_excel():
    used: set[str] = set()
    assert sheet_name("001", "Kurun", used) == "TPS 001 KURUN"
    long = "Tumbang Habangoi Hulu: Kampung [Lama]/Baru"
    first = sheet_name("012", long, used)
    assert first == "TPS 012 TUMBANG HABANGOI HULU K" and len(first) == 31
    second = sheet_name("012", long, used)
    assert second == "TPS 012 TUMBANG HABANGOI HULU~2" and len(second) == 31
    assert sheet_name("001", "kurun", used) == "TPS 001 KURUN~2"  # Excel ignores case
    assert sheet_name("001", "KURUN", used) == "TPS 001 KURUN~3"


def test_libreoffice_opens_it_unchanged(listed, tmp_path):
    if not libreoffice.available():
        pytest.fail("LibreOffice (soffice) is required: scripts/setup installs libreoffice-calc")
    out, _ = export_file(tmp_path)
    opened = libreoffice.recalculate(out, tmp_path)

    def cells(path):
        wb = openpyxl.load_workbook(path)
        return {
            ws.title: [[(c.value, c.data_type) for c in row] for row in ws.iter_rows()] for ws in wb
        }

    ours, theirs = cells(out), cells(opened)
    assert list(theirs) == list(ours)
    for name in ours:
        assert theirs[name] == ours[name], name
    kurun = theirs["TPS 001 KURUN"]
    assert kurun[5][0] == ("DESA/KELURAHAN : KURUN (62.10.02.1012)", "s")
    assert kurun[8][2][1] == "s" and kurun[8][5] == (dt.datetime(1972, 7, 7), "d")
