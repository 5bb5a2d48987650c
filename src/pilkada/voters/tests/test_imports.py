"""The voter-list import end to end: real workbooks and CSV in, voters, lists and log out."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pilkada.audit.chain import verify
from pilkada.audit.models import ChangeLogEntry
from pilkada.dataio.tests import files
from pilkada.regions.models import PollingStation
from pilkada.voters.imports import VoterImportRejected, import_voter_files
from pilkada.voters.models import StationVoterList, Voter
from pilkada.voters.services import StaleVoterList, list_versions
from pilkada.voters.tests.factories import nik_for

HEADER = [
    "NO", "NKK", "NIK", "NAMA LENGKAP", "TEMPAT LAHIR", "TANGGAL LAHIR",
    "STATUS PERKAWINAN (B/S/P)", "JENIS KELAMIN (L/P)", "JALAN/DUKUH", "RT", "RW", "KETERANGAN",
]  # fmt: skip
KURUN_1 = "62.10.02.1012"  # kelurahan Kurun, kecamatan Kurun: TPS 001 and 002 in small_area
SEPANG = "62.10.01.1001"


def person(n: int, *, sex="L", birth=dt.date(1980, 1, 1), marital="S", **over) -> list:
    nik = over.pop("nik", nik_for(birth, sex, n))
    values = {
        "no": n, "nkk": f"621002010101{n:04d}", "nik": nik, "name": f"WARGA {n}",
        "place": "KUALA KURUN", "date": birth.strftime("%d-%m-%Y"), "marital": marital,
        "sex": sex, "address": "JL. TJILIK RIWUT", "rt": "001", "rw": "002", "ket": "",
    }  # fmt: skip
    values.update(over)
    return list(values.values())


def kpu_sheet(desa: str, tps: str, people: list[list]) -> list[list]:
    """A KPU printout: title rows naming desa (with its code) and TPS, header, numbering row,
    the voters, and a TOTAL row."""
    return [
        ["DAFTAR PEMILIH TETAP (DPT)"],
        ["PEMILIHAN BUPATI UJI"],
        [f"DESA/KELURAHAN : KURUN ({desa})"],
        [f"TPS : {tps}"],
        [],
        HEADER,
        [str(i) for i in range(1, 13)],
        *people,
        [None, None, None, "JUMLAH", None, None, None, None, None, None, None, None],
    ]


def kurun_workbook(path: Path) -> Path:
    """TPS 001 (3 voters) and TPS 002 (2 voters) of kelurahan Kurun, one sheet each."""
    first = [person(1), person(2, sex="P"), person(3, sex="P", marital="B",
                                                      birth=dt.date(2000, 5, 17))]  # fmt: skip
    second = [person(4), person(5, sex="P")]
    return files.xlsx_openpyxl(
        path,
        {"TPS 001": kpu_sheet(KURUN_1, "001", first), "TPS 002": kpu_sheet(KURUN_1, "002", second)},
    )


@pytest.fixture
def listed(election, small_area, tmp_path) -> Path:
    return kurun_workbook(tmp_path / "dpt-kurun.xlsx")


def stations_by_number(desa: str) -> dict[str, PollingStation]:
    return {s.number: s for s in PollingStation.objects.filter(desa__code=desa)}


def test_kpu_workbook_one_sheet_per_tps(election, listed):
    outcome = import_voter_files(election, [listed], isolated=False)
    assert outcome.summary.total("created") == 5
    assert outcome.summary.skipped_total_rows == 2
    tps = stations_by_number(KURUN_1)
    assert Voter.objects.filter(polling_station=tps["001"]).count() == 3
    assert Voter.objects.filter(polling_station=tps["002"]).count() == 2
    siti = Voter.objects.get(name="WARGA 3")
    assert (siti.birth_date, siti.sex, siti.marital, siti.rt) == (dt.date(2000, 5, 17), "P", "B",
                                                                  "001")  # fmt: skip
    # the TPS's registered voters follow the list (R13 compares forms against them)
    tps["001"].refresh_from_db()
    assert (tps["001"].registered_men, tps["001"].registered_women) == (1, 2)
    lists = StationVoterList.objects.filter(election=election)
    assert sorted(lists.values_list("voters", "version")) == [(2, 1), (3, 1)]
    entries = ChangeLogEntry.objects.filter(entity="voters.stationvoterlist")
    assert entries.count() == 2
    entry = entries.get(entity_id=f"uji/{KURUN_1} TPS 001")
    assert entry.source_file == "dpt-kurun.xlsx" and len(entry.source_sha256) == 64
    assert (entry.source_sheet, entry.source_row) == ("TPS 001", 8)
    assert entry.new["pemilih"] == 3 and entry.old is None
    assert verify().ok


def test_reimport_is_unchanged_and_a_change_is_an_update(election, listed, tmp_path):
    import_voter_files(election, [listed], isolated=False)
    again = import_voter_files(election, [listed], isolated=False)
    assert again.summary.total("unchanged") == 5 and again.summary.total("created") == 0
    assert set(StationVoterList.objects.values_list("version", flat=True)) == {2}
    moved = files.xlsx_openpyxl(
        tmp_path / "koreksi.xlsx",
        {"TPS 002": kpu_sheet(KURUN_1, "002", [person(4, address="JL. BARU"), person(6)])},
    )
    fixed = import_voter_files(election, [moved], isolated=False)
    assert (fixed.summary.total("updated"), fixed.summary.total("created")) == (1, 1)
    assert Voter.objects.get(name="WARGA 4").address == "JL. BARU"
    assert Voter.objects.filter(name="WARGA 5").exists()  # not in the file, kept
    replaced = import_voter_files(election, [moved], replace=True, isolated=False)
    assert replaced.summary.total("removed") == 1
    assert not Voter.objects.filter(name="WARGA 5").exists()
    assert verify().ok


def test_numeric_nik_cell_rejects_file_and_writes_rejects(election, small_area, tmp_path):
    good = person(1)
    bad = person(2, nik=3273010101850000)  # a number cell: Excel's 15-digit rounding
    sheets = {"TPS 1": kpu_sheet(KURUN_1, "1", [good, bad])}
    path = files.xlsx_openpyxl(tmp_path / "dpt.xlsx", sheets)
    rejects = tmp_path / "ditolak.xlsx"
    with pytest.raises(VoterImportRejected) as caught:
        import_voter_files(election, [path], rejects=rejects, isolated=False)
    message = "\n".join(caught.value.messages)
    assert "dpt.xlsx, lembar TPS 1, sel C9 (NIK)" in message
    assert "Teks" in message or "Text" in message
    assert Voter.objects.count() == 0 and StationVoterList.objects.count() == 0
    sheet = openpyxl.load_workbook(rejects).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("NO", "NKK", "NIK")
    assert len(rows) == 2 and "6210021012001" in rows[1]
    assert isinstance(rows[1][2], str)


def test_accept_valid_imports_good_rows_and_rejects_file_reimports(election, small_area,
                                                                   tmp_path):  # fmt: skip
    young = person(2, birth=dt.date(2010, 1, 1), marital="B")
    path = files.xlsx_openpyxl(
        tmp_path / "dpt.xlsx", {"TPS 001": kpu_sheet(KURUN_1, "001", [person(1), young])}
    )
    rejects = tmp_path / "ditolak.xlsx"
    outcome = import_voter_files(
        election, [path], accept_valid=True, rejects=rejects, isolated=False
    )
    assert outcome.summary.total("created") == 1 and outcome.summary.rejected == 1
    assert "14 tahun" in str(outcome.checked.errors[0])
    # fix the rejected row in the rejects workbook (married now) and import it back
    book = openpyxl.load_workbook(rejects)
    sheet = book.active
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("STATUS PERKAWINAN") + 1, value="S")
    book.save(rejects)
    back = import_voter_files(election, [rejects], isolated=False)
    assert back.summary.total("created") == 1
    assert Voter.objects.count() == 2


def test_tps_column_csv_with_semicolons_and_mixed_dates(election, small_area, tmp_path):
    rows = [["DPT KECAMATAN KURUN"], [], ["KODE TPS", *HEADER]]
    dates = ["17-08-1985", "17/08/1985", "1985-08-17", "17 Agustus 1985"]
    for n, date in enumerate(dates, start=1):
        rows.append(["6210021012002", *person(n, birth=dt.date(1985, 8, 17), date=date)])
    path = files.csv_file(tmp_path / "dpt.csv", rows, delimiter=";", bom=True)
    outcome = import_voter_files(election, [path], isolated=False)
    assert outcome.summary.total("created") == 4
    assert set(Voter.objects.values_list("birth_date", flat=True)) == {dt.date(1985, 8, 17)}


def test_same_nik_twice_in_the_files_is_an_error(election, small_area, tmp_path):
    twin = person(1)
    path = files.xlsx_openpyxl(
        tmp_path / "dpt.xlsx", {"TPS 001": kpu_sheet(KURUN_1, "001", [twin, person(2)]),
                                "TPS 002": kpu_sheet(KURUN_1, "002", [twin])},
    )  # fmt: skip
    with pytest.raises(VoterImportRejected) as caught:
        import_voter_files(election, [path], isolated=False)
    assert "sudah ada di dpt.xlsx, lembar TPS 001, baris 8" in caught.value.messages[0]


def test_unknown_tps_and_sheet_without_desa_are_located(election, small_area, tmp_path):
    unknown = kpu_sheet(KURUN_1, "009", [person(1)])
    nowhere = [["DAFTAR PEMILIH"], ["TPS 001"], HEADER, person(2)]
    path = files.xlsx_openpyxl(tmp_path / "dpt.xlsx", {"TPS 009": unknown, "Lain": nowhere})
    with pytest.raises(VoterImportRejected) as caught:
        import_voter_files(election, [path], isolated=False)
    text = "\n".join(caught.value.messages)
    assert "TPS 009" in text and "tidak terdaftar" in text
    assert "lembar Lain" in text and "--desa" in text


def test_desa_found_by_name_in_title_rows(election, small_area, tmp_path):
    sheet = [["KECAMATAN : KURUN"], ["DESA/KELURAHAN : KURUN"], ["TPS : 002"], HEADER,
             person(1)]  # fmt: skip
    path = files.xlsx_openpyxl(tmp_path / "dpt.xlsx", {"Sheet1": sheet})
    import_voter_files(election, [path], isolated=False)
    assert Voter.objects.get().polling_station == stations_by_number(KURUN_1)["002"]


def test_stale_list_refused(election, listed):
    before = list_versions(election, PollingStation.objects.values_list("pk", flat=True))
    import_voter_files(election, [listed], isolated=False)  # someone else, meanwhile
    with pytest.raises(StaleVoterList):
        import_voter_files(election, [listed], expected=before, isolated=False)
    assert set(StationVoterList.objects.values_list("version", flat=True)) == {1}


def test_cli_import_dpt_in_isolated_child(election, listed, tmp_path):
    out, err = StringIO(), StringIO()
    call_command("import", "dpt", str(listed), "--election", "uji", stdout=out, stderr=err)
    assert "5 pemilih baru" in out.getvalue()
    assert Voter.objects.count() == 5


def test_cli_rejects_with_message_and_rejects_file(election, small_area, tmp_path):
    path = files.xlsx_openpyxl(
        tmp_path / "dpt.xlsx", {"TPS 001": kpu_sheet(KURUN_1, "001", [person(1, sex="X")])}
    )
    err = StringIO()
    with pytest.raises(CommandError, match="tidak ada data yang ditulis"):
        call_command("import", "dpt", str(path), "--election", "uji", stderr=err, stdout=StringIO())
    assert "JENIS KELAMIN" in err.getvalue() and "dpt-ditolak.xlsx" in err.getvalue()
    assert (tmp_path / "dpt-ditolak.xlsx").exists()


def test_the_list_feeds_rule_r13_on_result_sheets(election, listed):
    from pilkada.tallies.form import SheetNumbers
    from pilkada.tallies.selectors import checked_sheets
    from pilkada.tallies.services import save_sheet

    station = stations_by_number(KURUN_1)["001"]  # 310 registered in the TPS import
    numbers = SheetNumbers(fields={"registered_1_total": 310}, votes={})
    save_sheet(election=election, station=station, numbers=numbers, expected_version=None)
    rules = {f.rule for c in checked_sheets(election) for f in c.findings}
    assert "R13" not in rules  # the form agrees with the TPS registry
    import_voter_files(election, [listed], isolated=False)  # 3 voters on its list now
    findings = [f for c in checked_sheets(election) for f in c.findings if f.rule == "R13"]
    assert len(findings) == 1 and "terdaftar 3 pemilih" in findings[0].message


def test_replace_keeps_voters_whose_rows_were_rejected(election, listed, tmp_path):
    import_voter_files(election, [listed], isolated=False)
    typo = person(2, sex="P", date="31-02-1980")
    path = files.xlsx_openpyxl(
        tmp_path / "koreksi.xlsx", {"TPS 001": kpu_sheet(KURUN_1, "001", [person(1), typo])}
    )
    outcome = import_voter_files(
        election, [path], replace=True, accept_valid=True, rejects=tmp_path / "x.xlsx",
        isolated=False,
    )  # fmt: skip
    assert outcome.summary.total("removed") == 0 and "--replace" in outcome.notes[0]
    assert Voter.objects.filter(name="WARGA 2").exists()  # rejected, not deleted
    assert Voter.objects.filter(name="WARGA 3").exists()  # absent, not deleted either


def test_desa_option_does_not_override_the_sheet_title(election, small_area, tmp_path):
    named = [["KECAMATAN : KURUN"], ["DESA/KELURAHAN : KURUN"], ["TPS : 001"], HEADER, person(1)]
    unnamed = [["TPS : 001"], HEADER, person(2)]
    path = files.xlsx_openpyxl(tmp_path / "dpt.xlsx", {"A": named, "B": unnamed})
    import_voter_files(election, [path], desa=SEPANG, isolated=False)
    assert Voter.objects.get(name="WARGA 1").polling_station.desa.code == KURUN_1
    assert Voter.objects.get(name="WARGA 2").polling_station.desa.code == SEPANG


def test_awkward_cells_are_located_errors_not_crashes(election, small_area, tmp_path):
    rows = [
        person(1, no=-1),
        person(2, no=3_000_000_000),
        person(3, date="85"),  # a two-digit year typed as a number: Excel's day 85 of 1900
    ]
    path = files.xlsx_openpyxl(tmp_path / "dpt.xlsx", {"TPS 1": kpu_sheet(KURUN_1, "1", rows)})
    with pytest.raises(VoterImportRejected) as caught:
        import_voter_files(election, [path], isolated=False)
    text = "\n".join(caught.value.messages)
    assert "sel A8 (NO)" in text and "sel A9 (NO)" in text
    assert "sel F10 (TANGGAL LAHIR)" in text and "lebih dari 120 tahun" in text


def test_numbering_row_dropped_beside_unknown_columns(election, small_area, tmp_path):
    header = [*HEADER[:4], "KTP-EL", *HEADER[4:]]
    numbering = [str(i) for i in range(1, len(header) + 1)]
    voter = person(1)
    sheet = [["TPS : 001"], [f"DESA/KELURAHAN : KURUN ({KURUN_1})"], header, numbering,
             [*voter[:4], "SUDAH", *voter[4:]]]  # fmt: skip
    path = files.xlsx_openpyxl(tmp_path / "dpt.xlsx", {"TPS 001": sheet})
    outcome = import_voter_files(election, [path], isolated=False)
    assert outcome.summary.total("created") == 1 and any("KTP-EL" in n for n in outcome.notes)


def test_voter_sheet_missing_a_required_column_is_an_error(election, small_area, tmp_path):
    short = [row[:6] + row[7:] if len(row) == 12 else row for row in
             kpu_sheet(KURUN_1, "002", [person(2)])]  # fmt: skip
    path = files.xlsx_openpyxl(
        tmp_path / "dpt.xlsx", {"TPS 001": kpu_sheet(KURUN_1, "001", [person(1)]), "TPS 002": short}
    )
    with pytest.raises(VoterImportRejected) as caught:
        import_voter_files(election, [path], isolated=False)
    assert "lembar TPS 002" in caught.value.messages[0]
    assert "STATUS PERKAWINAN" in caught.value.messages[0]
    assert not Voter.objects.exists()


def test_two_files_with_one_name_are_refused(election, listed, tmp_path):
    other = tmp_path / "lain"
    other.mkdir()
    twin = kurun_workbook(other / "dpt-kurun.xlsx")
    with pytest.raises(VoterImportRejected, match="bernama sama"):
        import_voter_files(election, [listed, twin], isolated=False)


def test_file_name_with_a_comma_is_logged_whole(election, small_area, tmp_path):
    path = kurun_workbook(tmp_path / "DPT Kurun, revisi.xlsx")
    import_voter_files(election, [path], isolated=False)
    entry = ChangeLogEntry.objects.filter(entity="voters.stationvoterlist").first()
    assert entry.source_file == "DPT Kurun, revisi.xlsx" and len(entry.source_sha256) == 64
    assert entry.source_sheet == "TPS 001"


def test_control_characters_never_reach_the_database(election, small_area, tmp_path):
    # past the first 4 KB, which the binary-file check reads
    rows = [["KODE TPS", *HEADER]] + [["6210021012001", *person(n)] for n in range(1, 60)]
    rows.append(["6210021012001", *person(60, name="SITI\x00 AMINAH")])
    path = files.csv_file(tmp_path / "dpt.csv", rows)
    import_voter_files(election, [path], isolated=False)
    assert Voter.objects.get(number=60).name == "SITI AMINAH"
