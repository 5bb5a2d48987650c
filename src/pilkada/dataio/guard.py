"""Safety checks that run before python-calamine opens a zip-based workbook (.xlsx, .ods).

Measured with python-calamine 0.9.1: it builds the bounding box of a sheet's cells in one
allocation of 32 bytes per cell and, when that fails, aborts the whole process (no exception).
A 1.6 KB .xlsx with one cell at A1 and one at XFD1048576 asks for 512 GiB; the ``<dimension>``
tag plays no part (a sheet that declares ``A1`` still crashes), so the cell references
themselves must be checked. Zip bombs make every reader inflate gigabytes. So, before calamine
sees a file:

1. the zip directory: entry count, total declared size, compression ratio, encryption;
2. every entry is inflated here in a stream, and an entry that inflates to more than its
   declared size is refused (a lying directory would otherwise defeat check 1);
3. while inflating, every sheet's real extent (the box from A1 to its farthest cell, and its
   ``<dimension>``) is measured: a box beyond ``MAX_SHEET_CELLS`` is refused, and so is a box
   beyond ``SPARSE_SHEET_CELLS`` that is mostly empty (``MAX_SPARSITY``).

For .xlsx the extent is measured with C-speed regex searches on the canonical layout that
Excel, LibreOffice, XlsxWriter and openpyxl write (``<row r="N"``, ``<c r="A1"``); any other
spelling (prefixed elements, attributes in another order, cells without ``r``) switches that
part of the stream to a slower tag-by-tag scan that follows implicit positions like calamine.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from functools import lru_cache
from html import unescape
from typing import BinaryIO

from django.utils.translation import gettext as _

from pilkada.core.numbers import format_int
from pilkada.dataio.errors import FileError, column_index, column_letter

MAX_ZIP_ENTRIES = 10_000
MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
# Entries smaller than this are not held to the ratio: whatever their ratio, they cannot hurt,
# and tiny repetitive parts (an empty sheet, a styles part) legitimately compress very well.
RATIO_CHECK_MIN_BYTES = 1024 * 1024
# A sheet's box (A1 to its farthest cell) may never exceed this: 1,048,576 rows × 23 columns,
# about 800 MB inside calamine.
MAX_SHEET_CELLS = 25_000_000
# Beyond this box, the sheet must hold at least one cell per MAX_SPARSITY cells of its box.
SPARSE_SHEET_CELLS = 5_000_000
MAX_SPARSITY = 10

_OUT_CHUNK = 4 * 1024 * 1024
_IN_CHUNK = 256 * 1024
_MAX_TAG_BYTES = 1024 * 1024
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# --- .xlsx fast path. A canonical start tag has ``r`` first, double quotes, single spaces, and
# no second ``r`` (calamine takes the last one: measured). Anything else goes the slow way.
_OTHER_ATTRS = rb'(?: [\w:.-]*[A-Za-qs-z0-9_.-]="[^"]*")*/?>'
_ODD_ROW = re.compile(rb'<row(?:[\t\n\r/>]| (?!r="[1-9][0-9]{0,6}"' + _OTHER_ATTRS + rb"))")
_PREFIXED = re.compile(rb":(?:c|row)[\s/>]")
# XML in UTF-16/UTF-32 (with a byte-order mark, or starting "<\0"): the scans read bytes as
# ASCII, so such a part would slip through them. Binary parts (images) never start like this.
_WIDE_XML = re.compile(
    rb"\xff\xfe|\xfe\xff|\x00\x00\xfe\xff|(?:[\t\n\r ]\x00)*<\x00|(?:\x00[\t\n\r ])*\x00+<"
)
_ELEMENT_START = re.compile(rb"<[A-Za-z_]")
_COMPLETE_TAG = re.compile(rb"<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")
_XLSX_ROW_TAG = re.compile(rb'<row r="([0-9]+)"')
_XLSX_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\s[^>]*?ref\s*=\s*[\"']([^\"']*)[\"']")
_XLSX_LAST_CELL = re.compile(rb'<c r="([A-Z]+)[0-9]+"')
# --- .xlsx slow path: every row and cell start tag, attributes read one by one.
_XLSX_TAG = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>"
)
_R_ATTR = re.compile(rb"(?:^|\s)(?:[\w.-]+:)?r\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_CELL_REF = re.compile(rb"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
# --- .ods: tables, rows and cells with their repeat counts.
_ODS_TAG = re.compile(
    rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(table|table-row|table-cell|covered-table-cell)(?=[\s/>])"
    rb"((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>"
)
_ODS_ROWS_REPEATED = re.compile(rb"number-rows-repeated\s*=\s*[\"']([0-9]+)[\"']")
_ODS_COLS_REPEATED = re.compile(rb"number-columns-repeated\s*=\s*[\"']([0-9]+)[\"']")
_ODS_VALUE_TYPE = re.compile(rb"value-type\s*=")
_ODS_NAME = re.compile(rb"(?:^|\s)(?:[\w.-]+:)?name\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


# What Python's zipfile and zlib raise on a damaged archive (found by fuzzing: a bad CRC, a
# bad local header, a seek before the start, an unknown compression method…).
_DAMAGED_ZIP = (
    zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, zlib.error,
    NotImplementedError, RuntimeError, KeyError, IndexError,
)  # fmt: skip


def check_zip_workbook(stream: BinaryIO, file: str, *, max_bytes: int | None = None) -> str:
    """Check an .xlsx/.ods zip before calamine reads it; returns ``"xlsx"`` or ``"ods"``.

    Raises :class:`FileError` with an Indonesian message naming ``file`` when the archive is not
    a workbook, is damaged, or is unsafe to open.
    """
    try:
        return _check_zip_workbook(stream, file, max_bytes or MAX_UNCOMPRESSED_BYTES)
    except FileError:
        raise
    except _DAMAGED_ZIP as exc:
        raise FileError(file, _damaged()) from exc


def _check_zip_workbook(stream: BinaryIO, file: str, max_bytes: int) -> str:
    declared = _declared_entry_count(stream, file)
    if declared > MAX_ZIP_ENTRIES:
        raise _too_many_entries(file, declared)
    try:
        archive = zipfile.ZipFile(stream)
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise FileError(file, _damaged()) from exc
    if len(infos) > MAX_ZIP_ENTRIES:
        raise _too_many_entries(file, len(infos))
    total = sum(info.file_size for info in infos)
    if total > max_bytes:
        raise FileError(
            file,
            _(
                "isi berkas terlalu besar setelah dibuka (%(size)s MB; batas %(max)s MB); "
                "pecah datanya menjadi beberapa berkas"
            )
            % {
                "size": format_int(total // (1024 * 1024)),
                "max": format_int(max_bytes // (1024 * 1024)),
            },
        )
    for info in infos:
        if info.flag_bits & 0x1:
            raise FileError(file, encrypted_message())
        if info.file_size > RATIO_CHECK_MIN_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(
            info.compress_size, 1
        ):
            raise FileError(
                file,
                _(
                    "bagian %(part)s dipadatkan secara tidak wajar (rasio %(ratio)s×; batas "
                    "%(max)s×); berkas ditolak demi keamanan"
                )
                % {
                    "part": info.filename,
                    "ratio": format_int(info.file_size // max(info.compress_size, 1)),
                    "max": MAX_COMPRESSION_RATIO,
                },
            )
    kind = _workbook_kind(archive, {info.filename for info in infos}, file)
    sheet_names = _xlsx_sheet_paths(archive) if kind == "xlsx" else {}
    for info in infos:
        if info.is_dir():
            continue
        if kind == "xlsx":
            label = sheet_names.get(info.filename, info.filename)
            scanner: _Scanner | None = _XlsxScanner(file, label)
        elif info.filename == "content.xml":
            scanner = _OdsScanner(file)
        else:
            scanner = None
        _inflate(stream, info, file, scanner)
    return kind


def _too_many_entries(file: str, n: int) -> FileError:
    return FileError(
        file,
        _("berkas berisi terlalu banyak bagian (%(n)s; batas %(max)s); ini bukan workbook biasa")
        % {"n": format_int(n), "max": format_int(MAX_ZIP_ENTRIES)},
    )


def _damaged() -> str:
    return _(
        "berkas rusak atau terpotong (mungkin unggahan/unduhan tidak selesai); "
        "buka di Excel dan simpan ulang, atau kirim ulang berkasnya"
    )


def encrypted_message() -> str:
    return _(
        "berkas dilindungi kata sandi (terenkripsi); buka di Excel, hapus kata sandinya, "
        "lalu simpan ulang"
    )


def _declared_entry_count(stream: BinaryIO, file: str) -> int:
    """The entry count in the end-of-central-directory record, read before zipfile builds a
    ZipInfo per entry (a crafted directory with millions of entries would use gigabytes)."""
    stream.seek(0, 2)
    size = stream.tell()
    tail_size = min(size, 22 + 65535)
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or len(tail) - pos < 22:
        raise FileError(file, _damaged())
    count = struct.unpack("<H", tail[pos + 10 : pos + 12])[0]
    if count == 0xFFFF and pos >= 20 and tail[pos - 20 : pos - 16] == b"PK\x06\x07":
        (zip64_offset,) = struct.unpack("<Q", tail[pos - 12 : pos - 4])
        stream.seek(zip64_offset)
        record = stream.read(56)
        if len(record) == 56 and record[:4] == b"PK\x06\x06":
            (count,) = struct.unpack("<Q", record[32:40])
    stream.seek(0)
    return count


def _workbook_kind(archive: zipfile.ZipFile, names: set[str], file: str) -> str:
    if "xl/workbook.xml" in names:
        if "xl/workbook.bin" in names or any(
            n.startswith("xl/worksheets/") and n.endswith(".bin") for n in names
        ):
            raise FileError(file, _xlsb())
        if "content.xml" in names:
            raise FileError(file, _not_workbook())
        return "xlsx"
    if "xl/workbook.bin" in names:
        raise FileError(file, _xlsb())
    if "content.xml" in names and "mimetype" in names:
        with archive.open("mimetype") as f:
            mimetype = f.read(200)
        if mimetype.strip() == b"application/vnd.oasis.opendocument.spreadsheet":
            return "ods"
        raise FileError(
            file,
            _("berkas ini dokumen OpenDocument lain (%(type)s), bukan lembar kerja .ods")
            % {"type": mimetype.decode("ascii", "replace").strip()},
        )
    if "word/document.xml" in names:
        raise FileError(file, _("berkas ini dokumen Word (.docx), bukan lembar kerja Excel"))
    if "ppt/presentation.xml" in names:
        raise FileError(file, _("berkas ini presentasi PowerPoint, bukan lembar kerja Excel"))
    raise FileError(file, _not_workbook())


def _xlsb() -> str:
    return _(
        "format Excel biner (.xlsb) tidak didukung; buka di Excel lalu simpan sebagai "
        "Excel Workbook (.xlsx)"
    )


def _not_workbook() -> str:
    return _("berkas ini arsip ZIP, bukan workbook Excel (.xlsx) atau OpenDocument (.ods)")


def _xlsx_sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Zip entry → sheet name, from the workbook and its relationships (best effort, for
    messages only: every entry is scanned whether or not it is named here)."""
    try:
        workbook = _read_small(archive, "xl/workbook.xml")
        rels = _read_small(archive, "xl/_rels/workbook.xml.rels")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
        return {}
    targets = {}
    for tag in re.findall(rb"<(?:[\w.-]+:)?Relationship\s[^>]*>", rels):
        rid = re.search(rb"\sId\s*=\s*[\"']([^\"']*)[\"']", tag)
        target = re.search(rb"\sTarget\s*=\s*[\"']([^\"']*)[\"']", tag)
        if rid and target:
            path = unescape(target.group(1).decode("utf-8", "replace"))
            path = path[1:] if path.startswith("/") else posixpath.join("xl", path)
            targets[rid.group(1)] = posixpath.normpath(path)
    result = {}
    for tag in re.findall(rb"<(?:[\w.-]+:)?sheet\s[^>]*>", workbook):
        name = re.search(rb"\sname\s*=\s*[\"']([^\"']*)[\"']", tag)
        rid = re.search(rb"\s[\w.-]*:id\s*=\s*[\"']([^\"']*)[\"']", tag)
        if name and rid and rid.group(1) in targets:
            result[targets[rid.group(1)]] = unescape(name.group(1).decode("utf-8", "replace"))
    return result


def _read_small(archive: zipfile.ZipFile, name: str, limit: int = 16 * 1024 * 1024) -> bytes:
    with archive.open(name) as f:
        return f.read(limit)


class _Scanner:
    """Receives an entry's inflated bytes in chunks that never split a tag."""

    prolog_done = False

    def feed(self, chunk: bytes) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        raise NotImplementedError

    def _refuse_dtd(self, chunk: bytes, file: str, part: str) -> None:
        """A DTD (which could declare entities) may only come before the root element."""
        if self.prolog_done:
            return
        if b"<!DOCTYPE" in chunk:
            raise FileError(
                file,
                _("bagian %(part)s berisi deklarasi DTD; berkas ditolak demi keamanan")
                % {"part": part},
            )
        self.prolog_done = _ELEMENT_START.search(chunk) is not None


def _inflate(stream: BinaryIO, info: zipfile.ZipInfo, file: str, scanner: _Scanner | None) -> None:
    """Inflate one entry from its raw bytes, refusing more output than the directory declared,
    and hand the output to ``scanner`` cut at tag boundaries."""
    stream.seek(info.header_offset)
    header = stream.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise FileError(file, _damaged())
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    stream.seek(info.header_offset + 30 + name_len + extra_len)
    if info.compress_type == zipfile.ZIP_STORED:
        decompressor = None
        if info.compress_size > info.file_size:
            raise FileError(file, _size_mismatch(info.filename))
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        decompressor = zlib.decompressobj(-15)
    else:
        raise FileError(
            file,
            _("bagian %(part)s memakai metode kompresi yang tidak didukung (%(m)d)")
            % {"part": info.filename, "m": info.compress_type},
        )
    produced = 0
    pending = b""
    first = True

    def emit(data: bytes) -> None:
        nonlocal produced, pending, first
        produced += len(data)
        if produced > info.file_size:
            raise FileError(file, _size_mismatch(info.filename))
        if scanner is None or not data:
            return
        if first:
            first = False
            if _WIDE_XML.match(data):
                raise FileError(
                    file,
                    _("bagian %(part)s memakai pengodean yang tidak didukung (UTF-16/UTF-32)")
                    % {"part": info.filename},
                )
        buffer = pending + data if pending else data
        cut = buffer.rfind(b"<")
        if cut < 0:  # text only: no tag starts here
            pending = b""
            return
        if cut > 0:  # every tag before the last "<" is complete (a tag holds no "<")
            scanner.feed(buffer[:cut])
            buffer = buffer[cut:]
        tag = _COMPLETE_TAG.match(buffer)
        if tag:  # what follows the last tag is text: it cannot hold a tag
            scanner.feed(buffer[: tag.end()])
            pending = b""
        elif len(buffer) > _MAX_TAG_BYTES:
            raise FileError(
                file,
                _("bagian %(part)s berisi tag XML yang terlalu panjang") % {"part": info.filename},
            )
        else:
            pending = buffer

    remaining = info.compress_size
    try:
        while remaining > 0:
            raw = stream.read(min(remaining, _IN_CHUNK))
            if not raw:
                raise FileError(file, _damaged())
            remaining -= len(raw)
            if decompressor is None:
                emit(raw)
                continue
            while raw and not decompressor.eof:
                emit(decompressor.decompress(raw, _OUT_CHUNK))
                raw = decompressor.unconsumed_tail
            if decompressor.eof:
                break
        if decompressor is not None:
            while not decompressor.eof:
                out = decompressor.decompress(b"", _OUT_CHUNK)
                if not out:
                    break
                emit(out)
    except zlib.error as exc:
        raise FileError(file, _damaged()) from exc
    if scanner is not None:
        if pending:
            scanner.feed(pending)
        scanner.finish()


def _size_mismatch(part: str) -> str:
    return _(
        "isi bagian %(part)s lebih besar daripada yang tercatat di daftar isi ZIP; berkas "
        "rusak atau dimanipulasi"
    ) % {"part": part}


def _check_extent(
    file: str, sheet: str, max_row: int, max_col: int, cells: int, final: bool
) -> None:
    area = max_row * max_col
    corner = f"{column_letter(max_col - 1)}{max_row}" if max_row and 0 < max_col <= 16384 else ""
    if max_col > 16384 or max_row > 1_048_576 or area > MAX_SHEET_CELLS:
        raise FileError(
            file,
            _(
                "lembar %(sheet)s terlalu luas: datanya membentang sampai kolom ke-%(cols)s dan "
                "baris ke-%(rows)s (%(area)s sel; batas %(max)s); hapus isi atau format di luar "
                "tabel data, atau pecah menjadi beberapa lembar"
            )
            % {
                "sheet": sheet,
                "cols": format_int(max_col),
                "rows": format_int(max_row),
                "area": format_int(area),
                "max": format_int(MAX_SHEET_CELLS),
            },
        )
    if final and area > SPARSE_SHEET_CELLS and area > MAX_SPARSITY * max(cells, 1):
        raise FileError(
            file,
            _(
                "lembar %(sheet)s menjangkau sampai sel %(corner)s (%(area)s sel) padahal hanya "
                "berisi %(cells)s sel; hapus sel yang terisi jauh di luar tabel data, lalu simpan "
                "ulang"
            )
            % {
                "sheet": sheet,
                "corner": corner,
                "area": format_int(area),
                "cells": format_int(cells),
            },
        )


@lru_cache(maxsize=64)
def _le_letters(max_col: int) -> bytes:
    """A pattern for the column letters of columns 1..``max_col`` (longest forms first)."""
    if max_col <= 0:
        return b"(?!)"
    letters = column_letter(max_col - 1).encode()
    return _at_most(letters, b"A", b"A", b"[A-Z]")


@lru_cache(maxsize=64)
def _le_digits(max_row: int) -> bytes:
    """A pattern for the numbers 1..``max_row`` written without leading zeros."""
    if max_row <= 0:
        return b"(?!)"
    return _at_most(str(max_row).encode(), b"1", b"0", b"[0-9]")


def _at_most(bound: bytes, first_low: bytes, low: bytes, any_char: bytes) -> bytes:
    """Strings that sort at or below ``bound`` in a positional alphabet (digits or column
    letters): same length and smaller at the first difference, or shorter."""
    alternatives = []
    for i, ch in enumerate(bound):
        lo = (first_low if i == 0 else low)[0]
        last = i == len(bound) - 1
        hi = ch if last else ch - 1
        if hi >= lo:
            rest = len(bound) - i - 1
            tail = any_char + b"{%d}" % rest if rest else b""
            alternatives.append(bound[:i] + b"[%c-%c]" % (lo, hi) + tail)
    if len(bound) > 1:
        first = b"[%c-%c]" % (first_low[0], any_char[-2])
        alternatives.append(first + any_char + b"{0,%d}" % (len(bound) - 2))
    return b"(?:" + b"|".join(alternatives) + b")"


@lru_cache(maxsize=16)
def _odd_cell(max_row: int, max_col: int) -> re.Pattern[bytes]:
    """A search for a cell start tag that is not canonical or lies outside the box so far."""
    ref = _le_letters(max_col) + _le_digits(max_row)
    return re.compile(rb'<c(?:[\t\n\r/>]| (?!r="' + ref + b'"' + _OTHER_ATTRS + rb"))")


class _XlsxScanner(_Scanner):
    """Tracks the farthest row and column a worksheet part reaches, and how many cells it has."""

    def __init__(self, file: str, sheet: str):
        self.file = file
        self.sheet = sheet
        self.max_row = 0
        self.max_col = 0  # 1-based
        self.cells = 0
        self.row = 0  # current row (1-based) and column (1-based), for implicit positions
        self.col = 0
        self.dimension_seen = False

    def feed(self, chunk: bytes) -> None:
        self._refuse_dtd(chunk, self.file, self.sheet)
        if not self.dimension_seen:  # it comes before <sheetData>, if at all
            if m := _XLSX_DIMENSION.search(chunk):
                self._dimension(m.group(1).decode("ascii", "replace"))
            self.dimension_seen = bool(m) or b"sheetData" in chunk
        if not self._fast(chunk):
            self._slow(chunk)
        _check_extent(self.file, self.sheet, self.max_row, self.max_col, self.cells, final=False)

    def finish(self) -> None:
        _check_extent(self.file, self.sheet, self.max_row, self.max_col, self.cells, final=True)

    def _dimension(self, ref: str) -> None:
        for part in ref.split(":"):
            m = _REF.fullmatch(part.strip())
            if m:
                self.max_col = max(self.max_col, column_index(m.group(1)) + 1)
                self.max_row = max(self.max_row, int(m.group(2)))

    def _fast(self, chunk: bytes) -> bool:
        """Account for a chunk in the canonical layout whose cells lie inside the box known so
        far (widened by the chunk's own row tags); False, with nothing changed, otherwise."""
        if _PREFIXED.search(chunk) or _ODD_ROW.search(chunk):
            return False
        rows = _XLSX_ROW_TAG.findall(chunk)
        max_row = max(self.max_row, max(map(int, rows))) if rows else self.max_row
        if _odd_cell(max_row, self.max_col).search(chunk):
            return False
        self.max_row = max_row
        self.cells += chunk.count(b'<c r="')
        last_row = chunk.rfind(b"<row r=")
        last_cell = chunk.rfind(b'<c r="')
        if rows:
            self.row = int(rows[-1])
        if last_cell > last_row:
            m = _XLSX_LAST_CELL.match(chunk, last_cell)
            if m:
                self.col = column_index(m.group(1).decode()) + 1
        elif last_row >= 0:
            self.col = 0
        return True

    def _slow(self, chunk: bytes) -> None:
        for m in _XLSX_TAG.finditer(chunk):
            kind, attrs = m.group(1), m.group(2)
            refs = _R_ATTR.findall(attrs)
            if len(refs) > 1:
                raise FileError(
                    self.file,
                    _("lembar %(sheet)s berisi sel atau baris dengan dua alamat; berkas rusak")
                    % {"sheet": self.sheet},
                )
            ref = (refs[0][0] or refs[0][1]) if refs else None
            if kind == b"row":
                if ref is None:
                    self.row += 1
                elif ref.isdigit():
                    self.row = int(ref)
                else:
                    raise self._bad_ref(ref)
                self.col = 0
                self.max_row = max(self.max_row, self.row)
            else:
                self.cells += 1
                if ref is None:
                    self.col += 1
                    if self.row == 0:
                        self.row = 1
                else:
                    cm = _CELL_REF.fullmatch(ref)
                    if cm is None:
                        raise self._bad_ref(ref)
                    self.col = column_index(cm.group(1).decode()) + 1
                    self.row = int(cm.group(2))
                self.max_row = max(self.max_row, self.row)
                self.max_col = max(self.max_col, self.col)
            if self.max_row * self.max_col > MAX_SHEET_CELLS:
                _check_extent(self.file, self.sheet, self.max_row, self.max_col, self.cells, False)

    def _bad_ref(self, ref: bytes) -> FileError:
        return FileError(
            self.file,
            _("lembar %(sheet)s berisi alamat sel yang tidak sah (%(ref)s); berkas rusak")
            % {"sheet": self.sheet, "ref": ref.decode("ascii", "replace")[:20]},
        )


class _OdsScanner(_Scanner):
    """Follows tables, rows and cells of ``content.xml`` with their repeat counts, the way
    calamine expands them, and checks each table's box of non-empty cells."""

    def __init__(self, file: str):
        self.file = file
        self.depth = 0  # table nesting; cells of sub-tables are ignored
        self.sheet = ""
        self._reset()

    def _reset(self) -> None:
        self.row = 0
        self.col = 0
        self.row_repeat = 1
        self.row_max_col = 0
        self.max_row = 0
        self.max_col = 0
        self.cells = 0

    def feed(self, chunk: bytes) -> None:
        self._refuse_dtd(chunk, self.file, "content.xml")
        for m in _ODS_TAG.finditer(chunk):
            closing, kind, attrs, empty = m.group(1), m.group(2), m.group(3), m.group(4)
            if kind == b"table":
                if closing:
                    self.depth -= 1
                    if self.depth == 0:
                        self._check(final=True)
                elif not empty:
                    self.depth += 1
                    if self.depth == 1:
                        self._reset()
                        name = _ODS_NAME.search(attrs)
                        raw = (name.group(1) or name.group(2)) if name else b""
                        self.sheet = unescape(raw.decode("utf-8", "replace"))
                continue
            if self.depth != 1:
                continue
            if kind == b"table-row":
                if closing:
                    self._end_row()
                else:
                    repeat = _ODS_ROWS_REPEATED.search(attrs)
                    self.row_repeat = int(repeat.group(1)) if repeat else 1
                    self.col = 0
                    self.row_max_col = 0
                    if empty:
                        self._end_row()
            elif not closing:
                repeat = _ODS_COLS_REPEATED.search(attrs)
                span = int(repeat.group(1)) if repeat else 1
                if not empty or _ODS_VALUE_TYPE.search(attrs):
                    self.cells += 1
                    self.row_max_col = self.col + span
                    if self.row_max_col > 16384:
                        self.max_col = max(self.max_col, self.row_max_col)
                        self.max_row = max(self.max_row, self.row + 1)
                        self._check(final=False)
                self.col += span

    def _end_row(self) -> None:
        if self.row_max_col:
            self.max_row = self.row + self.row_repeat
            self.max_col = max(self.max_col, self.row_max_col)
            self._check(final=False)
        self.row += self.row_repeat
        self.row_repeat = 1

    def _check(self, final: bool) -> None:
        _check_extent(self.file, self.sheet, self.max_row, self.max_col, self.cells, final)

    def finish(self) -> None:
        if self.depth:
            self._check(final=True)


def looks_like_cfb(head: bytes) -> bool:
    """The OLE compound-file signature of .xls files (and of encrypted .xlsx files)."""
    return head.startswith(_CFB_MAGIC)


def cfb_is_encrypted_ooxml(stream: BinaryIO) -> bool:
    """True when a compound file holds an encrypted OOXML package (a password-protected .xlsx):
    its directory names the ``EncryptedPackage`` and ``EncryptionInfo`` streams."""
    needles = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
    stream.seek(0)
    carry = b""
    found: set[bytes] = set()
    while block := stream.read(1024 * 1024):
        data = carry + block
        found.update(n for n in needles if n in data)
        carry = data[-64:]
    return len(found) == len(needles)
