"""Reading voter-list files into column-wise tables: every recognised column as text.

A voter list is millions of rows, so it is not read cell by cell like the other imports:
spreadsheets go through fastexcel (calamine into Arrow), CSV through polars, and the checks in
``voters.checks`` run on whole columns. What is shared with the other imports is the header
logic of :class:`~pilkada.dataio.columns.Spec` (aliases, title rows above the header, TOTAL
rows, the "1 2 3 …" numbering row) and the zip guard, which every workbook passes first.

Codes must stay text: every column is read with dtype ``string``. NIK/NKK cells that were
*numbers* in the workbook are found without a second read in the normal case: their dtype is
guessed strictly over the whole column, which fails only if some cell is not text; then, and
only then, those two columns are read once more as booleans, which is non-null exactly where a
cell was a number.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import polars as pl
from django.utils.translation import gettext as _

from pilkada.dataio.columns import (
    HEADER_SCAN_ROWS,
    Column,
    Header,
    Spec,
    is_total_label,
    missing_message,
)
from pilkada.dataio.errors import CellError, FileError, column_letter
from pilkada.dataio.parsers import is_empty
from pilkada.dataio.readers import (
    CSV_SNIFF_LINES,
    MAX_SNIFF_LINE,
    check_csv_head,
    detect_delimiter,
    detect_format,
    not_utf8_message,
)

# The KPU list's columns (domain.md §4) and the names other lists give them. Only the header
# matching of Spec is used; the cells are checked column-wise in voters.checks.
SPEC = Spec(
    name="dpt",
    columns=[
        Column("number", ("NO", "NOMOR", "NO URUT", "NOMOR URUT")),
        Column("nkk", ("NKK", "NO KK", "NOMOR KK", "NOMOR KARTU KELUARGA")),
        Column("nik", ("NIK", "NO NIK", "NOMOR NIK", "NOMOR INDUK KEPENDUDUKAN"), required=True),
        Column("name", ("NAMA LENGKAP", "NAMA", "NAMA PEMILIH"), required=True),
        Column("birth_place", ("TEMPAT LAHIR", "TMP LAHIR", "TEMPAT")),
        Column(
            "birth_date", ("TANGGAL LAHIR", "TGL LAHIR", "TGL. LAHIR", "TANGGAL"), required=True
        ),
        Column(
            "marital",
            ("STATUS PERKAWINAN", "STATUS KAWIN", "STS KAWIN", "KAWIN", "STATUS"),
            required=True,
        ),
        Column("sex", ("JENIS KELAMIN", "JK", "L/P", "KELAMIN"), required=True),
        Column("address", ("JALAN/DUKUH", "ALAMAT", "JALAN", "DUKUH")),
        Column("rt", ("RT",)),
        Column("rw", ("RW",)),
        Column("disability", ("KETERANGAN", "DISABILITAS", "JENIS DISABILITAS", "KET")),
        Column("tps_id", ("KODE TPS", "ID TPS")),
        Column("desa_code", ("KODE DESA", "KODE DESA/KELURAHAN", "KODE KELURAHAN")),
        Column("tps", ("TPS", "NO TPS", "NOMOR TPS")),
    ],
    key=("nik",),
)
SPEC_LABELS = {c.name: c.label for c in SPEC.columns}
NUMBER_SENSITIVE = ("nik", "nkk")
ROW = "_row"
PEEK_ROWS = 60  # rows read to find the header: title rows, blank rows, then the header
# A million-voter sheet unpacks to about 700 MB of XML, beyond the other imports' limit.
MAX_UNPACKED = 3 * 2**30


@dataclass
class Table:
    """The voter rows of one sheet (or CSV file): a String column per recognised column, plus
    ``_row`` (the 1-based row number the spreadsheet shows). ``numeric`` holds, for NIK/NKK,
    a Boolean column that is true where the cell was a number; ``titles`` the text of the rows
    above the header (KPU printouts name the desa and TPS there)."""

    file: str
    sheet: str
    frame: pl.DataFrame
    letters: dict[str, str]
    headers: dict[str, str]
    numeric: dict[str, pl.Series] = field(default_factory=dict)
    titles: list[str] = field(default_factory=list)

    def error(self, row: int | None, column: str | None, message: str) -> CellError:
        """A located problem; ``column`` is the spec's name, messages show the header."""
        header = self.headers.get(column) if column else None
        return CellError(
            file=self.file,
            sheet=self.sheet,
            row=row,
            column_letter=self.letters.get(column) if column else None,
            column=header or (SPEC_LABELS.get(column) if column else None),
            header=header,
            message=message,
        )


@dataclass
class FileRead:
    """What one file gave: its tables, problems with the file or its headers, and what was
    left unread (unknown columns, sheets without a header, TOTAL rows)."""

    file: str
    tables: list[Table] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    skipped_sheets: list[tuple[str, str]] = field(default_factory=list)
    skipped_total_rows: int = 0

    @property
    def rows(self) -> int:
        return sum(t.frame.height for t in self.tables)


class Reader:
    """Picklable entry point (``parse_file``) so that the read can run in the memory- and
    time-limited child process of :mod:`pilkada.dataio.isolated`."""

    def parse_file(self, path: Path | str, *, display_name: str | None = None) -> FileRead:
        return read_file(path, display_name=display_name)


def read_file(path: Path | str, *, display_name: str | None = None) -> FileRead:
    """Read a voter-list file; a problem with the file itself is in ``errors``, never raised."""
    path = Path(path)
    file = display_name or path.name
    result = FileRead(file=file)
    best_missing: list[Column] | None = None
    try:
        kind, head = detect_format(path, file, max_bytes=MAX_UNPACKED)
        sheets = _csv_sheet(path, file, head) if kind == "csv" else _excel_sheets(path, file)
        for sheet_name, peek, visible, load in sheets:
            if not visible:
                result.skipped_sheets.append((sheet_name, _("lembar tersembunyi")))
                continue
            header, titles, missing = _find_header(peek)
            if (
                header is None
                and missing is not None
                and not {"nik", "name"} & {c.name for c in missing}
            ):
                # a voter table (NIK and name found) short of a required column is an error,
                # not a sheet to skip: its voters would silently be left out
                result.errors.append(
                    CellError(file=file, sheet=sheet_name, message=missing_message(missing))
                )
                continue
            if header is None:
                if missing is not None:
                    if best_missing is None or len(missing) < len(best_missing):
                        best_missing = missing
                    result.skipped_sheets.append(
                        (sheet_name, _("tidak ada baris judul kolom yang cocok"))
                    )
                continue
            table = _table(file, sheet_name, header, titles, load, result)
            if table is not None:
                result.tables.append(table)
    except FileError as exc:
        result.errors.append(exc.as_cell_error())
        return result
    if not result.tables and not result.errors:
        message = missing_message(best_missing) if best_missing else _("berkas tidak berisi data")
        result.errors.append(CellError(file=file, message=message))
    return result


def _find_header(peek: list[tuple]) -> tuple[Header | None, list[str], list[Column] | None]:
    """The header among the first rows (row ``i`` of ``peek`` is sheet row ``i + 1``), the
    title texts above it, and (no header) the required columns the nearest miss lacked."""
    titles: list[str] = []
    best: Header | None = None
    scanned = 0
    for index, cells in enumerate(peek):
        if all(is_empty(v) for v in cells):
            continue
        scanned += 1
        candidate = SPEC.match_header(index + 1, cells)
        if not candidate.missing and candidate.positions:
            return candidate, titles, None
        if best is None or len(candidate.missing) < len(best.missing):
            best = candidate
        titles.append(" ".join(str(v).strip() for v in cells if not is_empty(v)))
        if scanned >= HEADER_SCAN_ROWS:
            break
    return None, titles, (best.missing if best is not None else None)


def _table(file, sheet, header: Header, titles, load, result: FileRead) -> Table | None:
    if header.duplicates:
        for name, first, second, written in header.duplicates:
            result.errors.append(
                CellError(
                    file=file,
                    sheet=sheet,
                    row=header.row,
                    column=name,
                    header=written,
                    message=_("kolom %(h)s muncul lebih dari sekali (kolom ke-%(a)d dan ke-%(b)d)")
                    % {"h": f"'{written}'", "a": first + 1, "b": second + 1},
                )
            )
        return None
    for name in header.unknown:
        if name not in result.ignored_columns:
            result.ignored_columns.append(name)
    frame, numeric, first_column = load(header)
    letters = {
        name: column_letter(first_column + index) for name, index in header.positions.items()
    }
    frame, numeric, totals = _drop_non_data(frame, numeric, header.positions)
    result.skipped_total_rows += totals
    if frame.height == 0:
        result.skipped_sheets.append((sheet, _("tidak ada baris data di bawah judul kolom")))
        return None
    return Table(file, sheet, frame, letters, dict(header.headers), numeric, titles)


def _drop_non_data(frame: pl.DataFrame, numeric: dict, positions: dict[str, int]):
    """Blank rows, a "1 2 3 …" numbering row right under the header, and TOTAL rows (a label
    such as JUMLAH and no NIK) are not voters."""
    columns = [c for c in frame.columns if c != ROW]
    keep = ~pl.all_horizontal(pl.col(c).is_null() for c in columns)
    numbering: list[int] = []
    first = frame.filter(keep).head(1)
    if first.height and _numbers_columns(first.row(0, named=True), positions):
        numbering.append(first[ROW][0])
    # only rows without a NIK can be TOTAL rows: few, so a Python look at them is cheap
    totals = [
        cells[ROW]
        for cells in frame.filter(keep & pl.col("nik").is_null()).iter_rows(named=True)
        if any(is_total_label(cells[c]) for c in columns)
    ]
    mask = frame.select(keep & ~pl.col(ROW).is_in(numbering + totals)).to_series()
    numeric = {name: series.filter(mask) for name, series in numeric.items()}
    return frame.filter(mask), numeric, len(totals)


def _numbers_columns(row: dict, positions: dict[str, int]) -> bool:
    """Whether the recognised cells of ``row`` number their columns (1, 2, 3… or "(1)"…): the
    row KPU prints under the header. Each number minus its column's position is the same for
    all of them, so columns the spec does not know, and a table not starting in the first
    column, keep their place in the count."""
    offsets = set()
    for name, index in positions.items():
        text = str(row.get(name) or "").strip("()[] ")
        if not text.isdigit() or int(text) < 1:
            return False
        offsets.add(int(text) - index)
    return len(positions) >= 2 and len(offsets) == 1


# --- spreadsheets through fastexcel


def _excel_sheets(path: Path, file: str):
    try:
        reader = fastexcel.read_excel(str(path))
        names = reader.sheet_names
    except Exception as exc:  # noqa: BLE001 - any reader failure is a damaged file
        raise FileError(file, _unreadable(exc)) from exc
    except BaseException as exc:
        raise _panic(exc, file) from None
    for index, name in enumerate(names):
        try:
            peek_sheet = reader.load_sheet(
                index, header_row=None, skip_rows=0, n_rows=PEEK_ROWS, dtypes="string",
                whitespace_as_null=True,
            )  # fmt: skip
            peek = peek_sheet.to_polars()
        except Exception as exc:  # noqa: BLE001
            if _is_empty_sheet(exc):
                continue
            raise FileError(file, _sheet_unreadable(name, exc)) from exc
        except BaseException as exc:
            raise _panic(exc, file) from None
        if peek.width == 0:
            continue
        first_column = min(c.absolute_index for c in peek_sheet.selected_columns)
        yield (
            name,
            peek.rows(),
            peek_sheet.visible == "visible",
            lambda header, index=index, name=name, first=first_column: _load_excel(
                reader, index, name, header, first, file
            ),
        )


def _load_excel(reader, index: int, sheet: str, header: Header, first: int, file: str):
    """Every recognised column of the sheet below ``header`` as text (see the module doc)."""
    by_abs = {first + i: name for name, i in header.positions.items()}
    use = sorted(by_abs)
    sensitive = [a for a in use if by_abs[a] in NUMBER_SENSITIVE]
    numeric: dict[str, pl.Series] = {}
    try:
        text_only = {a: "string" for a in use if a not in sensitive}
        frame = _load(reader, index, header.row - 1, use, text_only, by_abs, strict=True)
        if any(frame[by_abs[a]].dtype != pl.String for a in sensitive):
            raise _MixedTypes
    except _MixedTypes:
        try:
            frame = _load(reader, index, header.row - 1, use, "string", by_abs)
            flags = _load(reader, index, header.row - 1, sensitive, "boolean", by_abs)
        except Exception as exc:  # noqa: BLE001
            raise FileError(file, _sheet_unreadable(sheet, exc)) from exc
        numeric = {by_abs[a]: flags[by_abs[a]].is_not_null() for a in sensitive}
    except Exception as exc:  # noqa: BLE001
        raise FileError(file, _sheet_unreadable(sheet, exc)) from exc
    except BaseException as exc:
        raise _panic(exc, file) from None
    start = header.row + 1
    frame = frame.with_columns(pl.int_range(start, start + frame.height, dtype=pl.Int32).alias(ROW))
    return frame, numeric, first


class _MixedTypes(Exception):
    """Some NIK/NKK cell is not text."""


def _load(reader, index, header_row, use, dtypes, by_abs, *, strict=False) -> pl.DataFrame:
    """Columns ``use`` (absolute indices) below ``header_row`` (0-based), named by ``by_abs``
    (header texts may repeat or be empty, so positions name them)."""
    try:
        sheet = reader.load_sheet(
            index,
            header_row=header_row,
            use_columns=use,
            dtypes=dtypes,
            schema_sample_rows=None,
            dtype_coercion="strict" if strict else "coerce",
            whitespace_as_null=True,
        )
        frame = sheet.to_polars()
        names = [by_abs[c.absolute_index] for c in sheet.selected_columns]
    except Exception as exc:
        if strict and type(exc).__name__ == "UnsupportedColumnTypeCombinationError":
            raise _MixedTypes from None
        raise
    frame.columns = names
    return frame


# --- CSV through polars


def _csv_sheet(path: Path, file: str, head: bytes):
    check_csv_head(head, file)
    with path.open(encoding="utf-8-sig", newline="") as text:
        try:
            lines = [text.readline(MAX_SNIFF_LINE) for _ in range(max(PEEK_ROWS, CSV_SNIFF_LINES))]
        except UnicodeDecodeError:
            raise FileError(file, not_utf8_message()) from None
    delimiter = detect_delimiter([line for line in lines[:CSV_SNIFF_LINES] if line.strip()])
    peek = [tuple(r) for r in csv.reader([line for line in lines if line], delimiter=delimiter)]
    yield Path(file).stem, peek, True, lambda header: _load_csv(path, file, delimiter, header)


def _load_csv(path: Path, file: str, delimiter: str, header: Header):
    width = max(header.positions.values()) + 1
    schema = {f"c{i}": pl.String for i in range(width)}
    try:
        frame = pl.read_csv(
            path,
            separator=delimiter,
            has_header=False,
            skip_rows=header.row,
            schema=schema,
            truncate_ragged_lines=True,
            encoding="utf8",
        )
    except pl.exceptions.SchemaError:
        # the file ends (or its lines break) before a data row reaches the header's columns
        raise FileError(
            file,
            _("CSV rusak: setelah kepala kolom (baris %(row)d) tidak ada baris yang memuat "
              "kolom-kolomnya dengan pemisah '%(d)s'; berkas mungkin terpotong.")
            % {"row": header.row, "d": delimiter},
        ) from None  # fmt: skip
    except pl.exceptions.ComputeError as exc:
        if "utf-8" in str(exc).lower() or "utf8" in str(exc).lower():
            raise FileError(file, not_utf8_message()) from None
        raise FileError(file, _("CSV rusak: %(e)s") % {"e": _detail(exc)}) from exc
    frame = frame.select(
        pl.col(f"c{i}").str.strip_chars().replace("", None).alias(name)
        for name, i in header.positions.items()
    )
    start = header.row + 1
    frame = frame.with_columns(pl.int_range(start, start + frame.height, dtype=pl.Int32).alias(ROW))
    return frame, {}, 0


# --- messages


def _is_empty_sheet(exc: Exception) -> bool:
    return "empty" in str(exc).lower()


def _panic(exc: BaseException, file: str) -> BaseException:
    if type(exc).__name__ == "PanicException":
        return FileError(file, _unreadable(exc))
    return exc


def _unreadable(exc: BaseException) -> str:
    return _(
        "berkas rusak atau formatnya tidak dikenali (%(e)s); buka di Excel dan simpan ulang "
        "sebagai .xlsx"
    ) % {"e": _detail(exc)}


def _sheet_unreadable(sheet: str, exc: BaseException) -> str:
    return _("lembar %(sheet)s tidak dapat dibaca: %(e)s") % {"sheet": sheet, "e": _detail(exc)}


def _detail(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
