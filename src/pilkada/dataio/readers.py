"""Readers: a file in, its sheets out, each a lazy sequence of numbered rows of raw values.

.xlsx/.xlsm/.xls/.ods go through python-calamine (zip-based files only after
:mod:`pilkada.dataio.guard` has checked them); .csv through the csv module. The format is
decided by the file's content, not only its name: an .xlsx saved as ``.xls`` is read as what it
is. Raw values are kept as the reader gives them (calamine: numbers as floats, dates as
``date``/``datetime``, empty cells as ``""``; CSV: strings) — the cell parsers decide.

Every problem with the file itself is a :class:`~pilkada.dataio.errors.FileError` with one
Indonesian sentence naming the file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext as _
from python_calamine import (
    CalamineWorkbook,
    PasswordError,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from pilkada.dataio.errors import FileError
from pilkada.dataio.guard import (
    cfb_is_encrypted_ooxml,
    check_zip_workbook,
    encrypted_message,
    looks_like_cfb,
)

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
# The delimiter is decided on the first lines (header and first data rows, past title rows).
CSV_SNIFF_LINES = 20
CSV_DELIMITERS = (",", ";")
MAX_SNIFF_LINE = 1024 * 1024
_HEAD_BYTES = 4096

Row = tuple[int, Sequence[object]]


@dataclass
class Sheet:
    """One sheet of a file.

    ``rows`` yields ``(row_number, cells)`` lazily, ``row_number`` 1-based as the spreadsheet
    program shows it; ``cells[i]`` is the cell in column ``first_column + i`` (0-based; calamine
    starts each row at the sheet's first used column). A row may be shorter than others.
    ``rows`` can be iterated once, and only before the next sheet is requested.
    """

    name: str
    rows: Iterator[Row]
    first_column: int = 0
    visible: bool = True


def read_sheets(path: Path | str, *, display_name: str | None = None) -> Iterator[Sheet]:
    """Yield the non-empty worksheets of ``path`` in workbook order (hidden ones included, with
    ``visible=False``). ``display_name`` is the name messages use (default: the file name);
    give the original name of an upload stored under a temporary name.

    Raises :class:`FileError` (when iterated) for anything that makes the file unreadable.
    """
    path = Path(path)
    file = display_name or path.name
    kind, head = detect_format(path, file)
    if kind == "csv":
        yield from _csv_sheets(path, file, head)
        return
    with path.open("rb") as stream:
        yield from _calamine_sheets(stream, file, kind)


def detect_format(
    path: Path | str, file: str, *, max_bytes: int | None = None
) -> tuple[str, bytes]:
    """What ``path`` really is, by its content: ``"xlsx"``, ``"ods"``, ``"xls"`` or ``"csv"``,
    with its first bytes. A zip-based workbook has passed the zip guard (sizes, entries, cell
    extents; at most ``max_bytes`` unpacked, default the guard's limit) when this returns.
    Raises :class:`FileError` for anything else."""
    path = Path(path)
    suffix = Path(file).suffix.lower() or path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise FileError(
            file,
            _("jenis berkas %(suffix)s tidak didukung; gunakan .xlsx, .xls, .ods, atau .csv")
            % {"suffix": suffix or _("(tanpa akhiran)")},
        )
    try:
        stream = path.open("rb")
    except FileNotFoundError:
        raise FileError(file, _("berkas tidak ditemukan")) from None
    except OSError as exc:
        raise FileError(file, _("berkas tidak dapat dibuka: %(e)s") % {"e": exc.strerror}) from exc
    with stream:
        head = stream.read(_HEAD_BYTES)
        stream.seek(0)
        if not head:
            raise FileError(file, _("berkas kosong (0 byte)"))
        if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
            return check_zip_workbook(stream, file, max_bytes=max_bytes), head
        if looks_like_cfb(head):
            return "xls", head
        if suffix == ".csv":
            return "csv", head
        raise FileError(file, _unrecognised(head, suffix))


def _unrecognised(head: bytes, suffix: str) -> str:
    sample = head.lower()
    if b"<html" in sample or b"<!doctype html" in sample or b"<table" in sample:
        return _(
            "berkas ini sebenarnya halaman web (HTML) yang diberi akhiran %(suffix)s, seperti "
            "unduhan dari beberapa aplikasi; buka di Excel lalu simpan sebagai Excel Workbook "
            "(.xlsx)"
        ) % {"suffix": suffix}
    if b"urn:schemas-microsoft-com:office:spreadsheet" in sample:
        return _(
            "berkas ini berformat XML Spreadsheet 2003; buka di Excel lalu simpan sebagai "
            "Excel Workbook (.xlsx)"
        )
    if head.startswith(b"%PDF"):
        return _("berkas ini PDF, bukan lembar kerja; kirim berkas Excel atau CSV-nya")
    if head.startswith(b"\xef\xbb\xbf") or _looks_like_text(head):
        return _(
            "berkas ini teks biasa (mungkin CSV) yang diberi akhiran %(suffix)s; ganti akhiran "
            "namanya menjadi .csv, atau buka di Excel lalu simpan sebagai .xlsx"
        ) % {"suffix": suffix}
    return _(
        "bukan berkas %(suffix)s yang sah: isinya tidak dikenali sebagai lembar kerja; "
        "pastikan berkasnya utuh dan akhiran namanya benar"
    ) % {"suffix": suffix}


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the end of the sample is still text
        return exc.start >= len(head) - 3 and b"\x00" not in head
    return b"\x00" not in head


# --- spreadsheets through python-calamine


def _calamine_sheets(stream: BinaryIO, file: str, kind: str) -> Iterator[Sheet]:
    try:
        workbook = CalamineWorkbook.from_filelike(stream)
    except PasswordError:
        raise FileError(file, encrypted_message()) from None
    except Exception as exc:
        if kind == "xls" and cfb_is_encrypted_ooxml(stream):
            raise FileError(file, encrypted_message()) from None
        raise FileError(file, _unreadable(exc)) from exc
    except BaseException as exc:
        raise _panic(exc, file, _unreadable(exc)) from None
    with workbook:
        for meta in workbook.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            try:
                sheet = workbook.get_sheet_by_name(meta.name)
                start = sheet.start
                rows = sheet.iter_rows()
            except Exception as exc:
                raise FileError(file, _sheet_unreadable(meta.name, 0, exc)) from exc
            except BaseException as exc:
                raise _panic(exc, file, _sheet_unreadable(meta.name, 0, exc)) from None
            if start is None:  # an empty sheet
                continue
            yield Sheet(
                name=meta.name,
                rows=_calamine_rows(rows, file, meta.name),
                first_column=start[1],
                visible=meta.visible == SheetVisibleEnum.Visible,
            )


def _calamine_rows(rows: Iterator[list], file: str, sheet: str) -> Iterator[Row]:
    number = 0
    try:
        for number, cells in enumerate(rows, start=1):  # noqa: B007 - number used below
            yield number, cells
    except Exception as exc:  # calamine's errors, and conversions it cannot make (dates…)
        raise FileError(file, _sheet_unreadable(sheet, number, exc)) from exc
    except BaseException as exc:
        raise _panic(exc, file, _sheet_unreadable(sheet, number, exc)) from None


def _panic(exc: BaseException, file: str, message: str) -> BaseException:
    """A Rust panic surfaces as pyo3's PanicException, which derives from BaseException (so
    that ``except Exception`` misses it); turn it into a FileError, let anything else be."""
    if type(exc).__name__ == "PanicException":
        return FileError(file, message)
    return exc


def _sheet_unreadable(sheet: str, after_row: int, exc: BaseException) -> str:
    if after_row:
        return _("lembar %(sheet)s tidak dapat dibaca setelah baris %(row)d: %(e)s") % {
            "sheet": sheet,
            "row": after_row,
            "e": _detail(exc),
        }
    return _("lembar %(sheet)s tidak dapat dibaca: %(e)s") % {"sheet": sheet, "e": _detail(exc)}


def _unreadable(exc: BaseException) -> str:
    return _(
        "berkas rusak atau formatnya tidak dikenali (%(e)s); buka di Excel dan simpan ulang "
        "sebagai .xlsx"
    ) % {"e": _detail(exc)}


def _detail(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


# --- CSV through the csv module


def check_csv_head(head: bytes, file: str) -> None:
    """Refuse a CSV that is UTF-16 ("Unicode Text" from Excel) or binary, by its first bytes."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise FileError(
            file,
            _(
                'berkas CSV ini berpengodean UTF-16 ("Unicode Text"); simpan ulang dari Excel '
                'sebagai "CSV UTF-8 (Comma delimited)"'
            ),
        )
    if b"\x00" in head:
        raise FileError(file, _("berkas ini bukan teks CSV (berisi data biner)"))


def _csv_sheets(path: Path, file: str, head: bytes) -> Iterator[Sheet]:
    check_csv_head(head, file)
    with path.open(encoding="utf-8-sig", newline="") as text:
        try:
            sample = [text.readline(MAX_SNIFF_LINE) for _ in range(CSV_SNIFF_LINES)]
        except UnicodeDecodeError:
            raise FileError(file, not_utf8_message()) from None
        delimiter = detect_delimiter([line for line in sample if line.strip()])
        text.seek(0)
        reader = csv.reader(text, delimiter=delimiter)
        yield Sheet(name=Path(file).stem, rows=_csv_rows(reader, file))


def detect_delimiter(lines: list[str]) -> str:
    """The candidate under which most of the first lines split into the same number (≥ 2) of
    fields: the header and the data rows agree, a title row with a stray comma does not.
    On a tie the group reaching further down wins (titles sit above the table: two title
    lines with commas over a semicolon header and one data row); then the comma."""
    best, best_score = CSV_DELIMITERS[0], (0, -1, 0)
    for delimiter in CSV_DELIMITERS:
        try:
            widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        groups: dict[int, tuple[int, int]] = {}  # width → (lines, index of the last one)
        for index, width in enumerate(widths):
            if width >= 2:
                groups[width] = (groups.get(width, (0, 0))[0] + 1, index)
        for width, (agreeing, last) in groups.items():
            if (agreeing, last, width) > best_score:
                best, best_score = delimiter, (agreeing, last, width)
    return best


def _csv_rows(reader, file: str) -> Iterator[Row]:
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):  # noqa: B007 - number used below
            yield number, cells
    except UnicodeDecodeError:
        raise FileError(file, not_utf8_message()) from None
    except csv.Error as exc:
        raise FileError(
            file,
            _("CSV rusak sesudah baris %(row)d: %(e)s") % {"row": number, "e": exc},
        ) from exc


def not_utf8_message() -> str:
    return _(
        'berkas CSV ini bukan UTF-8; simpan ulang dari Excel sebagai "CSV UTF-8 (Comma delimited)"'
    )
