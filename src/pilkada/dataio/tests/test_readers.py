import datetime as dt
import shutil

import pytest

from pilkada.dataio.columns import Column, Spec
from pilkada.dataio.errors import column_index, column_letter
from pilkada.dataio.parsers import count, text
from pilkada.dataio.readers import read_sheets
from pilkada.dataio.tests import files

SPEC = Spec(
    name="paslon",
    columns=[
        Column("nomor_urut", aliases=("nomor urut", "no urut"), parser=count, required=True),
        Column("nama", aliases=("nama calon",), parser=text, required=True),
    ],
)


def only_error(path, **kwargs) -> str:
    result = SPEC.parse_file(path, **kwargs)
    assert len(result.errors) == 1, result.messages()
    return str(result.errors[0])


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702, 16383)] == [
        "A", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD"
    ]  # fmt: skip
    assert all(column_index(column_letter(i)) == i for i in range(20000))


# --- CSV


@pytest.mark.parametrize(
    ("delimiter", "bom"), [(",", False), (";", False), (";", True), (",", True)]
)
def test_csv_delimiters_and_bom(tmp_path, delimiter, bom):
    rows = [
        ["DAFTAR PASLON, PILKADA 2024, GUNUNG MAS, KALIMANTAN TENGAH"],  # commas in a title
        [],
        ["No Urut", "Nama Calon", "Partai"],
        ["1", "Budi; dan Wati", "Partai A, Partai B"],
        ["2", "Sari\nBaris dua", ""],
        ["3", "Ani", ""],
    ]
    path = files.csv_file(tmp_path / "paslon.csv", rows, delimiter=delimiter, bom=bom)
    result = SPEC.parse_file(path)
    assert result.ok, result.messages()
    assert [(r.location.sheet, r.location.row, r.values) for r in result.rows] == [
        ("paslon", 4, {"nomor_urut": 1, "nama": "Budi; dan Wati"}),
        ("paslon", 5, {"nomor_urut": 2, "nama": "Sari\nBaris dua"}),
        ("paslon", 6, {"nomor_urut": 3, "nama": "Ani"}),
    ]
    assert result.ignored_columns == ["Partai"]


def test_csv_errors_name_the_cell(tmp_path):
    path = files.csv_file(tmp_path / "paslon.csv", [["no urut", "nama calon"], ["1,5", "A"]])
    assert (
        only_error(path)
        == "paslon.csv, lembar paslon, sel A2 (nomor_urut): bukan bilangan bulat: '1,5'"
    )


def test_csv_not_utf8(tmp_path):
    path = tmp_path / "paslon.csv"
    path.write_bytes("no urut;nama calon\n1;Andr\xe9\n".encode("cp1252"))
    assert only_error(path) == (
        'paslon.csv: berkas CSV ini bukan UTF-8; simpan ulang dari Excel sebagai "CSV UTF-8 '
        '(Comma delimited)"'
    )


def test_csv_not_utf8_far_down(tmp_path):
    path = tmp_path / "paslon.csv"
    lines = ["no urut,nama calon"] + [f"{i},A" for i in range(1, 5000)]
    path.write_bytes(("\n".join(lines) + "\n").encode() + b"5000,Andr\xe9\n")
    assert "bukan UTF-8" in only_error(path)


def test_csv_utf16(tmp_path):
    path = tmp_path / "paslon.csv"
    path.write_bytes("no urut\tnama calon\n1\tA\n".encode("utf-16"))
    assert "UTF-16" in only_error(path)


def test_display_name_is_used_in_messages(tmp_path):
    path = files.csv_file(tmp_path / "tmp8f3k2.csv", [["no urut", "nama calon"], ["x", "A"]])
    message = only_error(path, display_name="Paslon Gunung Mas.csv")
    assert message.startswith("Paslon Gunung Mas.csv, lembar Paslon Gunung Mas, sel A2")


# --- workbooks


def test_xlsx_values_come_raw(tmp_path):
    path = files.xlsx_xlsxwriter(
        tmp_path / "t.xlsx", {"S": [["a", 1, 2.5, True, dt.date(2024, 11, 27), None, "x"]]}
    )
    (sheet,) = read_sheets(path)
    ((number, cells),) = list(sheet.rows)
    assert number == 1
    assert cells[:4] == ["a", 1.0, 2.5, True]
    assert cells[4] in (dt.date(2024, 11, 27), dt.datetime(2024, 11, 27))
    assert cells[5:] == ["", "x"]


def test_format_comes_from_content_not_name(tmp_path):
    path = files.xlsx_xlsxwriter(
        tmp_path / "paslon.xlsx", {"S": [["No Urut", "Nama Calon"], [1, "A"]]}
    )
    renamed = tmp_path / "paslon.xls"
    shutil.copy(path, renamed)
    assert SPEC.parse_file(renamed).ok
    ods = files.ods(tmp_path / "paslon.ods", {"S": [["No Urut", "Nama Calon"], [1, "A"]]})
    renamed = tmp_path / "ods-sebagai.xlsx"
    shutil.copy(ods, renamed)
    assert len(SPEC.parse_file(renamed).rows) == 1


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("paslon.pdf", b"%PDF-1.4", "jenis berkas .pdf tidak didukung"),
        ("paslon", b"x", "jenis berkas (tanpa akhiran) tidak didukung"),
        ("paslon.xlsb", b"PK\x03\x04", "jenis berkas .xlsb tidak didukung"),
        ("paslon.xlsx", b"", "berkas kosong (0 byte)"),
        ("paslon.xlsx", b"no urut,nama calon\n1,A\n", "teks biasa (mungkin CSV)"),
        ("paslon.xlsx", bytes(range(256)) * 4, "bukan berkas .xlsx yang sah"),
        ("paslon.xls", b"<html><body><table><tr><td>1</td></tr></table>", "halaman web (HTML)"),
        (
            "paslon.xls",
            b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
            "XML Spreadsheet 2003",
        ),
        ("paslon.ods", b"%PDF-1.4 ...", "berkas ini PDF"),
        ("paslon.xlsx", b"PK\x03\x04" + b"\x00" * 100, "rusak atau terpotong"),
    ],
)
def test_unreadable_files_give_one_message(tmp_path, name, content, fragment):
    path = tmp_path / name
    path.write_bytes(content)
    message = only_error(path)
    assert message.startswith(f"{name}: ")
    assert fragment in message


def test_missing_file(tmp_path):
    assert only_error(tmp_path / "tidak-ada.xlsx") == "tidak-ada.xlsx: berkas tidak ditemukan"


def test_truncated_xlsx(tmp_path):
    path = files.xlsx_xlsxwriter(
        tmp_path / "paslon.xlsx",
        {"S": [["No Urut", "Nama Calon"]] + [[i, "A"] for i in range(500)]},
    )
    data = path.read_bytes()
    for cut in (len(data) // 2, len(data) - 10, 30):
        path.write_bytes(data[:cut])
        assert "berkas rusak atau terpotong" in only_error(path)


def test_zip_that_is_not_a_workbook(tmp_path):
    import zipfile

    path = tmp_path / "paslon.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data.txt", "1,A")
    assert "arsip ZIP, bukan workbook" in only_error(path)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    assert "dokumen Word" in only_error(path)


def test_damaged_part_inside_a_valid_zip(tmp_path):
    path = files.crafted_xlsx(tmp_path / "paslon.xlsx", "<row r='1'><c r='A1'><v>1</c></row>")
    message = only_error(path)
    assert message.startswith("paslon.xlsx: ")
    assert "rusak" in message or "tidak dapat dibaca" in message


def test_password_protected_workbook(tmp_path):
    path = files.encrypted_ooxml_container(tmp_path / "paslon.xlsx")
    assert only_error(path) == (
        "paslon.xlsx: berkas dilindungi kata sandi (terenkripsi); buka di Excel, hapus kata "
        "sandinya, lalu simpan ulang"
    )


def test_zip_with_encrypted_entries(tmp_path):
    path = files.crafted_xlsx(tmp_path / "paslon.xlsx", "")
    data = bytearray(path.read_bytes())
    # set the "encrypted" flag bit on every central directory entry
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        data[pos + 8] |= 0x01
        pos = data.find(b"PK\x01\x02", pos + 4)
    path.write_bytes(bytes(data))
    assert "dilindungi kata sandi" in only_error(path)


def test_reader_error_mid_file_fails_the_file(tmp_path):
    path = tmp_path / "paslon.csv"
    path.write_bytes(b"no urut,nama calon\n1,A\n2," + b"B" * 200_000 + b"\n3,C\n")
    result = SPEC.parse_file(path)
    assert result.messages() == [
        "paslon.csv: CSV rusak sesudah baris 2: field larger than field limit (131072)"
    ]
    assert len(result.rows) == 1  # what came before is there, but the result is not ok


def test_a_lying_dimension_tag_loses_no_rows(tmp_path):
    """openpyxl's read-only mode trusts <dimension>; a stale tag must not hide rows here.
    300,000 rows whose tag says A1:B2, read as uploads are: in the child process whose
    memory is capped at 512 MB."""
    import re
    import zipfile

    import xlsxwriter

    from pilkada.dataio.columns import Column, Spec
    from pilkada.dataio.isolated import parse_isolated
    from pilkada.dataio.parsers import count, text

    honest = tmp_path / "jujur.xlsx"
    wb = xlsxwriter.Workbook(str(honest), {"constant_memory": True})
    ws = wb.add_worksheet("Data")
    ws.write_row(0, 0, ["kode", "jumlah"])
    n = 300_000
    for r in range(1, n + 1):
        ws.write_string(r, 0, f"K{r}")
        ws.write_number(r, 1, r)
    wb.close()
    lying = tmp_path / "bohong.xlsx"
    with zipfile.ZipFile(honest) as src, zipfile.ZipFile(lying, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, replaced = re.subn(
                    rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:B2"/>', data
                )
                assert replaced == 1
            dst.writestr(item, data)
    spec = Spec(
        name="uji",
        columns=[
            Column("kode", parser=text, required=True),
            Column("jumlah", parser=count, required=True),
        ],
    )
    result = parse_isolated(spec, lying)
    assert result.ok and len(result.rows) == n
    assert sum(r.values["jumlah"] for r in result.rows) == n * (n + 1) // 2
