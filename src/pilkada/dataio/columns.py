"""Column specs: which columns an import expects, how headers are recognised, and the parse of
a file's sheets into typed rows with located errors.

A :class:`Spec` finds the header row in each sheet (below up to a few title rows), maps header
cells to its :class:`Column` s by alias, skips blank rows and TOTAL/JUMLAH rows, runs each
column's parser on each cell, and collects every error with its file, sheet, row and column
letter. It never touches the database: services take :attr:`ParseResult.rows` from here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from pilkada.dataio.errors import CellError, FileError, Location, column_letter
from pilkada.dataio.parsers import is_empty, text
from pilkada.dataio.readers import Sheet, read_sheets

# How many non-blank rows at the top of a sheet may precede the header (KPU printouts have
# 1-8 title rows).
HEADER_SCAN_ROWS = 20
MAX_ERRORS = 1000

_PARENTHESISED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NOT_WORD = re.compile(r"[\W_]+")
# A TOTAL row's label, after normalisation: "Jumlah", "JUMLAH KEC. KURUN", "Total", "Sub-Total",
# "SUBTOTAL", "Grand total", "Jml".
_TOTAL_LABEL = re.compile(r"(?:jumlah|jml|total|sub total|subtotal|grand total)(?: |$)")


def normalise_header(value: object) -> str:
    """Case, accents' width, punctuation, underscores and runs of spaces do not matter:
    ``" No._TPS "`` → ``"no tps"``, ``"DPT (L)"`` → ``"dpt l"``, ``"Laki-Laki"`` → ``"laki laki"``.
    """
    s = unicodedata.normalize("NFKC", text(value)).casefold()
    return _NOT_WORD.sub(" ", s).strip()


def _header_forms(value: object) -> tuple[str, str]:
    """The header normalised, and normalised again without parenthesised parts, so that
    ``"Jenis Kelamin (L/P)"`` also matches ``"jenis kelamin"``."""
    raw = text(value)
    return normalise_header(raw), normalise_header(_PARENTHESISED.sub(" ", raw))


Parser = Callable[[Any], Any]


@dataclass(frozen=True)
class Column:
    """One expected column: its name (the key in :attr:`ParsedRow.values`), the header texts
    that mean it (the name itself counts too), the parser for its cells, and whether a file
    must have it and every data row must fill it."""

    name: str
    aliases: tuple[str, ...] = ()
    parser: Parser = text
    required: bool = False

    @property
    def label(self) -> str:
        """How messages name the column to the user: its first alias, else its name."""
        return self.aliases[0] if self.aliases else self.name.replace("_", " ")


@dataclass(frozen=True, slots=True)
class ParsedRow:
    """A data row whose cells all parsed: ``values`` maps column name → parsed value (optional
    columns absent from the file are absent here); ``letters`` maps column name → its column
    letter in this sheet (one dict shared by all rows of a sheet)."""

    values: dict[str, Any]
    location: Location
    letters: Mapping[str, str]

    def error(self, column: str | None, message: str) -> CellError:
        """A located error about this row, for checks made after parsing (services)."""
        letter = self.letters.get(column) if column else None
        return CellError(
            file=self.location.file,
            sheet=self.location.sheet,
            row=self.location.row,
            column_letter=letter,
            column=column,
            message=message,
        )


@dataclass
class ParseResult:
    """What :meth:`Spec.parse_file` found. ``errors`` holds at most ``max_errors`` entries plus
    one "and N more" summary; ``error_count`` counts them all."""

    file: str
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    skipped_total_rows: list[Location] = field(default_factory=list)
    skipped_sheets: list[tuple[str, str]] = field(default_factory=list)  # (sheet, reason)
    sheets: list[str] = field(default_factory=list)  # sheets read as data
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def messages(self) -> list[str]:
        return [str(e) for e in self.errors]

    def describe(self, row: ParsedRow, column: str | None, message: str) -> str:
        """A service's problem with ``row`` as the user reads it (file, sheet, cell, column)."""
        return str(row.error(column, message))


@dataclass
class Header:
    """The header row of one sheet, as matched against a spec."""

    row: int
    width: int  # non-empty header cells
    positions: dict[str, int]  # column name → index in the row's cells
    headers: dict[str, str]  # column name → header text as written
    unknown: list[str]
    duplicates: list[tuple[str, int, int, str]]  # (column, first index, second index, header)
    missing: list[Column]


class _Collector:
    """Errors up to a cap, counting the rest."""

    def __init__(self, result: ParseResult, cap: int):
        self.result = result
        self.cap = cap
        self.overflow = 0

    def add(self, error: CellError) -> None:
        self.result.error_count += 1
        if len(self.result.errors) < self.cap:
            self.result.errors.append(error)
        else:
            self.overflow += 1

    def close(self) -> None:
        if self.overflow:
            self.result.errors.append(
                CellError(
                    file=self.result.file,
                    message=_("dan %(n)d kesalahan lain") % {"n": self.overflow},
                )
            )


@dataclass(frozen=True)
class Spec:
    """The columns of one kind of import file.

    ``all_sheets``: every (visible, non-empty) sheet must carry the header; otherwise sheets
    without one (instructions, lookup lists) are skipped and reported. ``key``: the columns that
    identify a data row (default: the first required column); a row that carries a TOTAL/JUMLAH
    label and has no valid value in any key column is a TOTAL row and is skipped, never
    imported. ``include_hidden``: read hidden sheets too (default: skip and report them, since
    the user cannot see what they hold).
    """

    name: str
    columns: Sequence[Column]
    all_sheets: bool = False
    key: tuple[str, ...] = ()
    include_hidden: bool = False
    max_errors: int = MAX_ERRORS
    _aliases: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"spec {self.name}: duplicate column names")
        aliases: dict[str, Column] = {}
        for column in self.columns:
            for alias in (column.name, *column.aliases):
                norm = normalise_header(alias)
                other = aliases.setdefault(norm, column)
                if other is not column:
                    raise ValueError(
                        f"spec {self.name}: header {alias!r} would mean both {other.name} and "
                        f"{column.name}"
                    )
        object.__setattr__(self, "_aliases", aliases)
        unknown = set(self.key) - set(names)
        if unknown:
            raise ValueError(f"spec {self.name}: unknown key columns {sorted(unknown)}")
        if not self.key:
            first = next((c.name for c in self.columns if c.required), None)
            object.__setattr__(self, "key", (first,) if first else ())

    @property
    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]

    def column_for(self, header: object) -> Column | None:
        """The column a header cell means, or None."""
        full, bare = _header_forms(header)
        return self._aliases.get(full) or (self._aliases.get(bare) if bare else None)

    # --- entry points

    def parse_file(self, path: Path | str, *, display_name: str | None = None) -> ParseResult:
        """Read and parse a file; never raises for a bad file (its problem is in ``errors``)."""
        path = Path(path)
        file = display_name or path.name
        return self.parse_sheets(read_sheets(path, display_name=file), file)

    def parse_sheets(self, sheets: Iterable[Sheet], file: str) -> ParseResult:
        """Parse sheets from a reader (or built by hand, e.g. in tests)."""
        result = ParseResult(file=file)
        errors = _Collector(result, self.max_errors)
        best: tuple[int, list[Column]] | None = None  # the nearest miss, for the message
        any_rows = found_header = False
        try:
            for sheet in sheets:
                if not sheet.visible and not self.include_hidden:
                    result.skipped_sheets.append((sheet.name, _("lembar tersembunyi")))
                    continue
                outcome = self._parse_sheet(sheet, file, result, errors)
                if outcome is None:
                    continue  # blank sheet
                any_rows = True
                if isinstance(outcome, Header):
                    found_header = True
                    continue
                found, missing = outcome
                if best is None or found > best[0]:
                    best = (found, missing)
                if self.all_sheets:
                    errors.add(
                        CellError(
                            file=file,
                            sheet=sheet.name,
                            message=missing_message(missing),
                        )
                    )
                else:
                    result.skipped_sheets.append(
                        (sheet.name, _("tidak ada baris judul kolom yang cocok"))
                    )
        except FileError as exc:
            errors.add(exc.as_cell_error())
        else:
            if not any_rows:
                errors.add(CellError(file=file, message=_("berkas tidak berisi data")))
            elif not found_header and not self.all_sheets and best is not None:
                errors.add(CellError(file=file, message=missing_message(best[1])))
        errors.close()
        return result

    # --- one sheet

    def _parse_sheet(
        self, sheet: Sheet, file: str, result: ParseResult, errors: _Collector
    ) -> Header | tuple[int, list[Column]] | None:
        """Parse one sheet; returns its header, or (required columns found, missing ones) of
        the nearest miss when it has none, or None when it is blank."""
        rows = iter(sheet.rows)
        scanned = 0
        header: Header | None = None
        best: Header | None = None
        for number, cells in rows:
            if _is_blank(cells):
                continue
            scanned += 1
            candidate = self.match_header(number, cells)
            if not candidate.missing and candidate.positions:
                header = candidate
                break
            if best is None or len(candidate.missing) < len(best.missing):
                best = candidate
            if scanned >= HEADER_SCAN_ROWS:
                break
        if header is None:
            if scanned == 0:
                return None
            assert best is not None
            return len(self.required) - len(best.missing), best.missing
        for column, first, second, written in header.duplicates:
            errors.add(
                CellError(
                    file=file,
                    sheet=sheet.name,
                    row=header.row,
                    column_letter=column_letter(sheet.first_column + second),
                    column=column,
                    header=written,
                    message=_("kolom %(h)s muncul lebih dari sekali (juga di kolom %(other)s)")
                    % {
                        "h": f"'{written}'",
                        "other": column_letter(sheet.first_column + first),
                    },
                )
            )
        for name in header.unknown:
            if name not in result.ignored_columns:
                result.ignored_columns.append(name)
        if header.duplicates:
            return header  # which of the two columns holds the data is anybody's guess
        result.sheets.append(sheet.name)
        self._parse_rows(sheet, header, rows, file, result, errors)
        return header

    def match_header(self, number: int, cells: Sequence[object]) -> Header:
        positions: dict[str, int] = {}
        headers: dict[str, str] = {}
        unknown: list[str] = []
        duplicates: list[tuple[str, int, int, str]] = []
        for index, value in enumerate(cells):
            if is_empty(value):
                continue
            column = self.column_for(value)
            written = text(value)
            if column is None:
                unknown.append(written)
            elif column.name in positions:
                duplicates.append((column.name, positions[column.name], index, written))
            else:
                positions[column.name] = index
                headers[column.name] = written
        missing = [c for c in self.required if c.name not in positions]
        width = len(positions) + len(unknown) + len(duplicates)
        return Header(number, width, positions, headers, unknown, duplicates, missing)

    def _parse_rows(
        self,
        sheet: Sheet,
        header: Header,
        rows: Iterable[tuple[int, Sequence[object]]],
        file: str,
        result: ParseResult,
        errors: _Collector,
    ) -> None:
        positions = header.positions
        present = [(c, positions[c.name]) for c in self.columns if c.name in positions]
        letters = {c.name: column_letter(sheet.first_column + i) for c, i in present}
        keys = [(c, i) for c, i in present if c.name in self.key]
        plan = [(c, c.name, c.parser, c.required, i) for c, i in present]  # the hot loop's view
        first_data_row = True
        for number, cells in rows:
            if _is_blank(cells):
                continue
            # A row numbering the columns "1 2 3 …" right under the header is dropped, but only
            # if it does not parse as data: a real row is never lost to this guess.
            numbering = first_data_row and is_numbering_row(cells, header.width)
            first_data_row = False
            width = len(cells)
            if not numbering and self._is_total_row(cells, keys, width):
                result.skipped_total_rows.append(Location(file, sheet.name, number))
                continue
            values: dict[str, Any] = {}
            problems: list[CellError] = []
            for column, name, parser, required, index in plan:
                raw = cells[index] if index < width else None
                if required and is_empty(raw):
                    message = _("wajib diisi")
                else:
                    try:
                        values[name] = parser(raw)
                        continue
                    except ValueError as exc:
                        message = str(exc)
                problems.append(
                    CellError(
                        file=file,
                        sheet=sheet.name,
                        row=number,
                        column_letter=letters[column.name],
                        column=column.name,
                        header=header.headers[column.name],
                        message=message,
                    )
                )
            if not problems:
                result.rows.append(ParsedRow(values, Location(file, sheet.name, number), letters))
            elif not numbering:
                for problem in problems:
                    errors.add(problem)

    @staticmethod
    def _is_total_row(cells: Sequence[object], keys: list[tuple[Column, int]], width: int) -> bool:
        # Cheap test first: a row whose key cells all parse is data, whatever else it says.
        for column, index in keys:
            raw = cells[index] if index < width else None
            if is_empty(raw) or is_total_label(raw):
                continue
            try:
                column.parser(raw)
            except ValueError:
                continue
            return False
        return any(is_total_label(v) for v in cells)


def is_total_label(value: object) -> bool:
    return isinstance(value, str) and bool(_TOTAL_LABEL.match(normalise_header(value)))


def _is_blank(cells: Sequence[object]) -> bool:
    return all(is_empty(v) for v in cells)


def is_numbering_row(cells: Sequence[object], width: int) -> bool:
    """A row that numbers every header column 1, 2, 3, … (or "(1)", "(2)", …), as KPU forms
    print under their header. Real data never has that shape: a key column would hold a code."""
    numbers = []
    for value in cells:
        if is_empty(value):
            continue
        s = text(value).strip("()[] ")
        if not s.isdigit():
            return False
        numbers.append(int(s))
    return len(numbers) == width >= 2 and numbers == list(range(1, width + 1))


def missing_message(missing: list[Column]) -> str:
    return _("kolom wajib tidak ditemukan: %(cols)s") % {
        "cols": ", ".join(f"'{c.label}'" for c in missing)
    }
