"""Builders of real spreadsheet files for the tests (and of deliberately hostile ones)."""

from __future__ import annotations

import csv
import struct
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import xlsxwriter

Rows = list[list[object]]


def xlsx_xlsxwriter(path: Path, sheets: dict[str, Rows], *, hidden: tuple[str, ...] = ()) -> Path:
    """Rows start at A1; None leaves a cell empty. Strings are never turned into formulas."""
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "default_date_format": "dd/mm/yyyy",
        },
    )
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
        if name in hidden:
            sheet.hide()
    workbook.close()
    return path


def xlsx_openpyxl(path: Path, sheets: dict[str, Rows]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(row=r, column=c, value=value)
    workbook.save(path)
    return path


_ODS_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" \
manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" \
manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""

_ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" \
xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>
</office:document-content>
"""


def ods(path: Path, sheets: dict[str, Rows], *, tables_xml: str | None = None) -> Path:
    """An OpenDocument spreadsheet package written to the ODF 1.2 spec (``mimetype`` first and
    stored, a manifest, ``content.xml``), without LibreOffice. ``tables_xml`` replaces the
    generated tables (for hostile files)."""
    if tables_xml is None:
        tables_xml = "".join(_ods_table(name, rows) for name, rows in sheets.items())
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr(
            "content.xml", _ODS_CONTENT.format(tables=tables_xml), zipfile.ZIP_DEFLATED
        )
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST, zipfile.ZIP_DEFLATED)
    return path


def _ods_table(name: str, rows: Rows) -> str:
    out = [f'<table:table table:name="{escape(name)}">']
    for row in rows:
        out.append("<table:table-row>")
        for value in row:
            if value is None:
                out.append("<table:table-cell/>")
            elif isinstance(value, int | float) and not isinstance(value, bool):
                out.append(
                    f'<table:table-cell office:value-type="float" office:value="{value}">'
                    f"<text:p>{value}</text:p></table:table-cell>"
                )
            else:
                out.append(
                    '<table:table-cell office:value-type="string">'
                    f"<text:p>{escape(str(value))}</text:p></table:table-cell>"
                )
        out.append("</table:table-row>")
    out.append("</table:table>")
    return "".join(out)


def csv_file(
    path: Path, rows: Rows, *, delimiter: str = ",", bom: bool = False, encoding="utf-8"
) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else encoding, newline="") as f:
        writer = csv.writer(f, delimiter=delimiter)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
    return path


# --- hand-built .xlsx parts, for sheets no writer would produce

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
</Types>"""
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
Target="xl/workbook.xml"/></Relationships>"""
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" \
Target="worksheets/sheet1.xml"/></Relationships>"""
SHEET_NS = (
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)


def crafted_xlsx(
    path: Path,
    sheet_data: str,
    *,
    dimension: str | None = None,
    sheet_name: str = "Data",
    sheet_xml: str | None = None,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """A minimal .xlsx (content types, rels, workbook, one sheet) around raw ``<sheetData>``
    content; ``sheet_xml`` replaces the whole sheet part."""
    if sheet_xml is None:
        dim = f'<dimension ref="{dimension}"/>' if dimension else ""
        sheet_xml = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f"<worksheet {SHEET_NS}>{dim}<sheetData>{sheet_data}</sheetData></worksheet>"
        )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK.format(name=sheet_name))
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def inline_row(number: int, values: list[object], first_col: str = "A") -> str:
    """A canonical ``<row>`` of inline strings / numbers starting at ``first_col``."""
    from pilkada.dataio.errors import column_index, column_letter

    start = column_index(first_col)
    cells = []
    for i, value in enumerate(values):
        ref = f"{column_letter(start + i)}{number}"
        if isinstance(value, int | float):
            cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        else:
            cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


# --- a compound file (the container of .xls and of password-protected .xlsx)

_ENDOFCHAIN, _FATSECT, _FREESECT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF, 0xFFFFFFFF


def encrypted_ooxml_container(path: Path) -> Path:
    """A version-3 compound file holding ``EncryptionInfo`` and ``EncryptedPackage`` streams:
    the structure Excel writes for a password-protected workbook (the payload here is filler,
    so nothing can decrypt it; only the container matters to the reader)."""
    streams = [
        ("EncryptionInfo", b"\x04\x00\x04\x00" + b"\x00" * 4092),
        ("EncryptedPackage", b"\x5a" * 4096),
    ]
    sector = 512
    fat = [_FATSECT, _ENDOFCHAIN]  # sector 0: FAT; sector 1: directory
    starts, data = [], b""
    for _, payload in streams:
        first = len(fat)
        n = len(payload) // sector
        starts.append(first)
        fat.extend(first + i + 1 for i in range(n - 1))
        fat.append(_ENDOFCHAIN)
        data += payload
    fat += [_FREESECT] * (128 - len(fat))
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x003E, 0x0003, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, _ENDOFCHAIN, 0, _ENDOFCHAIN, 0)
    difat = [0] + [_FREESECT] * 108
    struct.pack_into("<109I", header, 76, *difat)

    def entry(name, kind, child, right, start, size) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00" if name else b""
        out = bytearray(128)
        out[0 : len(raw)] = raw
        struct.pack_into("<HBB", out, 64, len(raw), kind, 1)
        struct.pack_into("<III", out, 68, _NOSTREAM, right, child)
        struct.pack_into("<IQ", out, 116, start, size)
        return bytes(out)

    directory = (
        entry("Root Entry", 5, 1, _NOSTREAM, _ENDOFCHAIN, 0)
        + entry(streams[0][0], 2, _NOSTREAM, 2, starts[0], len(streams[0][1]))
        + entry(streams[1][0], 2, _NOSTREAM, _NOSTREAM, starts[1], len(streams[1][1]))
        + entry("", 0, _NOSTREAM, _NOSTREAM, 0, 0)
    )
    path.write_bytes(bytes(header) + struct.pack("<128I", *fat) + directory + data)
    return path
