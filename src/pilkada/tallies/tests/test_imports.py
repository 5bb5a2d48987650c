"""Import of result sheets from the flat layout (one row per TPS)."""

import pytest
import xlsxwriter
from django.contrib.auth import get_user_model

from pilkada.core.imports import ImportRejected
from pilkada.regions.services import upsert_stations
from pilkada.tallies.form import SheetNumbers
from pilkada.tallies.imports import import_results_file
from pilkada.tallies.models import TallySheet, TallySheetRevision
from pilkada.tallies.services import save_sheet, set_status

HEADER = ["kode_tps", "suara_paslon_1", "suara_paslon_2", "suara_sah", "suara_tidak_sah"]


def write_csv(path, rows, sep=";"):
    path.write_text(
        "\n".join(sep.join(str(c) for c in r) for r in rows) + "\n", encoding="utf-8-sig"
    )
    return path


def state():
    return sorted(
        (
            s.polling_station.sirekap_id,
            s.version,
            tuple(sorted(s.numbers().votes.items())),
            s.valid_votes,
            s.invalid_votes,
        )
        for s in TallySheet.objects.select_related("polling_station__desa")
    )


def test_new_changed_unchanged_and_sources(election, small_area, tmp_path):
    path = write_csv(
        tmp_path / "hasil.csv",
        [
            HEADER,
            ["6210011001001", 100, '"1.234"', 1334, 4],
            ["6210011001002", " 12 ", "1,234", 999, 1],  # R5: 12 + 1234 != 999
            ["JUMLAH", 112, 2468, 2333, 5],
        ],
    )
    s = import_results_file(election, path)
    assert (s.created, s.changed, s.unchanged, s.flagged, s.conflicts) == (2, 0, 0, 1, [])
    first = TallySheet.objects.get(polling_station=small_area[0])
    assert first.numbers().votes == {1: 100, 2: 1234}
    rev = TallySheetRevision.objects.get(sheet=first)
    assert (rev.source, rev.source_file, rev.source_sheet, rev.source_row) == (
        "file",
        "hasil.csv",
        "hasil",
        2,
    )
    again = import_results_file(election, path)
    assert (again.created, again.changed, again.unchanged) == (0, 0, 2)
    assert "Tidak ada yang berubah" in again.describe()
    assert TallySheetRevision.objects.count() == 2


def test_votes_only_file_leaves_other_boxes_alone(election, small_area, tmp_path):
    save_sheet(
        election=election,
        station=small_area[0],
        expected_version=None,
        numbers=SheetNumbers(fields={"invalid_votes": 7, "total_votes": 157}, votes={1: 1, 2: 1}),
    )
    path = write_csv(
        tmp_path / "suara.csv",
        [
            ["kode_tps", "suara_paslon_1", "suara_paslon_2"],
            ["6210011001001", 100, 50],
        ],
    )
    s = import_results_file(election, path)
    assert s.changed == 1
    sheet = TallySheet.objects.get()
    assert (sheet.invalid_votes, sheet.total_votes, sheet.valid_votes) == (7, 157, None)
    assert sheet.numbers().votes == {1: 100, 2: 50}


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (["6210990000001", 1, 1, 2, 0], "tidak ada dalam data TPS"),
        (["6210011001001", "12a", 1, 2, 0], "sel B3 (suara_paslon_1)"),
        (["62100110010", 1, 1, 2, 0], "kode TPS tidak sah"),
    ],
)
def test_structural_errors_reject_everything(election, small_area, tmp_path, row, expected):
    path = write_csv(tmp_path / "hasil.csv", [HEADER, ["6210011001002", 5, 5, 10, 0], row])
    with pytest.raises(ImportRejected) as exc:
        import_results_file(election, path)
    assert expected in str(exc.value)
    assert not TallySheet.objects.exists()


def test_duplicate_tps_rows_are_rejected(election, small_area, tmp_path):
    path = write_csv(
        tmp_path / "hasil.csv",
        [
            HEADER,
            ["6210011001001", 5, 5, 10, 0],
            ["6210011001001", 6, 5, 11, 0],
        ],
    )
    with pytest.raises(ImportRejected, match="sudah muncul"):
        import_results_file(election, path)
    assert not TallySheet.objects.exists()


def test_verified_or_newer_sheets_are_conflicts_not_overwritten(election, small_area, tmp_path):
    users = get_user_model().objects
    a, b = users.create_user("a", password="x"), users.create_user("b", password="x")
    out = save_sheet(
        election=election,
        station=small_area[0],
        expected_version=None,
        user=a,
        numbers=SheetNumbers(fields={"valid_votes": 150}, votes={1: 100, 2: 50}),
    )
    set_status(out.sheet, "verified", expected_version=1, user=b)
    save_sheet(
        election=election,
        station=small_area[1],
        expected_version=None,
        numbers=SheetNumbers(votes={1: 1, 2: 1}),
    )
    save_sheet(
        election=election,
        station=small_area[1],
        expected_version=1,
        numbers=SheetNumbers(votes={1: 2}),
    )
    before = state()
    path = write_csv(
        tmp_path / "hasil.csv",
        [
            ["kode_tps", "versi", "suara_paslon_1"],
            ["6210011001001", "", 999],  # verified
            ["6210011001002", 1, 777],  # based on version 1, now version 2
            ["6210012002001", "", 5],  # new
        ],
    )
    s = import_results_file(election, path)
    assert (s.created, s.changed, len(s.conflicts)) == (1, 0, 2)
    assert "terverifikasi" in s.conflicts[0] and "baris 2" in s.conflicts[0]
    assert "versi 1" in s.conflicts[1] and "versi 2" in s.conflicts[1]
    after = [r for r in state() if r[0] != "6210012002001"]
    assert after == before


def test_dry_run_reports_the_same_and_writes_nothing(election, small_area, tmp_path):
    path = write_csv(tmp_path / "hasil.csv", [HEADER, ["6210011001001", 5, 5, 10, 0]])
    s = import_results_file(election, path, dry_run=True)
    assert s.created == 1 and not TallySheet.objects.exists()


def test_xlsx_with_title_rows_aliases_and_extra_columns(election, small_area, tmp_path):
    path = tmp_path / "rekap.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Kurun")
    rows = [
        ["REKAP HASIL TPS KECAMATAN KURUN"],
        [],
        ["Kode TPS", "Paslon 1", "Paslon 2", "Jumlah Suara Sah", "Catatan"],
        ["6210021012001", 40, 60, 100, "aman"],
    ]
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            ws.write_string(r, c, v) if isinstance(v, str) else ws.write_number(r, c, v)
    wb.close()
    s = import_results_file(election, path)
    assert s.created == 1 and s.flagged == 0
    assert s.ignored_columns and "Catatan" in " ".join(s.ignored_columns)
    sheet = TallySheet.objects.get()
    assert (sheet.valid_votes, sheet.numbers().votes) == (100, {1: 40, 2: 60})
    assert TallySheetRevision.objects.get().source_sheet == "Kurun"


def test_more_tps_than_one_sql_in_list_takes(election, small_area, tmp_path):
    desa = ("62.10.01.1001", "62.10.01.2002", "62.10.02.1012")
    upsert_stations(
        [
            {"kode_desa": d, "nomor_tps": f"{n:03d}", "dpt_l": 100, "dpt_p": 100}
            for d in desa
            for n in range(3, 340)
        ]
    )
    ids = [d.replace(".", "") + f"{n:03d}" for d in desa for n in range(3, 340)]
    assert len(ids) > 1000
    rows = [HEADER] + [[tps, 1, 2, 3, 0] for tps in ids]
    s = import_results_file(election, write_csv(tmp_path / "banyak.csv", rows))
    assert (s.created, s.flagged) == (len(ids), 0)
    rows[5][1] = 2  # one changed box: R5 now fails, and only this TPS changes
    again = import_results_file(election, write_csv(tmp_path / "banyak.csv", rows))
    assert (again.created, again.changed, again.unchanged, again.flagged) == (
        0,
        1,
        len(ids) - 1,
        1,
    )
    assert TallySheetRevision.objects.count() == len(ids) + 1
