import datetime as dt
from pathlib import Path

import pytest

from pilkada.dataio.columns import Column, ParsedRow, ParseResult, Spec, normalise_header
from pilkada.dataio.errors import CellError, Location
from pilkada.dataio.parsers import count, region_code, text, tps_number
from pilkada.dataio.readers import Sheet, read_sheets
from pilkada.dataio.tests import files

HEADER = ["Kode Desa", "No. TPS", "DPT (L)", "DPT (P)", "Alamat"]


def tps_spec(**options) -> Spec:
    return Spec(
        name="tps",
        columns=[
            Column(
                "kode_desa",
                aliases=("kode desa", "kode wilayah", "kode"),
                parser=region_code,
                required=True,
            ),
            Column(
                "nomor_tps",
                aliases=("nomor tps", "no tps", "tps"),
                parser=tps_number,
                required=True,
            ),
            Column("dpt_l", aliases=("dpt l", "laki-laki", "l"), parser=count, required=True),
            Column("dpt_p", aliases=("dpt p", "perempuan", "p"), parser=count, required=True),
            Column("alamat", aliases=("alamat",), parser=text, required=False),
        ],
        **options,
    )


def test_the_documented_usage(tmp_path):
    """Exactly what the import services do with a spec."""

    path = files.xlsx_xlsxwriter(
        tmp_path / "tps.xlsx",
        {
            "Kurun": [
                ["DAFTAR TPS PILKADA 2024"],
                ["KECAMATAN KURUN"],
                [],
                ["Kode Desa", "Nomor TPS", "DPT L", "DPT P", "Keterangan"],
                ["62.10.02.1012", "001", 100, 110, "aula"],
                ["62.10.02.1012", 2, 120, "12a", None],
                ["JUMLAH", None, 220, 122, None],
            ]
        },
    )
    spec = tps_spec()
    result = spec.parse_file(Path(path))
    assert isinstance(result, ParseResult)
    assert [r.values for r in result.rows] == [
        {"kode_desa": "62.10.02.1012", "nomor_tps": "001", "dpt_l": 100, "dpt_p": 110}
    ]
    assert result.rows[0].location == Location("tps.xlsx", "Kurun", 5)
    assert [str(e) for e in result.errors] == [
        "tps.xlsx, lembar Kurun, sel D6 (dpt_p): bukan bilangan bulat: '12a'"
    ]
    err = result.errors[0]
    assert (err.file, err.sheet, err.row, err.column_letter, err.column, err.header) == (
        "tps.xlsx",
        "Kurun",
        6,
        "D",
        "dpt_p",
        "DPT P",
    )
    assert result.ignored_columns == ["Keterangan"]
    assert result.skipped_total_rows == [Location("tps.xlsx", "Kurun", 7)]
    assert not result.ok


def kurun_rows() -> list[list[object]]:
    return [
        ["REKAPITULASI DAFTAR PEMILIH TETAP"],
        ["PEMILIHAN BUPATI DAN WAKIL BUPATI GUNUNG MAS 2024"],
        ["Kecamatan: Kurun"],
        [],
        HEADER + ["Catatan"],
        [1, 2, 3, 4, 5, 6],
        ["62.10.02.1012", "001", 100, 110, "Aula kelurahan", None],
        [None, None, None, None, None, None],
        ["62.10.02.1012", 2.0, "1.234", "1,100", None, "ok"],
        ["62.10.02.2005", "TPS 1", 80.0, 75, "Balai desa", None],
        ["Jumlah Kec. Kurun", None, 1414, 1285, None, None],
    ]


@pytest.mark.parametrize("writer", [files.xlsx_xlsxwriter, files.xlsx_openpyxl, files.ods])
def test_title_rows_numbering_row_blank_and_total_rows(tmp_path, writer):
    suffix = ".ods" if writer is files.ods else ".xlsx"
    path = writer(tmp_path / f"dpt{suffix}", {"Kurun": kurun_rows()})
    result = tps_spec().parse_file(path)
    assert result.ok, result.messages()
    assert [(r.location.row, r.values) for r in result.rows] == [
        (
            7,
            {
                "kode_desa": "62.10.02.1012",
                "nomor_tps": "001",
                "dpt_l": 100,
                "dpt_p": 110,
                "alamat": "Aula kelurahan",
            },
        ),
        (
            9,
            {
                "kode_desa": "62.10.02.1012",
                "nomor_tps": "002",
                "dpt_l": 1234,
                "dpt_p": 1100,
                "alamat": "",
            },
        ),
        (
            10,
            {
                "kode_desa": "62.10.02.2005",
                "nomor_tps": "001",
                "dpt_l": 80,
                "dpt_p": 75,
                "alamat": "Balai desa",
            },
        ),
    ]
    assert result.skipped_total_rows == [Location(path.name, "Kurun", 11)]
    assert result.ignored_columns == ["Catatan"]
    assert result.sheets == ["Kurun"]
    assert result.rows[0].letters == {
        "kode_desa": "A",
        "nomor_tps": "B",
        "dpt_l": "C",
        "dpt_p": "D",
        "alamat": "E",
    }


def test_bad_cells_are_all_reported_with_their_cells(tmp_path):
    path = files.xlsx_xlsxwriter(
        tmp_path / "tps.xlsx",
        {
            "Petunjuk": [["Isi lembar Kurun dan Sepang."]],
            "Kurun": [["DAFTAR TPS"], HEADER]
            + [
                ["62.10.02.1012", "001", 100, 110],
                ["62.10.02.1012", "002", "12a", 3.5],
                [62.1, "3", None, 2],
                ["6210021012", "0", -1, "1.2"],
            ],
            "Sepang": [
                [None, None, *HEADER],  # the table starts at column C
                [None, None, "62.10.01.1001", "001", 90, 91, "Jl. Total Baru"],
                [None, None, "62.10.01.1001", "x", 90, 91],
            ],
        },
    )
    result = tps_spec().parse_file(path)
    assert [str(e) for e in result.errors] == [
        "tps.xlsx, lembar Kurun, sel C4 (dpt_l): bukan bilangan bulat: '12a'",
        "tps.xlsx, lembar Kurun, sel D4 (dpt_p): bukan bilangan bulat: 3.5",
        "tps.xlsx, lembar Kurun, sel A5 (kode_desa): kode wilayah tersimpan sebagai angka (62.1), "
        "sehingga titik dan angka nolnya bisa hilang; format kolom sebagai Teks lalu ketik ulang "
        "kodenya, mis. '62.10.02.1012'",
        "tps.xlsx, lembar Kurun, sel C5 (dpt_l): wajib diisi",
        "tps.xlsx, lembar Kurun, sel A6 (kode_desa): kode wilayah tanpa titik: '6210021012'; "
        "tulis dengan titik, mis. '62.10.02.1012'",
        "tps.xlsx, lembar Kurun, sel B6 (nomor_tps): nomor TPS tidak sah: '0' (harus bilangan "
        "bulat 1–999)",
        "tps.xlsx, lembar Kurun, sel C6 (dpt_l): tidak boleh negatif: -1",
        "tps.xlsx, lembar Kurun, sel D6 (dpt_p): bukan bilangan bulat: '1.2'",
        "tps.xlsx, lembar Sepang, sel D3 (nomor_tps): nomor TPS tidak sah: 'x' (harus bilangan "
        "bulat 1–999)",
    ]
    assert result.error_count == 9
    # rows with an error are not offered as data; the good ones are, from both sheets
    assert [(r.location.sheet, r.location.row) for r in result.rows] == [
        ("Kurun", 3),
        ("Sepang", 2),
    ]
    # "Jl. Total Baru" in a row with a valid code is data, not a TOTAL row
    assert result.rows[1].values["alamat"] == "Jl. Total Baru"
    assert result.skipped_sheets == [("Petunjuk", "tidak ada baris judul kolom yang cocok")]
    assert result.sheets == ["Kurun", "Sepang"]


def test_error_cap_adds_one_summary(tmp_path):
    rows = [HEADER] + [["62.10.02.1012", str(i), "x", "y"] for i in range(1, 5)]
    path = files.xlsx_xlsxwriter(tmp_path / "tps.xlsx", {"S": rows})
    result = tps_spec(max_errors=5).parse_file(path)
    assert result.error_count == 8
    assert len(result.errors) == 6
    assert str(result.errors[-1]) == "tps.xlsx: dan 3 kesalahan lain"


def test_error_cap_default_is_a_thousand(tmp_path):
    rows = [HEADER] + [["62.10.02.1012", "1", "x", "1"] for _ in range(1200)]
    path = files.csv_file(tmp_path / "tps.csv", rows)
    result = tps_spec().parse_file(path)
    assert result.error_count == 1200
    assert len(result.errors) == 1001
    assert str(result.errors[-1]) == "tps.csv: dan 200 kesalahan lain"
    assert (
        str(result.errors[999])
        == "tps.csv, lembar tps, sel C1001 (dpt_l): bukan bilangan bulat: 'x'"
    )


def test_missing_required_columns_one_error_naming_the_file(tmp_path):
    path = files.xlsx_xlsxwriter(
        tmp_path / "tps.xlsx",
        {
            "A": [["Kode Desa", "Nama"], ["62.10.02.1012", "Kurun"]],
            "B": [["Kode", "DPT L", "DPT P"], ["62.10.02.1012", 1, 2]],
        },
    )
    result = tps_spec().parse_file(path)
    assert [str(e) for e in result.errors] == ["tps.xlsx: kolom wajib tidak ditemukan: 'nomor tps'"]
    assert result.rows == []


def test_all_sheets_requires_a_header_in_each(tmp_path):
    path = files.xlsx_xlsxwriter(
        tmp_path / "tps.xlsx",
        {
            "Kurun": [HEADER, ["62.10.02.1012", "1", 1, 2]],
            "Catatan": [["Diperiksa oleh", "Tanggal"]],
            "Kosong": [],
        },
    )
    result = tps_spec(all_sheets=True).parse_file(path)
    assert [str(e) for e in result.errors] == [
        "tps.xlsx, lembar Catatan: kolom wajib tidak ditemukan: 'kode desa', 'nomor tps', "
        "'dpt l', 'dpt p'"
    ]
    assert len(result.rows) == 1


def test_duplicated_header_is_an_error(tmp_path):
    path = files.xlsx_xlsxwriter(
        tmp_path / "tps.xlsx",
        {"S": [["Kode", "TPS", "L", "P", "Laki-Laki"], ["62.10.02.1012", "1", 1, 2, 3]]},
    )
    result = tps_spec().parse_file(path)
    assert [str(e) for e in result.errors] == [
        "tps.xlsx, lembar S, sel E1 (dpt_l): kolom 'Laki-Laki' muncul lebih dari sekali "
        "(juga di kolom C)"
    ]
    assert result.rows == []


def test_hidden_sheets_are_skipped_unless_asked(tmp_path):
    sheets = {
        "Kurun": [HEADER, ["62.10.02.1012", "1", 1, 2]],
        "Salinan": [HEADER, ["62.10.02.1012", "1", 1, 2]],
    }
    path = files.xlsx_xlsxwriter(tmp_path / "tps.xlsx", sheets, hidden=("Salinan",))
    result = tps_spec().parse_file(path)
    assert result.ok and len(result.rows) == 1
    assert result.skipped_sheets == [("Salinan", "lembar tersembunyi")]
    assert len(tps_spec(include_hidden=True).parse_file(path).rows) == 2


def test_empty_workbook(tmp_path):
    path = files.xlsx_xlsxwriter(tmp_path / "kosong.xlsx", {"Sheet1": []})
    result = tps_spec().parse_file(path)
    assert [str(e) for e in result.errors] == ["kosong.xlsx: berkas tidak berisi data"]


def test_header_below_twenty_rows_is_not_found(tmp_path):
    rows = [[f"judul {i}"] for i in range(20)] + [HEADER, ["62.10.02.1012", "1", 1, 2]]
    path = files.csv_file(tmp_path / "tps.csv", rows)
    assert [str(e) for e in tps_spec().parse_file(path).errors] == [
        "tps.csv: kolom wajib tidak ditemukan: 'kode desa', 'nomor tps', 'dpt l', 'dpt p'"
    ]
    path = files.csv_file(tmp_path / "tps.csv", rows[1:])
    assert tps_spec().parse_file(path).ok


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (" No._TPS ", "no tps"),
        ("DPT (L)", "dpt l"),
        ("Laki-Laki", "laki laki"),
        ("KODE   DESA", "kode desa"),
        ("kode_desa", "kode desa"),
        ("Kode\nDesa", "kode desa"),
        ("Ｋｏｄｅ", "kode"),
        (12.0, "12"),
    ],
)
def test_normalise_header(header, expected):
    assert normalise_header(header) == expected


def test_header_aliases_match_exactly_after_normalisation():
    spec = Spec(
        name="pemilih",
        columns=[
            Column("jenis_kelamin", aliases=("jenis kelamin", "j k"), required=True),
            Column("nik", aliases=("nik",), required=True),
        ],
    )
    assert spec.column_for("JENIS KELAMIN (L/P)").name == "jenis_kelamin"
    assert spec.column_for("Jenis_Kelamin").name == "jenis_kelamin"
    assert spec.column_for("J K").name == "jenis_kelamin"
    assert spec.column_for("N I K") is None  # no fuzzy matching
    assert spec.column_for("Jenis") is None
    assert spec.column_for("NIK (16 digit)").name == "nik"


def test_spec_refuses_ambiguous_aliases():
    with pytest.raises(ValueError, match="would mean both"):
        Spec(name="x", columns=[Column("a", aliases=("kode",)), Column("b", aliases=("KODE.",))])
    with pytest.raises(ValueError, match="unknown key"):
        Spec(name="x", columns=[Column("a")], key=("b",))


@pytest.mark.parametrize(
    "label",
    ["JUMLAH", "Jumlah Kec. Kurun", "TOTAL", "Total:", "Sub-Total", "SUBTOTAL", "Sub Total"],
)
def test_total_row_labels(label):
    sheet = Sheet(
        name="S",
        rows=iter([(1, HEADER), (2, ["62.10.02.1012", "1", 1, 2]), (3, [label, None, 1, 2])]),
    )
    result = tps_spec().parse_sheets([sheet], "t.xlsx")
    assert result.ok
    assert result.skipped_total_rows == [Location("t.xlsx", "S", 3)]


def test_total_label_in_a_key_less_column_with_a_valid_key_is_data():
    sheet = Sheet(
        name="S",
        rows=iter([(1, ["No", *HEADER]), (2, ["Total", "62.10.02.1012", "1", 1, 2])]),
    )
    result = tps_spec().parse_sheets([sheet], "t.xlsx")
    assert len(result.rows) == 1 and not result.skipped_total_rows


def test_total_label_with_an_empty_key_is_skipped():
    sheet = Sheet(
        name="S",
        rows=iter([(1, ["No", *HEADER]), (2, ["TOTAL", None, None, 10, 20])]),
    )
    result = tps_spec().parse_sheets([sheet], "t.xlsx")
    assert result.ok and result.skipped_total_rows == [Location("t.xlsx", "S", 2)]


def test_explicit_key_columns():
    spec = tps_spec(key=("kode_desa", "nomor_tps"))
    sheet = Sheet(name="S", rows=iter([(1, HEADER), (2, ["Jumlah", "Jumlah", 10, 20])]))
    assert spec.parse_sheets([sheet], "t.xlsx").skipped_total_rows


def test_date_in_a_count_column():
    sheet = Sheet(
        name="S", rows=iter([(1, HEADER), (2, ["62.10.02.1012", "1", dt.date(2024, 1, 5), 2])])
    )
    result = tps_spec().parse_sheets([sheet], "t.xlsx")
    assert [str(e) for e in result.errors] == [
        "t.xlsx, lembar S, sel C2 (dpt_l): berisi tanggal/waktu, bukan bilangan: 2024-01-05; "
        "format kolom sebagai Angka"
    ]


def test_short_rows_and_absent_optional_columns():
    sheet = Sheet(
        name="S",
        rows=iter([(1, ["Kode", "TPS", "L", "P"]), (2, ["62.10.02.1012", "1", 5])]),
        first_column=3,
    )
    result = tps_spec().parse_sheets([sheet], "t.xlsx")
    assert [str(e) for e in result.errors] == ["t.xlsx, lembar S, sel G2 (dpt_p): wajib diisi"]
    sheet = Sheet(
        name="S", rows=iter([(1, ["Kode", "TPS", "L", "P"]), (2, ["62.10.02.1012", "1", 5, 6])])
    )
    (row,) = tps_spec().parse_sheets([sheet], "t.xlsx").rows
    assert "alamat" not in row.values


def test_service_problems_are_located_through_the_row():
    sheet = Sheet(name="Kurun", rows=iter([(4, HEADER), (5, ["62.10.02.1012", "1", 5, 6])]))
    result = tps_spec().parse_sheets([sheet], "tps.xlsx")
    row: ParsedRow = result.rows[0]
    assert result.describe(row, "nomor_tps", "TPS ganda") == (
        "tps.xlsx, lembar Kurun, sel B5 (nomor_tps): TPS ganda"
    )
    assert str(row.error(None, "desa tidak dikenal")) == (
        "tps.xlsx, lembar Kurun, baris 5: desa tidak dikenal"
    )
    assert isinstance(row.error("dpt_l", "x"), CellError)


def test_read_sheets_is_lazy_and_numbers_rows(tmp_path):
    path = files.xlsx_xlsxwriter(tmp_path / "t.xlsx", {"A": [["x"], [], ["y"]], "B": [["z"]]})
    sheets = read_sheets(path)
    first = next(sheets)
    assert first.name == "A"
    assert list(first.rows) == [(1, ["x"]), (2, [""]), (3, ["y"])]
    assert [(s.name, list(s.rows)) for s in sheets] == [("B", [(1, ["z"])])]


def test_a_numbering_row_is_dropped_only_when_it_is_not_data():
    spec = Spec(
        name="suara",
        columns=[
            Column("nomor_urut", aliases=("no urut",), parser=count, required=True),
            Column("suara", parser=count, required=True),
        ],
    )
    sheet = Sheet(name="S", rows=iter([(1, ["No Urut", "Suara"]), (2, [1, 2]), (3, [2, 7])]))
    result = spec.parse_sheets([sheet], "t.xlsx")
    assert [r.values for r in result.rows] == [
        {"nomor_urut": 1, "suara": 2},
        {"nomor_urut": 2, "suara": 7},
    ]
    sheet = Sheet(
        name="S",
        rows=iter([(1, HEADER), (2, ["(1)", "(2)", "(3)", "(4)", "(5)"]), (3, ["1", "2", 3, 4])]),
    )
    result = tps_spec().parse_sheets([sheet], "t.xlsx")
    # row 2 is the column numbering; row 3 looks alike but is not right under the header
    assert [str(e) for e in result.errors] == [
        "t.xlsx, lembar S, sel A3 (kode_desa): kode wilayah Kemendagri tidak sah: '1' "
        "(contoh: '62.10.02.1012')"
    ]
