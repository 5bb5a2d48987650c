"""Import of result sheets (C.Hasil) from the flat layout: one row per TPS.

Structural problems (unknown or foreign TPS, a TPS twice, unreadable numbers, votes for a pair
the election does not have) reject the whole file. Rule findings do not: the numbers are stored
as written and the sheet is flagged. A sheet that is verified, or that changed after the
version the file says it was based on (column ``versi``), is not overwritten: it is reported as
a conflict and the other rows are imported.

Every problem that rejects a file is kept located (:class:`Problem`: file, sheet, cell and the
row's TPS) so that the web upload can hand back a workbook of them. An import confirmed after
a preview passes the sheet versions the preview was made against (``expected``): a sheet
created or changed since makes it refuse (:class:`SheetsChanged`) rather than overwrite.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from pilkada.core.chunks import chunked
from pilkada.core.imports import ImportRejected, file_notes, file_sha256, parse_or_reject
from pilkada.dataio.columns import Column, ParsedRow, ParseResult, Spec
from pilkada.dataio.errors import CellError, FileError
from pilkada.dataio.isolated import parse_isolated
from pilkada.dataio.parsers import count, text, tps_id
from pilkada.elections.models import Election
from pilkada.regions import codes
from pilkada.regions.models import PollingStation
from pilkada.tallies.form import SheetNumbers, diff_numbers, merge_numbers
from pilkada.tallies.headers import ALIASES, field_headers, pair_header
from pilkada.tallies.models import ChangeSource, SheetStatus
from pilkada.tallies.rules import ERROR, check_sheet
from pilkada.tallies.selectors import rule_context
from pilkada.tallies.services import (
    ConcurrentChange,
    PlannedSave,
    Source,
    lock_sheets,
    save_sheets,
)

TPS_COLUMN = "kode_tps"
VERSION_COLUMN = "versi"
ELECTION_COLUMN = "kode_pemilihan"
# Columns of Pilkada's own entry workbook that carry no form box (read, then left alone).
INFO_COLUMNS = ("desa", "nomor_tps", "dpt_data_tps")
CHECK_COLUMNS = tuple(f"cek_r{n}" for n in range(1, 10))


def results_spec(election: Election, ballot_numbers: tuple[int, ...]) -> Spec:
    """The columns of the flat result layout for one election."""
    columns = [
        Column(TPS_COLUMN, aliases=("kode tps", "id tps", "tps id"), parser=tps_id, required=True),
        Column(VERSION_COLUMN, aliases=("versi formulir",), parser=count),
        Column(ELECTION_COLUMN, aliases=("kode pemilihan",), parser=text),
        *(Column(name, parser=text) for name in INFO_COLUMNS + CHECK_COLUMNS),
    ]
    for header in field_headers(election.scheme).values():
        columns.append(Column(header, aliases=ALIASES.get(header, ()), parser=count))
    for number in ballot_numbers:
        header = pair_header(number)
        columns.append(Column(header, aliases=(f"paslon {number}",), parser=count))
    return Spec(name="hasil", columns=columns, key=(TPS_COLUMN,))


@dataclass(frozen=True)
class Problem:
    """One located problem of a result file: the error (file, sheet, row, cell, message) and
    the TPS code written in its row, when the row has one."""

    error: CellError
    tps: str | None = None

    def __str__(self) -> str:
        return str(self.error)


class ResultsRejected(ImportRejected):
    """A result file that was not imported at all; ``problems`` locates every problem (the
    messages are their texts, as for every :class:`ImportRejected`)."""

    def __init__(self, problems: list[Problem]):
        super().__init__([str(p) for p in problems])
        self.problems = problems


class SheetsChanged(Exception):
    """Sheets were created or changed by someone else since the preview this import was
    confirmed from; nothing was written. ``str()`` is the message for the user."""

    def __init__(self, tps_ids: list[str]):
        self.tps_ids = tps_ids
        super().__init__(
            _(
                "Formulir %(n)d TPS sudah diubah orang lain sejak berkas ini diperiksa "
                "(mis. %(tps)s); tidak ada yang disimpan. Unggah ulang berkasnya agar perubahan "
                "mereka tidak tertimpa."
            )
            % {"n": len(tps_ids), "tps": ", ".join(sorted(tps_ids)[:5]) or "–"}
        )


Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class RowOutcome:
    """One TPS an import creates or changes: where in the file, and which boxes change."""

    tps_id: str
    where: str  # "Kurun!12": sheet and row
    created: bool
    changes: list[tuple[str, int | None, int | None]]  # (field or votes:<n>, old, new)
    broken_rules: tuple[str, ...]  # rules the stored numbers break (errors only)

    @property
    def flagged(self) -> bool:
        return bool(self.broken_rules)


@dataclass
class ResultSummary:
    """What a result import did (or, in a dry run, would do)."""

    created: int = 0
    changed: int = 0
    unchanged: int = 0
    empty: int = 0
    flagged: int = 0
    conflicts: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    skipped_sheets: list[tuple[str, str]] = field(default_factory=list)
    outcomes: list[RowOutcome] = field(default_factory=list)
    # the conflicts again, located, for a workbook of the rows that were left alone
    conflict_problems: list[Problem] = field(default_factory=list)
    # {TPS id: version of its sheet, None if none} as read (under lock) for every row that
    # fills in a box: what a later store must find unchanged (``expected``)
    versions: dict[int, int | None] = field(default_factory=dict)

    def describe(self) -> str:
        text = _(
            "TPS baru %(c)d, berubah %(u)d, tidak berubah %(n)d, konflik %(k)d, "
            "ditandai (melanggar aturan) %(f)d."
        ) % {
            "c": self.created,
            "u": self.changed,
            "n": self.unchanged,
            "k": len(self.conflicts),
            "f": self.flagged,
        }
        if self.empty:
            text += " " + _("%(n)d baris TPS masih kosong dilewati.") % {"n": self.empty}
        if self.created + self.changed == 0 and not self.conflicts:
            text += " " + _("Tidak ada yang berubah.")
        return text + file_notes(self.ignored_columns, self.skipped_sheets)


def _row_numbers(values: dict, headers: dict[str, str], ballot_numbers) -> SheetNumbers:
    """The boxes a row fills; absent columns and empty cells are "not entered"."""
    fields = {f: values[h] for f, h in headers.items() if values.get(h) is not None}
    votes = {
        n: values[pair_header(n)] for n in ballot_numbers if values.get(pair_header(n)) is not None
    }
    return SheetNumbers(fields=fields, votes=votes)


def _stations(
    election: Election, rows: list[ParsedRow], allowed=None
) -> tuple[dict, list[Problem]]:
    """The TPS of the rows by id, and a problem for every unknown, foreign or repeated one,
    and for every one outside the uploader's region (``allowed(desa_code, station_id)``)."""
    wanted = {codes.split_sirekap_tps_id(r.values[TPS_COLUMN]) for r in rows}
    found = {
        (s.desa.code, s.number): s
        for chunk in chunked({d for d, _n in wanted})
        for s in PollingStation.objects.filter(desa__code__in=chunk).select_related("desa")
    }
    stations, problems, seen = {}, [], {}
    for row in rows:
        written = row.values[TPS_COLUMN]
        key = codes.split_sirekap_tps_id(written)
        station = found.get(key)
        if station is None:
            message = _("TPS %(id)s tidak ada dalam data TPS") % {"id": written}
        elif not codes.is_within(key[0], election.area_code):
            message = _("TPS %(id)s berada di luar wilayah pemilihan %(e)s") % {
                "id": written,
                "e": election.name,
            }
        elif allowed is not None and not allowed(key[0], station.pk):
            message = _("TPS %(id)s berada di luar wilayah tugas Anda") % {"id": written}
        elif key in seen:
            message = _("TPS %(id)s sudah muncul di %(other)s") % {
                "id": written,
                "other": seen[key],
            }
        else:
            message = None
        if message is not None:
            problems.append(Problem(row.error(TPS_COLUMN, message), written))
        seen.setdefault(
            key, f"{row.location.sheet}!{row.letters.get(TPS_COLUMN, '')}{row.location.row}"
        )
        stations[key] = station
    return stations, problems


def election_code_in_file(path, *, isolated: bool = False) -> str | None:
    """The election a Pilkada entry workbook was made for (its ``kode_pemilihan`` column)."""
    spec = Spec(
        name="hasil",
        columns=[
            Column(
                TPS_COLUMN, aliases=("kode tps", "id tps", "tps id"), parser=text, required=True
            ),
            Column(ELECTION_COLUMN, aliases=("kode pemilihan",), parser=text),
        ],
        key=(TPS_COLUMN,),
    )
    result = parse_or_reject(spec, path, isolated=isolated)
    found = {r.values.get(ELECTION_COLUMN) for r in result.rows} - {None, ""}
    if len(found) > 1:
        raise ImportRejected(
            [
                _("%(f)s memuat baris untuk beberapa pemilihan: %(e)s; pisahkan per pemilihan.")
                % {"f": result.file, "e": ", ".join(sorted(found))}
            ]
        )
    return found.pop() if found else None


class _DryRun(Exception):
    pass


def _tps_spec() -> Spec:
    """Only the TPS column, as text: where a row's TPS code is, even if the row is bad."""
    return Spec(
        name="hasil",
        columns=[
            Column(TPS_COLUMN, aliases=("kode tps", "id tps", "tps id"), parser=text, required=True)
        ],
        key=(TPS_COLUMN,),
    )


def _read(spec: Spec, path, name: str, isolated: bool) -> ParseResult:
    if isolated:
        try:
            return parse_isolated(spec, Path(path), display_name=name)
        except FileError as exc:
            return ParseResult(file=name, errors=[exc.as_cell_error()], error_count=1)
    return spec.parse_file(Path(path), display_name=name)


def _parse(spec: Spec, path, name: str, isolated: bool) -> ParseResult:
    """``parse_or_reject`` keeping the errors located: any cell error, or no data row at all,
    rejects the file with a :class:`Problem` for each, the row's TPS code included."""
    result = _read(spec, path, name, isolated)
    if result.errors:
        located = [e for e in result.errors if e.sheet is not None and e.row is not None]
        codes_by_row = {}
        if located:  # the bad rows did not parse: read their TPS codes alone
            codes_by_row = {
                (r.location.sheet, r.location.row): r.values[TPS_COLUMN]
                for r in _read(_tps_spec(), path, name, isolated).rows
            }
        raise ResultsRejected(
            [Problem(e, codes_by_row.get((e.sheet, e.row))) for e in result.errors]
        )
    if not result.rows:
        raise ResultsRejected(
            [
                Problem(
                    CellError(
                        file=result.file, message=_("tidak ada baris data di bawah judul kolom.")
                    )
                )
            ]
        )
    return result


def _quiet(stage: str, done: int, total: int) -> None:
    pass


def import_results_file(
    election: Election,
    path,
    *,
    dry_run: bool = False,
    user=None,
    isolated: bool = False,
    allowed=None,
    name: str | None = None,
    request: str = "",
    expected: dict[int, int | None] | None = None,
    progress: Progress | None = None,
) -> ResultSummary:
    """Import a flat result file for ``election``; see the module docstring for the rules.

    ``isolated``: read the file in a child process with limits (web uploads). ``allowed``:
    a predicate ``(desa_code, station_id)``; a row for any other TPS rejects the file.
    ``name``: the file's name in messages and in the change log (uploads are stored renamed).
    ``request``: what the change log records as the request (a web upload's job).
    ``expected``: ``{TPS id: sheet version or None}`` as a preview's
    :attr:`ResultSummary.versions`; a sheet that differs raises :class:`SheetsChanged`.
    ``progress(stage, done, total)`` is told each stage as it starts, for a progress bar:
    ``read``, ``check``, ``store`` (in a dry run: working out what would change).
    Raises :class:`ResultsRejected` when the file cannot be imported at all.
    """
    progress = progress or _quiet
    name = name or Path(path).name
    ballot_numbers = tuple(election.pairs.order_by("number").values_list("number", flat=True))
    progress("read", 0, 1)
    result = _parse(results_spec(election, ballot_numbers), path, name, isolated)
    progress("check", 0, 1)
    stations, problems = _stations(election, result.rows, allowed)
    problems += [
        Problem(
            row.error(
                ELECTION_COLUMN,
                _("baris ini untuk pemilihan '%(other)s', bukan '%(this)s'")
                % {"other": row.values[ELECTION_COLUMN], "this": election.code},
            ),
            row.values[TPS_COLUMN],
        )
        for row in result.rows
        if row.values.get(ELECTION_COLUMN) and row.values[ELECTION_COLUMN] != election.code
    ]
    if problems:
        raise ResultsRejected(problems)
    summary = ResultSummary(
        ignored_columns=list(result.ignored_columns),
        skipped_sheets=list(result.skipped_sheets),
    )
    planner = _Planner(election, ballot_numbers, result.file, file_sha256(path), summary, request)
    progress("store", 0, 1)
    try:
        with transaction.atomic():
            sheets = lock_sheets(election, stations.values())
            if expected is not None:
                _check_expected(expected, stations, sheets)
            plans = [
                plan
                for row in result.rows
                if (plan := planner.plan(row, stations, sheets)) is not None
            ]
            try:
                save_sheets(election, plans, user=user, pair_ids=planner.pair_ids)
            except ConcurrentChange as exc:
                if expected is not None:  # a sheet created or changed after it was read
                    raise SheetsChanged([p.station.sirekap_id for p in plans]) from None
                raise ResultsRejected(
                    [Problem(CellError(file=result.file, message=str(exc)))]
                ) from None
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return summary


def _check_expected(expected: dict[int, int | None], stations: dict, sheets: dict) -> None:
    """Refuse when a sheet's version is not the one the preview read (None: no sheet)."""
    by_id = {s.pk: s for s in stations.values() if s is not None}
    changed = [
        by_id[sid].sirekap_id if sid in by_id else str(sid)
        for sid, version in expected.items()
        if (sheets[sid].version if sid in sheets else None) != version
    ]
    if changed:
        raise SheetsChanged(changed)


class _Planner:
    """Decides for each row what the import does with its TPS, and counts it."""

    def __init__(
        self, election, ballot_numbers, file, sha256, summary: ResultSummary, request: str = ""
    ):
        self.election = election
        self.ballot_numbers = ballot_numbers
        self.headers = field_headers(election.scheme)
        self.pair_ids = dict(election.pairs.values_list("number", "id"))
        self.file = file
        self.sha256 = sha256
        self.summary = summary
        self.request = request

    def plan(self, row: ParsedRow, stations, sheets) -> PlannedSave | None:
        summary = self.summary
        station = stations[codes.split_sirekap_tps_id(row.values[TPS_COLUMN])]
        numbers = _row_numbers(row.values, self.headers, self.ballot_numbers)
        sheet = sheets.get(station.pk)
        if sheet is None and not numbers.fields and not numbers.votes:
            summary.empty += 1  # a TPS row nobody has filled in yet
            return None
        summary.versions[station.pk] = sheet.version if sheet else None
        old = sheet.numbers(sheet.current_votes) if sheet else SheetNumbers()
        merged = merge_numbers(old, numbers)
        changes = diff_numbers(old, merged)
        if sheet is not None and not changes:
            summary.unchanged += 1
            return None
        conflict = self._conflict(row, station, sheet)
        if conflict:
            message, column = conflict
            where = (
                f"{self.file}, {_('lembar')} {row.location.sheet}, {_('baris')} {row.location.row}"
            )
            summary.conflicts.append(f"{where}: {message}")
            summary.conflict_problems.append(
                Problem(row.error(column, message), row.values[TPS_COLUMN])
            )
            return None
        if sheet is None:
            summary.created += 1
        else:
            summary.changed += 1
        context = rule_context(self.election, station, self.ballot_numbers)
        broken = tuple(
            dict.fromkeys(f.rule for f in check_sheet(merged, context) if f.severity == ERROR)
        )
        summary.flagged += bool(broken)
        summary.outcomes.append(
            RowOutcome(
                station.sirekap_id,
                f"{row.location.sheet}!{row.location.row}",
                sheet is None,
                changes,
                broken,
            )
        )
        source = Source(
            kind=ChangeSource.FILE,
            file=self.file,
            sheet=row.location.sheet,
            row=row.location.row,
            sha256=self.sha256,
            request=self.request,
        )
        return PlannedSave(station, sheet, merged, source)

    def _conflict(self, row: ParsedRow, station, sheet) -> tuple[str, str] | None:
        """Why the row's TPS is left alone, and the column to point at; None to write it."""
        if sheet is None:
            return None
        based_on = row.values.get(VERSION_COLUMN)
        if based_on is not None and based_on != sheet.version:
            return _(
                "TPS %(id)s sudah diubah sejak versi %(v)d yang menjadi dasar berkas "
                "ini (sekarang versi %(now)d); tidak ditimpa."
            ) % {"id": station.sirekap_id, "v": based_on, "now": sheet.version}, VERSION_COLUMN
        if sheet.status == SheetStatus.VERIFIED:
            return _(
                "formulir TPS %(id)s sudah terverifikasi; perubahan dari berkas tidak "
                "ditimpakan. Koreksi formulir terverifikasi harus disertai alasan."
            ) % {"id": station.sirekap_id}, TPS_COLUMN
        return None
