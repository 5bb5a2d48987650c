"""The recap workbook's TPS appendix: the flat result layout, read back by the result import."""

import random
import zipfile
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pilkada.demo.generate import DemoStation, consistent_numbers
from pilkada.regions.models import Region
from pilkada.regions.services import upsert_stations
from pilkada.tallies.form import SheetNumbers
from pilkada.tallies.headers import field_headers
from pilkada.tallies.imports import import_results_file
from pilkada.tallies.models import TallySheetRevision
from pilkada.tallies.services import save_sheet

SHEET = "Lampiran TPS"
HEADER_ROW = 3  # 1-based, as openpyxl counts


def good_numbers(station, seed: int) -> SheetNumbers:
    st = DemoStation(
        station.desa.code, station.number, station.registered_men, station.registered_women
    )
    numbers = consistent_numbers(st, 0, random.Random(seed))
    valid = numbers.fields["valid_votes"]
    return SheetNumbers(fields=numbers.fields, votes={1: valid // 3, 2: valid - valid // 3})


@pytest.fixture
def entered(election, small_area):
    """Sheets on four of the five TPS: complete, votes only, complete but breaking rules
    (several findings on one TPS), complete; the last TPS has no sheet."""
    full, votes_only, flawed, other, _empty = small_area
    bad = good_numbers(flawed, 3)
    bad = SheetNumbers(
        fields={**bad.fields, "valid_votes": bad.fields["valid_votes"] + 7}, votes=bad.votes
    )
    for station, numbers in (
        (full, good_numbers(full, 1)),
        (votes_only, SheetNumbers(votes={1: 40, 2: 0})),
        (flawed, bad),
        (other, good_numbers(other, 4)),
    ):
        save_sheet(election=election, station=station, numbers=numbers, expected_version=None)
    return small_area


def export(election, tmp_path, *args, name="rekap.xlsx"):
    out = tmp_path / name
    call_command(
        "export",
        "rekap",
        "--election",
        election.code,
        "--level",
        "kecamatan",
        *args,
        "--output",
        str(out),
        stdout=StringIO(),
    )
    return out


def appendix_rows(path):
    ws = openpyxl.load_workbook(path)[SHEET]
    return ws, list(ws.iter_rows(min_row=HEADER_ROW))


def test_the_exported_workbook_imports_back_and_changes_nothing(election, entered, tmp_path):
    path = export(election, tmp_path)
    temuan = openpyxl.load_workbook(path)["Temuan"]
    flagged = [temuan.cell(r, 1).value for r in range(4, temuan.max_row + 1)]
    assert len(flagged) > len(set(flagged)) >= 1  # one TPS, several findings
    revisions = TallySheetRevision.objects.count()

    summary = import_results_file(election, path)

    assert (summary.created, summary.changed, summary.conflicts) == (0, 0, [])
    assert (summary.unchanged, summary.empty) == (4, 1)
    assert summary.ignored_columns == []  # every appendix column is one the import knows
    assert {name for name, _reason in summary.skipped_sheets} == {"Rekap", "Temuan"}
    assert TallySheetRevision.objects.count() == revisions
    out = StringIO()
    call_command("import", "hasil", "--election", election.code, str(path), stdout=out)
    assert "Tidak ada yang berubah." in out.getvalue()
    assert TallySheetRevision.objects.count() == revisions


def test_layout_strings_and_empty_boxes(election, entered, tmp_path):
    stations = entered
    path = export(election, tmp_path)
    ws, rows = appendix_rows(path)
    assert "Pemilihan Bupati Uji — dibuat" in ws["A1"].value
    header = [c.value for c in rows[0]]
    assert header == [
        "kode_tps",
        "desa",
        "nomor_tps",
        *field_headers(election.scheme).values(),
        "suara_paslon_1",
        "suara_paslon_2",
    ]
    data = rows[1:]
    assert [r[0].value for r in data] == [s.sirekap_id for s in stations]  # desa, then number
    for row, station in zip(data, stations, strict=True):
        kode, desa, nomor = row[:3]
        assert kode.data_type == "s" and len(kode.value) == 13
        assert (desa.value, nomor.value) == (station.desa.name, station.number)
        assert nomor.data_type == "s"
    full, votes_only, _flawed, _other, empty = data
    fields = list(field_headers(election.scheme))
    expected = good_numbers(stations[0], 1)
    assert [c.value for c in full[3:-2]] == [expected.fields[f] for f in fields]
    assert all(c.data_type == "n" for c in full[3:])
    assert [c.value for c in votes_only[3:]] == [None] * len(fields) + [40, 0]
    assert [c.value for c in empty[3:]] == [None] * (len(fields) + 2)  # empty, never 0
    assert ws.freeze_panes == "D4"
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$3:$3"
    (numbers_format,) = ws.conditional_formatting  # thousands separators, number columns
    assert str(numbers_format.sqref) == f"D4:{rows[0][-1].column_letter}8"
    (rule,) = numbers_format.rules
    assert (rule.operator, rule.formula, rule.dxf.numFmt.formatCode) == (
        "greaterThanOrEqual",
        ["1000"],
        "#,##0",
    )


def test_names_beginning_with_equals_stay_text(election, entered, tmp_path):
    Region.objects.filter(code="62.10.01.1001").update(name='=HYPERLINK("http://x","klik")')
    pair = election.pairs.get(number=1)
    pair.head_name = "=1+1"
    pair.save()
    path = export(election, tmp_path)
    wb = openpyxl.load_workbook(path)
    _ws, rows = appendix_rows(path)
    desa = rows[1][1]
    assert (desa.value, desa.data_type) == ('=HYPERLINK("http://x","klik")', "s")
    rekap = wb["Rekap"]
    assert any(str(r[0].value).startswith("Suara 1. =1+1") for r in rekap.iter_rows(min_row=6))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                in_total_column = ws.title == "Rekap" and cell.column == rekap.max_column
                assert cell.data_type != "f" or in_total_column, (ws.title, cell.coordinate)
    assert import_results_file(election, path).changed == 0


def test_the_chart_keeps_its_cached_values(election, entered, tmp_path):
    path = export(election, tmp_path)
    with zipfile.ZipFile(path) as z:
        chart = z.read("xl/charts/chart1.xml").decode()
    assert "<c:strCache>" in chart and "Suara 2. Calon Dua – Wakil Dua" in chart
    assert "<c:numCache>" in chart and '<c:ptCount val="2"/>' in chart


def test_queries_do_not_grow_with_the_number_of_tps(election, entered, tmp_path):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            export(election, tmp_path)
        return len(ctx.captured_queries)

    before = queries()
    upsert_stations(
        [
            {"kode_desa": "62.10.02.1012", "nomor_tps": f"{n:03d}", "dpt_l": 50, "dpt_p": 50}
            for n in range(3, 23)
        ]
    )
    desa = Region.objects.get(code="62.10.02.1012")
    for station in desa.polling_stations.filter(number__gte="010"):
        save_sheet(
            election=election,
            station=station,
            numbers=SheetNumbers(votes={1: 5, 2: 6}),
            expected_version=None,
        )
    _ws, rows = appendix_rows(export(election, tmp_path, name="besar.xlsx"))
    assert len(rows) == 1 + 5 + 20
    assert queries() == before
