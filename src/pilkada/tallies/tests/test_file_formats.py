"""One set of results, every file format a desk sends: the same sheets are stored.

The same C.Hasil figures are written as .xlsx (XlsxWriter, and re-saved by LibreOffice), as
real .xls (BIFF8) and .ods files saved by LibreOffice headless, as an .xlsx renamed .xls (and
an .xls renamed .xlsx), and as CSV with comma or semicolon, with and without a UTF-8 BOM
(written by Python's csv module, and exported by LibreOffice).
Each is imported with ``import_results_file`` and with ``pilkada import hasil`` and must
store exactly the same numbers per TPS; importing it again, or importing another format of
the same figures, changes nothing. The layouts carry what desks' files carry: title rows
above the header, TPS ids as text, as numbers and dotted, counts typed as text ("1.234",
"1,234", " 12 "), empty cells, a TPS row nobody filled in yet, a JUMLAH/TOTAL row, an
instructions sheet, and a second sheet with its columns in another order under aliases.
"""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pilkada.core.imports import ImportRejected
from pilkada.core.testing import libreoffice
from pilkada.dataio.readers import read_sheets
from pilkada.dataio.tests import files
from pilkada.tallies.form import SheetNumbers
from pilkada.tallies.imports import import_results_file
from pilkada.tallies.models import TallySheet, TallySheetRevision
from pilkada.tallies.services import save_sheet

# --- the figures, as a desk writes them (canonical column name → cell; None: an empty cell)

SEPANG = [
    {
        "kode_tps": "6210011001001",
        "suara_paslon_1": 100,
        "suara_paslon_2": 50,
        "suara_sah": 150,
        "suara_tidak_sah": " 12 ",  # counts typed as text, in every format
        "suara_total": 162,
        "dpt_l": "1.234",
        "dpt_p": "1,234",
        "dpt": 2468,
    },
    {
        "kode_tps": 6210011001002,  # a number cell in the workbooks
        "suara_paslon_1": 75,  # equal neighbours: one repeated cell in .ods
        "suara_paslon_2": 75,
        "suara_sah": 150,
        "suara_tidak_sah": 5,
        "suara_total": 155,
        "dpt_l": 120,
        "dpt_p": 90,
        "dpt": 210,
    },
    {
        "kode_tps": "62.10.01.2002.001",  # the dotted spelling
        "suara_paslon_1": 200,
        "suara_paslon_2": 150,
        "suara_sah": 350,
        "suara_tidak_sah": 0,
        "suara_total": 350,
        "dpt_l": 200,
        "dpt_p": 210,
        "dpt": 410,
    },
]
KURUN = [
    {
        "kode_tps": "6210021012001",
        "suara_paslon_1": 120,
        "suara_paslon_2": 100,
        "suara_sah": 220,
        "suara_tidak_sah": None,  # not entered: stays None, never 0
        "suara_total": None,
        "dpt_l": 150,
        "dpt_p": 160,
        "dpt": 310,
    },
    {"kode_tps": "6210021012002"},  # a TPS row nobody has filled in yet: skipped
]
for _row in SEPANG + KURUN:
    _row["kode_pemilihan"] = "uji"  # as Pilkada's entry workbook fills it

# What must be stored: TPS id → (boxes entered, votes per ballot number).
EXPECTED = {
    "6210011001001": (
        {
            "valid_votes": 150,
            "invalid_votes": 12,
            "total_votes": 162,
            "registered_1_men": 1234,
            "registered_1_women": 1234,
            "registered_1_total": 2468,
        },
        {1: 100, 2: 50},
    ),
    "6210011001002": (
        {
            "valid_votes": 150,
            "invalid_votes": 5,
            "total_votes": 155,
            "registered_1_men": 120,
            "registered_1_women": 90,
            "registered_1_total": 210,
        },
        {1: 75, 2: 75},
    ),
    "6210012002001": (
        {
            "valid_votes": 350,
            "invalid_votes": 0,
            "total_votes": 350,
            "registered_1_men": 200,
            "registered_1_women": 210,
            "registered_1_total": 410,
        },
        {1: 200, 2: 150},
    ),
    "6210021012001": (
        {
            "valid_votes": 220,
            "registered_1_men": 150,
            "registered_1_women": 160,
            "registered_1_total": 310,
        },
        {1: 120, 2: 100},
    ),
}

CANONICAL = [
    "kode_tps",
    "kode_pemilihan",
    "suara_paslon_1",
    "suara_paslon_2",
    "suara_sah",
    "suara_tidak_sah",
    "suara_total",
    "dpt_l",
    "dpt_p",
    "dpt",
]
# The Kurun sheet: a row-number column Pilkada does not know, other order, alias headers.
KURUN_HEADERS = {
    "No": None,
    "Paslon 2": "suara_paslon_2",
    "Paslon 1": "suara_paslon_1",
    "Kode TPS": "kode_tps",
    "Jumlah Suara Sah": "suara_sah",
    "Jumlah Suara Tidak Sah": "suara_tidak_sah",
    "Jumlah Suara Sah dan Tidak Sah": "suara_total",
    "DPT (L)": "dpt_l",
    "DPT (P)": "dpt_p",
    "DPT": "dpt",
    "Kode Pemilihan": "kode_pemilihan",
}
TITLE = "REKAP HASIL PEMILIHAN BUPATI GUNUNG MAS 2024"
SUBTITLE = "Kecamatan Sepang, Kurun; Kabupaten Gunung Mas"  # a comma and a semicolon
SKIPPED_SHEET = ("Petunjuk", "tidak ada baris judul kolom yang cocok")


def _sum(rows: list[dict], column: str) -> int:
    total = 0
    for row in rows:
        value = row.get(column)
        if isinstance(value, int):
            total += value
        elif isinstance(value, str) and value.strip():
            total += int(value.strip().replace(".", "").replace(",", ""))
    return total


def _workbook_sheets() -> tuple[dict[str, files.Rows], dict[str, tuple[str, int]]]:
    """The workbook layout, and where each filled TPS row lies in it (sheet, row)."""
    sepang: files.Rows = [[TITLE], [SUBTITLE], [], CANONICAL]
    where = {}
    for row in SEPANG:
        sepang.append([row.get(c) for c in CANONICAL])
        where[_key(row)] = ("Sepang", len(sepang))
    sepang.append(["JUMLAH", None, *(_sum(SEPANG, c) for c in CANONICAL[2:])])
    kurun: files.Rows = [[TITLE], list(KURUN_HEADERS)]
    for number, row in enumerate(KURUN, start=1):
        kurun.append([number if c is None else row.get(c) for c in KURUN_HEADERS.values()])
        if _filled(row):
            where[_key(row)] = ("Kurun", len(kurun))
    # the label under "No", the TPS cell empty
    total = {None: "TOTAL", "kode_tps": None, "kode_pemilihan": None}
    kurun.append([total[c] if c in total else _sum(KURUN, c) for c in KURUN_HEADERS.values()])
    sheets = {"Petunjuk": [["Isi satu baris per TPS pada lembar Sepang dan Kurun."]]}
    return {**sheets, "Sepang": sepang, "Kurun": kurun}, where


def _csv_rows(*, titles: bool, pad: bool = False) -> tuple[files.Rows, dict[str, int]]:
    """One table for all TPS, below two title rows and a blank one if ``titles`` (else the
    header is the first line, where a BOM would stick to it); ``pad`` fills title rows with
    empty cells to the table's width, as Excel's CSV export does. Also returns the line of
    each filled TPS."""
    filler = [None] * (len(CANONICAL) - 1) if pad else []
    rows: files.Rows = [[TITLE, *filler], [SUBTITLE, *filler], []] if titles else []
    rows.append(CANONICAL)
    where = {}
    for row in SEPANG + KURUN:
        rows.append([row.get(c) for c in CANONICAL])
        if _filled(row):
            where[_key(row)] = len(rows)
    rows.append(["JUMLAH", None, *(_sum(SEPANG + KURUN, c) for c in CANONICAL[2:])])
    return rows, where


def _filled(row: dict) -> bool:
    return any(v is not None for c, v in row.items() if c not in ("kode_tps", "kode_pemilihan"))


def _key(row: dict) -> str:
    tps = str(row["kode_tps"])
    if "." in tps:
        *desa, number = tps.split(".")
        return "".join(desa) + number
    return tps


# --- the files, made once per module (LibreOffice takes a few seconds a run)


class Layout:
    """A file of the figures: its path, and what an import of it reports besides numbers."""

    def __init__(self, path: Path, sources: dict[str, tuple[str, int]], csv: bool):
        self.path = path
        self.sources = sources  # TPS id → (sheet, row) of its revision
        self.ignored_columns = [] if csv else ["No"]
        self.skipped_sheets = [] if csv else [SKIPPED_SHEET]


# Bad counts: each rejects the file. Text ones in every format, number cells in workbooks.
BAD_TEXT = {
    "12,5": "bukan bilangan bulat: '12,5'",
    "1.2": "bukan bilangan bulat: '1.2'",
    "-3": "tidak boleh negatif: '-3'",
    "abc": "bukan bilangan bulat: 'abc'",
}
BAD_NUMBER = {12.5: "bukan bilangan bulat: 12.5", -3: "tidak boleh negatif: -3"}
BAD_VALUES = list(BAD_TEXT) + list(BAD_NUMBER)
BAD_HEADER = CANONICAL[:1] + CANONICAL[2:7]  # B kode_tps … G suara_total
BAD_REASON = {**BAD_TEXT, **BAD_NUMBER}


def _bad_rows(value) -> files.Rows:
    """A table from column B (column A left empty, as a margin): TPS 1 changes its figures,
    TPS 2 has ``value`` in G3 (suara_total)."""
    return [
        [None, *BAD_HEADER],
        [None, "6210011001001", 7, 8, 15, 0, 15],
        [None, "6210011001002", 1, 1, 2, 0, value],
    ]


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, object]:
    if not libreoffice.available():
        pytest.fail("LibreOffice (soffice) is required: scripts/setup installs libreoffice-calc")
    base = tmp_path_factory.mktemp("formats")
    sheets, where = _workbook_sheets()
    master = files.xlsx_xlsxwriter(base / "hasil.xlsx", sheets)
    bad = [
        files.xlsx_xlsxwriter(base / f"salah-{i}.xlsx", {"Hasil": _bad_rows(value)})
        for i, value in enumerate(BAD_VALUES)
    ]
    xls_master, *xls_bad = libreoffice.convert([master, *bad], base, "xls")
    ods_master, *ods_bad = libreoffice.convert([master, *bad], base, "ods")
    (lo_xlsx,) = libreoffice.convert([master], base, "xlsx")
    # LibreOffice's CSV export as an Indonesian desk sets it: semicolon, text quoted, UTF-8.
    csv_rows, csv_where = _csv_rows(titles=True)
    table = files.xlsx_xlsxwriter(base / "csv-libreoffice.xlsx", {"Hasil": csv_rows})
    (lo_csv,) = libreoffice.convert([table], base, "csv:Text - txt - csv (StarCalc):59,34,76,1")
    renamed = base / "renamed"
    renamed.mkdir()
    xlsx_as_xls = shutil.copy(master, renamed / "hasil-xlsx.xls")
    xls_as_xlsx = shutil.copy(xls_master, renamed / "hasil-xls.xlsx")

    layouts = {
        "xlsx": master,
        "xlsx-libreoffice": lo_xlsx,
        "xls": xls_master,
        "ods": ods_master,
        "xlsx-renamed-xls": Path(xlsx_as_xls),
        "xls-renamed-xlsx": Path(xls_as_xlsx),
    }
    out: dict[str, object] = {
        name: Layout(path, where, csv=False) for name, path in layouts.items()
    }
    for name, delimiter, bom, titles, pad in (
        ("csv-comma", ",", False, True, False),
        ("csv-comma-bom", ",", True, False, False),
        ("csv-semicolon", ";", False, True, True),
        ("csv-semicolon-bom", ";", True, True, True),  # Excel's "CSV UTF-8", Indonesian locale
    ):
        rows, rows_where = _csv_rows(titles=titles, pad=pad)
        path = files.csv_file(base / f"{name}.csv", rows, delimiter=delimiter, bom=bom)
        out[name] = Layout(path, {k: (path.stem, r) for k, r in rows_where.items()}, csv=True)
    out["csv-libreoffice"] = Layout(
        lo_csv, {k: (lo_csv.stem, r) for k, r in csv_where.items()}, csv=True
    )
    out["bad"] = {
        "xlsx": dict(zip(BAD_VALUES, bad, strict=True)),
        "xls": dict(zip(BAD_VALUES, xls_bad, strict=True)),
        "ods": dict(zip(BAD_VALUES, ods_bad, strict=True)),
    }
    return out


FORMATS = [
    "xlsx",
    "xlsx-libreoffice",
    "xls",
    "ods",
    "xlsx-renamed-xls",
    "xls-renamed-xlsx",
    "csv-comma",
    "csv-comma-bom",
    "csv-semicolon",
    "csv-semicolon-bom",
    "csv-libreoffice",
]


# --- helpers


def stored() -> dict[str, tuple[dict, dict]]:
    """Every stored sheet: TPS id → (boxes entered, votes)."""
    out = {}
    for sheet in TallySheet.objects.select_related("polling_station__desa"):
        numbers = sheet.numbers()
        out[sheet.polling_station.sirekap_id] = (
            {f: v for f, v in numbers.fields.items() if v is not None},
            {n: v for n, v in numbers.votes.items() if v is not None},
        )
    return out


def snapshot():
    return (
        stored(),
        sorted(TallySheet.objects.values_list("polling_station_id", "version", "status")),
        TallySheetRevision.objects.count(),
    )


def run_cli(path: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import", "hasil", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def sources() -> dict[str, tuple[str, str, int]]:
    return {
        r.sheet.polling_station.sirekap_id: (r.source_file, r.source_sheet, r.source_row)
        for r in TallySheetRevision.objects.select_related("sheet__polling_station__desa")
    }


FIRST_IMPORT = (
    "TPS baru 4, berubah 0, tidak berubah 0, konflik 0, ditandai (melanggar aturan) 0. "
    "1 baris TPS masih kosong dilewati."
)
AGAIN = (
    "TPS baru 0, berubah 0, tidak berubah 4, konflik 0, ditandai (melanggar aturan) 0. "
    "1 baris TPS masih kosong dilewati. Tidak ada yang berubah."
)


def notes(layout: Layout) -> str:
    text = ""
    if layout.ignored_columns:
        text += f" Kolom diabaikan: {', '.join(layout.ignored_columns)}."
    for sheet, reason in layout.skipped_sheets:
        text += f" Lembar '{sheet}' tidak dibaca: {reason}."
    return text


# --- the same figures from every format


def test_the_files_hold_what_they_claim(made):
    """The counts typed as text are text cells in every workbook (LibreOffice kept them), the
    .xls files are BIFF8 compound files and the renamed files kept their content."""
    for name in FORMATS:
        path = made[name].path
        head = path.read_bytes()[:8]
        assert (head == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") == (
            name in ("xls", "xls-renamed-xlsx")
        )
        sheets = {s.name: dict(s.rows) for s in read_sheets(path)}
        sheet, row = made[name].sources["6210011001001"]
        cells = sheets[sheet][row]
        assert [cells[i] for i in (0, 5, 7, 8)] == ["6210011001001", " 12 ", "1.234", "1,234"]
        if not name.startswith("csv"):
            assert list(sheets) == ["Petunjuk", "Sepang", "Kurun"]
            assert sheets[sheet][row + 1][0] == 6210011001002  # a number cell, not text


@pytest.mark.parametrize("first", ["function", "cli"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_stores_the_same_sheets(election, small_area, made, fmt, first):
    layout = made[fmt]
    if first == "function":
        summary = import_results_file(election, layout.path)
        assert summary.describe() == FIRST_IMPORT + notes(layout)
        assert (summary.ignored_columns, summary.skipped_sheets) == (
            layout.ignored_columns,
            layout.skipped_sheets,
        )
    else:
        out, err = run_cli(layout.path)  # no --election: the file names its election
        assert (out.strip(), err) == (FIRST_IMPORT + notes(layout), "")
    assert stored() == EXPECTED
    assert set(TallySheet.objects.values_list("version", flat=True)) == {1}
    assert sources() == {
        tps: (layout.path.name, sheet, row) for tps, (sheet, row) in layout.sources.items()
    }

    before = snapshot()
    if first == "function":
        out, err = run_cli(layout.path, "--election", "uji")
        assert (out.strip(), err) == (AGAIN + notes(layout), "")
    else:
        assert import_results_file(election, layout.path).describe() == AGAIN + notes(layout)
    # the same figures in another format are the same sheets too
    other = made["csv-semicolon" if fmt == "xlsx" else "xlsx"]
    assert import_results_file(election, other.path).describe() == AGAIN + notes(other)
    assert snapshot() == before


# --- counts that cannot be read reject the file, naming the cell


def _bad_file(made, fmt: str, value, tmp_path: Path) -> Path:
    if fmt.startswith("csv"):
        return files.csv_file(
            tmp_path / "Hasil.csv", _bad_rows(value), delimiter="," if fmt == "csv-comma" else ";"
        )
    return made["bad"][fmt][value]


@pytest.mark.parametrize(
    ("fmt", "value"),
    [
        (fmt, value)
        for fmt in ("xlsx", "xls", "ods", "csv-comma", "csv-semicolon")
        for value in (BAD_VALUES if not fmt.startswith("csv") else list(BAD_TEXT))
    ],
)
def test_an_unreadable_count_rejects_the_whole_file(
    election, small_area, made, tmp_path, fmt, value
):
    save_sheet(
        election=election,
        station=small_area[0],
        expected_version=None,
        numbers=SheetNumbers(fields={"valid_votes": 3}, votes={1: 1, 2: 2}),
    )
    before = snapshot()
    path = _bad_file(made, fmt, value, tmp_path)
    sheet = "Hasil"  # the workbooks' sheet, and the CSV's name
    message = f"{path.name}, lembar {sheet}, sel G3 (suara_total): {BAD_REASON[value]}"
    with pytest.raises(ImportRejected) as exc:
        import_results_file(election, path)
    assert exc.value.messages == [message]
    assert snapshot() == before

    err = StringIO()
    with pytest.raises(CommandError, match="ditolak: 1 kesalahan; tidak ada data yang ditulis"):
        call_command(
            "import", "hasil", str(path), "--election", "uji", stdout=StringIO(), stderr=err
        )
    assert err.getvalue().strip() == message
    assert snapshot() == before


# --- files that are not what their name says


@pytest.mark.parametrize("suffix", [".xlsx", ".xls"])
def test_an_encrypted_workbook_is_refused_in_indonesian(election, small_area, tmp_path, suffix):
    save_sheet(
        election=election,
        station=small_area[0],
        expected_version=None,
        numbers=SheetNumbers(votes={1: 1, 2: 2}),
    )
    before = snapshot()
    path = files.encrypted_ooxml_container(tmp_path / f"hasil{suffix}")
    message = (
        f"hasil{suffix}: berkas dilindungi kata sandi (terenkripsi); buka di Excel, hapus kata "
        "sandinya, lalu simpan ulang"
    )
    with pytest.raises(ImportRejected) as exc:
        import_results_file(election, path)
    assert exc.value.messages == [message]
    err = StringIO()
    with pytest.raises(CommandError, match="ditolak"):
        call_command(
            "import", "hasil", str(path), "--election", "uji", stdout=StringIO(), stderr=err
        )
    assert err.getvalue().strip() == message
    assert snapshot() == before


# --- a witness's own CSV: title lines with commas above a semicolon table

SAKSI_TITLES = [
    "Hasil TPS 001, Desa Kurun, Kecamatan Kurun",
    "Dilaporkan oleh saksi, 27/11/2024, pukul 14.00",
]
SAKSI_ROWS = {"6210021012001": (120, 100), "6210021012002": (90, 95)}


@pytest.mark.parametrize(
    "tps",
    [
        pytest.param(["6210021012001"], id="one-tps"),
        pytest.param(["6210021012001", "6210021012002"], id="two-tps"),
    ],
)
def test_semicolon_csv_below_title_lines_with_commas(election, small_area, tmp_path, tps):
    lines = [*SAKSI_TITLES, "kode_tps;suara_paslon_1;suara_paslon_2"]
    lines += [f"{t};{SAKSI_ROWS[t][0]};{SAKSI_ROWS[t][1]}" for t in tps]
    path = tmp_path / "saksi.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    summary = import_results_file(election, path)
    assert (summary.created, summary.changed) == (len(tps), 0)
    assert stored() == {t: ({}, {1: SAKSI_ROWS[t][0], 2: SAKSI_ROWS[t][1]}) for t in tps}
    assert sources() == {t: ("saksi.csv", "saksi", 4 + i) for i, t in enumerate(tps)}
