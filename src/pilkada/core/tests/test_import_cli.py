"""`pilkada import …` as a user runs it: the console entry point, real files, exit codes."""

from pathlib import Path

import pytest
import xlsxwriter

from pilkada.cli import main
from pilkada.elections.models import CandidatePair
from pilkada.regions.models import PollingStation, Region

TPS_HEADER = ["Kode Desa", "Nomor TPS", "DPT L", "DPT P", "Alamat"]


def write_xlsx(path: Path, sheet: str, rows: list[list]) -> Path:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    ws = wb.add_worksheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str):
                ws.write_string(r, c, value)
            else:
                ws.write(r, c, value)
    wb.close()
    return path


@pytest.fixture(autouse=True)
def keep_test_connection(monkeypatch):
    """Django closes every connection after a command run from argv; in a test that would
    close the connection holding the test transaction (PostgreSQL), so keep it open."""
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)


def run_cli(*args) -> int:
    try:
        return main(list(args))
    except SystemExit as exc:
        return exc.code


def snapshot():
    return (
        list(Region.objects.order_by("code").values_list("code", "name")),
        list(
            PollingStation.objects.order_by("id").values_list(
                "desa__code", "number", "registered_men", "registered_women"
            )
        ),
    )


def test_bad_row_rejects_whole_file_with_row_and_column(gumas_regions, tmp_path, capsys):
    good = write_xlsx(
        tmp_path / "tps.xlsx",
        "TPS",
        [
            ["DAFTAR TPS KABUPATEN GUNUNG MAS"],  # a title row above the header
            [],
            TPS_HEADER,
            ["62.10.02.1012", "1", 150, 160, "Jl. Tjilik Riwut"],
            ["62.10.02.1012", "2", 130, 140, ""],
            ["JUMLAH", "", 280, 300, ""],
        ],
    )
    assert run_cli("import", "tps", str(good)) == 0
    assert "2 baru" in capsys.readouterr().out
    before = snapshot()

    bad = write_xlsx(
        tmp_path / "tps-salah.xlsx",
        "TPS",
        [
            TPS_HEADER,
            ["62.10.02.1012", "1", 151, 160, ""],  # would change a count
            ["62.10.02.1012", "3", "12a", 100, ""],  # not a number: C3
            ["62.10.99.2001", "1", 10, 10, ""],  # unknown desa: A4
        ],
    )
    assert run_cli("import", "tps", str(bad)) == 1
    err = capsys.readouterr().err
    assert "tps-salah.xlsx" in err and "TPS" in err
    assert "C3" in err and "12a" in err
    assert "tidak ada data yang ditulis" in err
    assert snapshot() == before  # nothing written, not even the valid first row


def test_unknown_desa_names_cell(gumas_regions, tmp_path, capsys):
    bad = write_xlsx(
        tmp_path / "tps.xlsx",
        "Data",
        [
            TPS_HEADER,
            ["62.10.99.2001", "1", 10, 10, ""],
        ],
    )
    assert run_cli("import", "tps", str(bad)) == 1
    err = capsys.readouterr().err
    assert "62.10.99.2001" in err and "A2" in err and "kode_desa" in err
    assert not PollingStation.objects.exists()


def test_reimport_is_unchanged_and_dry_run_writes_nothing(gumas_regions, tmp_path, capsys):
    path = tmp_path / "tps.csv"
    path.write_text(
        "kode_desa;nomor_tps;dpt_l;dpt_p\n62.10.02.1012;001;150;160\n", encoding="utf-8-sig"
    )
    assert run_cli("import", "tps", "--dry-run", str(path)) == 0
    assert "Uji coba" in capsys.readouterr().out
    assert not PollingStation.objects.exists()
    assert run_cli("import", "tps", str(path)) == 0
    assert run_cli("import", "tps", str(path)) == 0
    assert "1 tidak berubah" in capsys.readouterr().out
    assert PollingStation.objects.get().registered_total == 310


def test_import_regions_and_pairs(db, tmp_path, capsys):
    regions = tmp_path / "wilayah.csv"
    regions.write_text(
        "kode,nama,tingkat\n62,Kalimantan Tengah,provinsi\n62.10,Kabupaten Gunung Mas,"
        "kabupaten\n62.10.02,Kurun,kecamatan\n62.10.02.1012,Kurun,kelurahan\n",
        encoding="utf-8",
    )
    assert run_cli("import", "wilayah", str(regions)) == 0
    assert Region.objects.get(code="62.10.02.1012").level == "desa"
    assert (
        run_cli(
            "election",
            "create",
            "--name",
            "Pilbup Uji",
            "--kind",
            "bupati",
            "--region",
            "62.10",
            "--date",
            "2024-11-27",
            "--code",
            "uji",
        )
        == 0
    )
    pairs = write_xlsx(
        tmp_path / "paslon.xlsx",
        "Paslon",
        [
            ["Nomor Urut", "Nama Calon", "Nama Wakil", "Partai Pengusung"],
            [1, "Calon Satu", "Wakil Satu", "Partai A; Partai B"],
            [2, "Calon Dua", "Wakil Dua", ""],
        ],
    )
    assert run_cli("import", "paslon", "--election", "uji", str(pairs)) == 0
    assert list(CandidatePair.objects.values_list("number", "kind", "parties")) == [
        (1, "partai", ["Partai A", "Partai B"]),
        (2, "perseorangan", []),
    ]
    capsys.readouterr()
    assert run_cli("import", "paslon", "--election", "tidak-ada", str(pairs)) == 1
    assert "tidak ditemukan" in capsys.readouterr().err


def test_region_with_missing_parent_is_rejected(db, tmp_path, capsys):
    path = tmp_path / "wilayah.csv"
    path.write_text("kode,nama\n62.10.02,Kurun\n", encoding="utf-8")
    assert run_cli("import", "wilayah", str(path)) == 1
    err = capsys.readouterr().err
    assert "62.10" in err and "induk" in err and "A2" in err
    assert not Region.objects.exists()


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 not really a zip", b"\x00\x01\x02"])
def test_broken_files_give_a_message_not_a_traceback(db, tmp_path, capsys, content):
    path = tmp_path / "rusak.xlsx"
    path.write_bytes(content)
    assert run_cli("import", "wilayah", str(path)) == 1
    err = capsys.readouterr().err
    assert "rusak.xlsx" in err and "Traceback" not in err


def test_header_only_file_is_rejected(gumas_regions, tmp_path, capsys):
    path = tmp_path / "kosong.csv"
    path.write_text("kode_desa,nomor_tps,dpt_l,dpt_p\n", encoding="utf-8")
    assert run_cli("import", "tps", str(path)) == 1
    assert "tidak ada baris data" in capsys.readouterr().err


def test_skipped_sheets_are_reported(gumas_regions, tmp_path, capsys):
    wb = xlsxwriter.Workbook(str(tmp_path / "tps.xlsx"))
    data = wb.add_worksheet("TPS")
    for c, v in enumerate(TPS_HEADER[:4]):
        data.write_string(0, c, v)
    for c, v in enumerate(["62.10.02.1012", "1"]):
        data.write_string(1, c, v)
    data.write(1, 2, 10)
    data.write(1, 3, 12)
    notes = wb.add_worksheet("Petunjuk")
    notes.write_string(0, 0, "Isi satu baris per TPS.")
    wb.close()
    assert run_cli("import", "tps", str(tmp_path / "tps.xlsx")) == 0
    out = capsys.readouterr().out
    assert "1 baru" in out and "Petunjuk" in out


def test_import_results_from_the_command_line(election, small_area, tmp_path, capsys):
    from django.contrib.auth import get_user_model

    from pilkada.tallies.models import TallySheetRevision

    get_user_model().objects.create_user("operator", password="x")
    path = tmp_path / "hasil.csv"
    path.write_text(
        "kode_tps,suara_paslon_1,suara_paslon_2\n6210011001001,10,20\n", encoding="utf-8"
    )
    assert run_cli("import", "hasil", "--election", "uji", "--user", "operator", str(path)) == 0
    assert "TPS baru 1" in capsys.readouterr().out
    assert TallySheetRevision.objects.get().created_by.username == "operator"
    assert run_cli("import", "hasil", "--election", "uji", "--user", "siapa", str(path)) == 1
    assert "Pengguna 'siapa' tidak ada" in capsys.readouterr().err
    path.write_text("kode_tps,suara_paslon_1\n6210011001009,10\n", encoding="utf-8")
    assert run_cli("import", "hasil", "--election", "uji", str(path)) == 1
    err = capsys.readouterr().err
    assert "6210011001009" in err and "A2" in err and "tidak ada data yang ditulis" in err


def test_entry_workbook_names_its_election_and_refuses_another(
    election, small_area, tmp_path, capsys
):
    from io import StringIO

    import openpyxl
    from django.core.management import call_command

    from pilkada.elections.services import create_election
    from pilkada.tallies.models import TallySheet

    out = tmp_path / "isian.xlsx"
    call_command(
        "template",
        "hasil",
        "--election",
        "uji",
        "--region",
        "62.10.02",
        "--output",
        str(out),
        stdout=StringIO(),
    )
    wb = openpyxl.load_workbook(out)
    ws = wb["Kurun"]
    cols = {ws.cell(4, c).value: c for c in range(1, ws.max_column + 1)}
    ws.cell(5, cols["suara_paslon_1"]).value = 7
    wb.save(out)
    assert run_cli("import", "hasil", str(out)) == 0  # no --election: the file says "uji"
    assert "TPS baru 1" in capsys.readouterr().out
    create_election(
        name="Lain", kind="bupati", region_code="62.10", polling_date="2024-11-27", code="lain"
    )
    assert run_cli("import", "hasil", "--election", "lain", str(out)) == 1
    err = capsys.readouterr().err
    assert "Kesalahan:" in err and "bukan 'lain'" in err and "CommandError" not in err
    assert TallySheet.objects.count() == 1
