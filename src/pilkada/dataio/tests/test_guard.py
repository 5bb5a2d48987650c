"""The checks that keep hostile workbooks away from python-calamine.

Files that would make calamine abort the process are only ever opened by calamine inside a
child process, so a failing guard fails a test instead of killing pytest.
"""

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pilkada.dataio import guard
from pilkada.dataio.errors import FileError, column_letter
from pilkada.dataio.tests import files

FAR = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
A1 = '<row r="1"><c r="A1" t="inlineStr"><is><t>kode</t></is></c></row>'


def check(path: Path) -> str:
    with path.open("rb") as stream:
        return guard.check_zip_workbook(stream, path.name)


def refusal(path: Path) -> str:
    with pytest.raises(FileError) as info:
        check(path)
    return str(info.value)


def run_isolated(code: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """Run Python code in a child with a 4 GiB address-space limit."""
    import resource

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (4 * 1024**3, 4 * 1024**3))

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "pilkada.settings", "RUST_BACKTRACE": "0"}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        preexec_fn=limit,
    )


# --- the measured hazard: a cell at XFD1048576


@pytest.mark.parametrize(
    ("sheet_data", "dimension"),
    [
        (FAR, "XFD1048576"),  # the 4.8 KB file: one cell, at the last cell of the grid
        (A1 + FAR, None),  # no dimension at all
        (A1 + FAR, "A1"),  # a dimension that lies small
        (A1 + FAR.replace('"XFD', '"xfd'), "A1"),  # calamine accepts lower case too
        (A1 + '<row r="2"><c r="A2" r="XFD1048576"><v>1</v></c></row>', "A1:A2"),
        (A1 + FAR.replace("<row", "<x:row").replace("<c ", "<x:c "), None),  # prefixed
        (A1 + FAR.replace('<c r="XFD1048576">', '<c s="0" r="XFD1048576">'), None),
        (A1 + FAR.replace('r="XFD1048576"', "r='XFD1048576'"), None),
    ],
)
def test_far_cells_are_refused(tmp_path, sheet_data, dimension):
    path = files.crafted_xlsx(tmp_path / "tps.xlsx", sheet_data, dimension=dimension)
    assert path.stat().st_size < 5000
    message = refusal(path)
    assert message.startswith("tps.xlsx: lembar Data ")
    assert "terlalu luas" in message or "dua alamat" in message


def test_dimension_alone_is_checked(tmp_path):
    path = files.crafted_xlsx(tmp_path / "tps.xlsx", A1, dimension="A1:XFD1048576")
    assert "terlalu luas" in refusal(path)


def test_implicit_positions_are_followed(tmp_path):
    """Rows and cells without ``r`` continue from the previous position, as in calamine: a
    wide first row and two thousand short rows make a 32-million-cell box."""
    rows = '<row r="1"><c r="XFD1"><v>1</v></c></row>' + "<row><c><v>1</v></c></row>" * 2000
    path = files.crafted_xlsx(tmp_path / "tps.xlsx", rows)
    assert "terlalu luas" in refusal(path)
    cells = '<row r="1"><c r="XFA1"><v>1</v></c>' + "<c><v>1</v></c>" * 10 + "</row>"
    path = files.crafted_xlsx(tmp_path / "tps.xlsx", cells)
    assert "kolom ke-16.391" in refusal(path)


def test_a_parse_of_the_far_cell_file_is_refused_by_the_guard_not_by_a_crash(tmp_path):
    path = files.crafted_xlsx(tmp_path / "tps.xlsx", A1 + FAR)
    child = run_isolated(
        f"""
        import django; django.setup()
        from pilkada.dataio.columns import Column, Spec
        spec = Spec(name="t", columns=[Column("kode", required=True)])
        result = spec.parse_file({str(path)!r})
        print(result.messages())
        """
    )
    assert child.returncode == 0, child.stderr[-2000:]
    assert "tps.xlsx: lembar Data terlalu luas" in child.stdout


def test_calamine_still_aborts_on_the_far_cell_file(tmp_path):
    """Why the guard exists. If this starts failing, calamine has changed: keep the guard."""
    path = files.crafted_xlsx(tmp_path / "tps.xlsx", A1 + FAR)
    child = run_isolated(
        f"""
        from python_calamine import CalamineWorkbook
        with open({str(path)!r}, "rb") as f:
            CalamineWorkbook.from_filelike(f).get_sheet_by_name("Data")
        print("survived")
        """
    )
    assert child.returncode != 0 and "survived" not in child.stdout


def test_sparse_sheet_is_refused(tmp_path):
    path = files.crafted_xlsx(
        tmp_path / "tps.xlsx", A1 + files.inline_row(2, [1, 2, 3]), dimension="A1:Z300000"
    )
    assert refusal(path) == (
        "tps.xlsx: lembar Data menjangkau sampai sel Z300000 (7.800.000 sel) padahal hanya berisi "
        "4 sel; hapus sel yang terisi jauh di luar tabel data, lalu simpan ulang"
    )


def test_ordinary_workbooks_pass(tmp_path, monkeypatch):
    rows = [["Kode Desa", "Nomor TPS", "DPT L", "DPT P", "Alamat"]] + [
        ["62.10.02.1012", f"{i:03d}", 100 + i, 200 + i, f"Jl. Nomor {i} <&> \"x\" 'y'"]
        for i in range(1, 3001)
    ]
    # small inflate chunks: many chunk boundaries inside tags and between rows
    monkeypatch.setattr(guard, "_OUT_CHUNK", 4096)
    monkeypatch.setattr(guard, "_IN_CHUNK", 1024)
    assert check(files.xlsx_xlsxwriter(tmp_path / "a.xlsx", {"S": rows, "T": rows[:5]})) == "xlsx"
    assert check(files.xlsx_openpyxl(tmp_path / "b.xlsx", {"S": rows})) == "xlsx"
    assert check(files.ods(tmp_path / "c.ods", {"S": rows})) == "ods"


def test_binary_parts_such_as_images_pass(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00<\x00\x00\x00<" + bytes(range(256)) * 40
    png += b'<c r="A1"> <c foo> <row> \x00\x00'
    path = files.crafted_xlsx(tmp_path / "tps.xlsx", A1, extra={"xl/media/image1.png": png})
    assert check(path) == "xlsx"


def test_a_far_cell_after_many_ordinary_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "_OUT_CHUNK", 4096)
    rows = "".join(files.inline_row(i, ["62.10.02.1012", i, "x"]) for i in range(1, 2001))
    path = files.crafted_xlsx(tmp_path / "tps.xlsx", rows + FAR, dimension="A1:C2000")
    assert "terlalu luas" in refusal(path)
    stray = rows + '<row r="2001"><c r="C40000"><v>1</v></c></row>'  # row below the row tags
    path = files.crafted_xlsx(tmp_path / "tps.xlsx", stray, dimension="A1:C2000")
    check(path)  # 120,000 cells: fine
    stray = rows + '<row r="2001"><c r="C9000000"><v>1</v></c></row>'
    path = files.crafted_xlsx(tmp_path / "tps.xlsx", stray, dimension="A1:C2000")
    assert "terlalu luas" in refusal(path)


# --- zip-level checks


def test_zip_bomb_is_refused(tmp_path):
    bomb = b"\x00" * (30 * 1024 * 1024)  # inflates ~1000 times its stored size
    path = files.crafted_xlsx(tmp_path / "tps.xlsx", A1, extra={"xl/media/image1.png": bomb})
    assert path.stat().st_size < 100_000
    message = refusal(path)
    assert message.startswith("tps.xlsx: bagian xl/media/image1.png dipadatkan secara tidak wajar")
    assert "batas 200×" in message


def test_total_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "MAX_UNCOMPRESSED_BYTES", 2 * 1024 * 1024)
    path = files.crafted_xlsx(tmp_path / "tps.xlsx", A1, extra={"x.bin": os.urandom(3 * 1024**2)})
    assert "isi berkas terlalu besar setelah dibuka (3 MB; batas 2 MB)" in refusal(path)


def test_entry_count_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "MAX_ZIP_ENTRIES", 8)
    extra = {f"xl/media/{i}.txt": b"x" for i in range(5)}
    path = files.crafted_xlsx(tmp_path / "tps.xlsx", A1, extra=extra)
    assert "terlalu banyak bagian (10; batas 8)" in refusal(path)


def test_entry_that_inflates_beyond_its_declared_size(tmp_path):
    path = files.crafted_xlsx(tmp_path / "tps.xlsx", A1 + files.inline_row(2, ["x"] * 50))
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = data.find(signature)
        while pos >= 0:
            name_at = pos + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                data[pos + size_at : pos + size_at + 4] = (100).to_bytes(4, "little")
            pos = data.find(signature, pos + 4)
    path.write_bytes(bytes(data))
    assert "lebih besar daripada yang tercatat" in refusal(path)


def test_dtd_and_utf16_parts_are_refused(tmp_path):
    doctype = (
        '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e "x">]>'
        f"<worksheet {files.SHEET_NS}><sheetData/></worksheet>"
    )
    path = files.crafted_xlsx(tmp_path / "tps.xlsx", "", sheet_xml=doctype)
    assert "deklarasi DTD" in refusal(path)
    utf16 = f"<worksheet {files.SHEET_NS}><sheetData/></worksheet>".encode("utf-16")
    path = files.crafted_xlsx(tmp_path / "tps.xlsx", "", sheet_xml=utf16)
    assert "UTF-16" in refusal(path)


def test_xlsb_is_refused(tmp_path):
    path = files.crafted_xlsx(tmp_path / "tps.xlsx", A1, extra={"xl/workbook.bin": b"\x00"})
    assert "format Excel biner (.xlsb) tidak didukung" in refusal(path)


# --- .ods


def test_ods_repeat_bombs_are_refused(tmp_path):
    cell = '<table:table-cell office:value-type="float" office:value="1"/>'
    bombs = [
        # one row repeated a million times holding 16,384 repeated values
        '<table:table-row table:number-rows-repeated="1048576">'
        '<table:table-cell table:number-columns-repeated="16384" office:value-type="float" '
        'office:value="1"/></table:table-row>',
        # a million empty rows, then one value in the last column
        '<table:table-row table:number-rows-repeated="1048575">'
        "<table:table-cell/></table:table-row>"
        '<table:table-row><table:table-cell table:number-columns-repeated="16383"/>'
        f"{cell}</table:table-row>",
    ]
    for body in bombs:
        path = files.ods(
            tmp_path / "tps.ods",
            {},
            tables_xml=f'<table:table table:name="Kurun">{body}</table:table>',
        )
        assert refusal(path).startswith("tps.ods: lembar Kurun terlalu luas")


def test_ods_trailing_empty_rows_as_libreoffice_writes_them(tmp_path):
    rows = files._ods_table("Kurun", [["kode", "n"], ["62.10", 1]])
    filler = (
        '<table:table-row table:number-rows-repeated="1048574">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    path = files.ods(
        tmp_path / "tps.ods",
        {},
        tables_xml=rows.replace("</table:table>", filler + "</table:table>"),
    )
    assert check(path) == "ods"


# --- the scanner itself


def scan(xml: str) -> guard._XlsxScanner:
    scanner = guard._XlsxScanner("t.xlsx", "S")
    scanner.feed(xml.encode())
    scanner.finish()
    return scanner


cells = st.lists(
    st.tuples(st.integers(1, 3000), st.integers(1, 800)), min_size=1, max_size=30, unique=True
)


@settings(max_examples=200, deadline=None)
@given(cells)
def test_fast_and_slow_scans_agree_with_the_truth(positions):
    by_row: dict[int, list[int]] = {}
    for r, c in sorted(positions):
        by_row.setdefault(r, []).append(c)

    def xml(prefix: str) -> str:
        out = []
        for r, cols in by_row.items():
            out.append(f'<{prefix}row r="{r}" spans="1:9">')
            for c in cols:
                ref = f"{column_letter(c - 1)}{r}"
                out.append(f'<{prefix}c r="{ref}" s="1"><{prefix}v>1</{prefix}v></{prefix}c>')
            out.append(f"</{prefix}row>")
        return "".join(out)

    truth = (max(r for r, _ in positions), max(c for _, c in positions), len(positions))
    fast = scan(xml(""))
    slow = scan(xml("x:"))
    assert (fast.max_row, fast.max_col, fast.cells) == truth
    assert (slow.max_row, slow.max_col, slow.cells) == truth


@given(st.integers(1, 2_000_000), st.integers(0, 3_000_000))
def test_le_digits(bound, n):
    assert bool(re.fullmatch(guard._le_digits(bound), str(n).encode())) == (1 <= n <= bound)


@given(st.integers(1, 16384), st.integers(0, 20000))
def test_le_letters(bound, n):
    letters = column_letter(n).encode()
    assert bool(re.fullmatch(guard._le_letters(bound), letters)) == (n < bound)


@pytest.mark.parametrize("offset,value", [(28, 0xFF), (29, 0xE5), (0, 0x00)])
def test_a_corrupted_local_header_is_a_damaged_file_not_a_crash(tmp_path, offset, value):
    """Found by fuzzing: zipfile's own errors (EOFError, a bad magic number) escaped the guard
    when the first part's local header (the ODS ``mimetype``) was damaged."""
    path = files.ods(tmp_path / "hasil.ods", {"S": [["kode"], ["x"]]})
    data = bytearray(path.read_bytes())
    data[offset] = value  # 0: signature; 28-29: length of the extra field
    path.write_bytes(bytes(data))
    assert "berkas rusak atau terpotong" in refusal(path)
