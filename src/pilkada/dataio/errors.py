"""Error types of the import pipeline's front half, each naming where the user must look.

Locations are what the user sees in the spreadsheet program: the file name (not a server
path), the sheet, the 1-based row number counting title rows, and the column letter (A..Z, AA..).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


def column_letter(index: int) -> str:
    """The letter Excel shows for a 0-based column index: 0 → ``A``, 26 → ``AA``."""
    if index < 0:
        raise ValueError(index)
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """The inverse of :func:`column_letter`: ``A`` → 0, ``XFD`` → 16383."""
    if not letters or not letters.isascii() or not letters.isalpha():
        raise ValueError(letters)
    number = 0
    for ch in letters.upper():
        number = number * 26 + (ord(ch) - ord("A") + 1)
    return number - 1


@dataclass(frozen=True, slots=True)
class Location:
    """A row of a sheet of a file; ``row`` is 1-based, as the spreadsheet program shows it."""

    file: str
    sheet: str
    row: int

    def __str__(self) -> str:
        return _("%(file)s, lembar %(sheet)s, baris %(row)d") % {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
        }


@dataclass(frozen=True, slots=True)
class CellError:
    """One problem, located as precisely as it can be.

    A cell problem has every field; a header or row problem has no ``column_letter``; a sheet
    problem no ``row``; a problem with the whole file (unreadable, no usable header, the
    "and N more" summary) only ``file``.
    """

    file: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column_letter: str | None = None
    column: str | None = None  # the spec's column name, e.g. ``dpt_l``
    header: str | None = None  # the header text in the file, e.g. ``DPT L``

    @property
    def cell(self) -> str | None:
        """``C12``, or None when the problem is not tied to one cell."""
        if self.column_letter is None or self.row is None:
            return None
        return f"{self.column_letter}{self.row}"

    def __str__(self) -> str:
        where = {"file": self.file, "sheet": self.sheet, "row": self.row, "msg": self.message}
        if self.sheet is None:
            return _("%(file)s: %(msg)s") % where
        if self.row is None:
            return _("%(file)s, lembar %(sheet)s: %(msg)s") % where
        if self.column_letter is None:
            if self.column:
                return _("%(file)s, lembar %(sheet)s, baris %(row)d (%(column)s): %(msg)s") % {
                    **where,
                    "column": self.column,
                }
            return _("%(file)s, lembar %(sheet)s, baris %(row)d: %(msg)s") % where
        where["cell"] = self.cell
        if self.column:
            return _("%(file)s, lembar %(sheet)s, sel %(cell)s (%(column)s): %(msg)s") % {
                **where,
                "column": self.column,
            }
        return _("%(file)s, lembar %(sheet)s, sel %(cell)s: %(msg)s") % where


class FileError(Exception):
    """A file that cannot be read at all (not a spreadsheet, damaged, encrypted, unsafe…).

    ``str()`` gives one Indonesian sentence naming the file; never a traceback for the user.
    """

    def __init__(self, file: str, message: str):
        self.file = file
        self.message = message
        super().__init__(f"{file}: {message}")

    def as_cell_error(self) -> CellError:
        return CellError(file=self.file, message=self.message)
