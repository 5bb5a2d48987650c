"""The voter list (DPT) of an election as a workbook in the layout of KPU's printouts.

One sheet per TPS that has voters, in TPS order (desa code, TPS number), named like
``TPS 001 KURUN`` (trimmed to Excel's 31 characters, unique). Above the table, one merged
title row each: ``DAFTAR PEMILIH TETAP``, the election's name, ``PROVINSI : …``,
``KABUPATEN/KOTA : …``, ``KECAMATAN : …``, ``DESA/KELURAHAN : KURUN (62.10.02.1012)`` and
``TPS : 001``, so that the voter import can place a sheet by the desa code and TPS number in
its titles. Then KPU's header row (``KPU_COLUMNS``) and one row per voter.

- NIK and NKK are text cells (Excel would cut a 16-digit number to 15 digits) and masked
  (``privacy.mask``) unless full values are asked for; every full-value export is recorded
  with ``privacy.record_access`` before the file appears under its name.
- Birth dates are date cells shown as ``dd-mm-yyyy``; user text is always a string cell, never
  a formula. The title rows and the header are frozen and repeated on every printed page.
- The title words and headers are the KPU form's own (and what the importer looks for), so
  they are not translated; neither are the disability labels in KETERANGAN.

Speed: the workbook is written by rustpy-xlsxwriter (Rust, constant-memory mode), which takes
one Python dict per row from a generator per sheet. Voters are read TPS batch by TPS batch
with ``.iterator()``: each batch query uses the (TPS, election) index and sorts only that
batch, instead of the database sorting a whole province's list, and memory does not grow with
the list (about 160 MB at a million voters; rustpy-xlsxwriter keeps some 30 KB per sheet
until the workbook is saved). See ``bench/dpt_export.py``.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import functools
import os
import resource
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import translation
from django.utils.translation import gettext as _
from rustpy_xlsxwriter import Format, write_worksheets

from pilkada.elections.models import Election
from pilkada.regions import codes
from pilkada.regions.models import PollingStation, Region
from pilkada.regions.selectors import within_q
from pilkada.tallies.selectors import stations_within
from pilkada.voters import privacy
from pilkada.voters.models import Disability, Voter

KPU_COLUMNS = (
    "NO",
    "NKK",
    "NIK",
    "NAMA LENGKAP",
    "TEMPAT LAHIR",
    "TANGGAL LAHIR",
    "STATUS PERKAWINAN (B/S/P)",
    "JENIS KELAMIN (L/P)",
    "JALAN/DUKUH",
    "RT",
    "RW",
    "KETERANGAN",
)
TITLE = "DAFTAR PEMILIH TETAP"
TITLE_LABELS = ("PROVINSI", "KABUPATEN/KOTA", "KECAMATAN", "DESA/KELURAHAN")
HEADER_ROW = 7
"""0-based row of the header: seven title rows above it."""
COLUMN_WIDTHS = [6, 19, 19, 32, 18, 13, 12, 10, 32, 6, 6, 16]
DATE_FORMAT = "dd-mm-yyyy"
FIRST_EXCEL_DATE = dt.date(1900, 3, 1)
"""Earlier dates are written as text: Excel's date serials start in 1900 and count a
29 February 1900 that never was, so an earlier date cell would show the wrong day."""
MAX_SHEETS = 10_000
"""The most sheets LibreOffice Calc holds in one document. Long before that, opening gets slow
there (300 TPS sheets: about 20 s headless); a province (Jawa Barat: 73,835 TPS) is exported
kabupaten by kabupaten or kecamatan by kecamatan with ``--region``."""
SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))
STATION_BATCH = 50
"""TPS read per query (at most 50 x 600 voters, sorted by the database in one go). Kept small
so that PostgreSQL picks the (TPS, election) index even without statistics, right after a
large import with autovacuum off: from about 200 TPS a query it then scans the whole
election's list through the (election, NIK) index instead, and the export takes 2.5x longer."""
FETCH_ROWS = 10_000
ACCESS_ACTION = "export_dpt_full_nik"
_M_MMAP_THRESHOLD = -3  # glibc's malloc.h


class ExportRefused(Exception):
    """An export that cannot be made; ``str()`` is the Indonesian message."""


@dataclass(frozen=True)
class SheetPlan:
    """One TPS's sheet: its name, its TPS, and its title rows (top first)."""

    name: str
    station_id: int
    titles: tuple[str, ...]


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    stations: int
    voters: int
    full_nik: bool


def sheet_name(number: str, desa_name: str, used: set[str]) -> str:
    """``TPS 001 KURUN``: characters Excel forbids replaced, cut to 31 characters, and made
    unique (Excel compares names case-insensitively) with a ``~2``, ``~3``… suffix. Adds the
    name to ``used``."""
    base = " ".join(f"TPS {number} {desa_name.upper()}".translate(SHEET_NAME_FORBIDDEN).split())
    base = base[:SHEET_NAME_MAX].strip().strip("'")
    name, serial = base, 1
    while name.casefold() in used:
        serial += 1
        suffix = f"~{serial}"
        name = base[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
    used.add(name.casefold())
    return name


def title_rows(election: Election, station: PollingStation, names: dict[str, str]) -> tuple:
    """The seven title rows of a TPS's sheet; a region missing from ``names`` shows its code."""
    desa = station.desa
    ancestors = codes.ancestors(desa.code)
    election_line = election.name.upper()
    if election.is_simulated:
        election_line += " — DATA SIMULASI"
    lines = [TITLE, election_line]
    for label, code in zip(TITLE_LABELS[:3], ancestors[:3], strict=True):
        lines.append(f"{label} : {names.get(code, code).upper()}")
    lines.append(f"{TITLE_LABELS[3]} : {desa.name.upper()} ({desa.code})")
    lines.append(f"TPS : {station.number}")
    return tuple(lines)


def plan_sheets(election: Election, within: str) -> list[SheetPlan]:
    """A sheet for every TPS under ``within`` with at least one voter, in TPS order.
    Three queries: TPS with voters, the TPS with their desa, region names."""
    with_voters = set(
        Voter.objects.filter(within_q("polling_station__desa__code", within), election=election)
        .order_by()
        .values_list("polling_station_id", flat=True)
        .distinct()
    )
    stations = [
        s
        for s in stations_within(election, within).order_by("desa__code", "number")
        if s.pk in with_voters
    ]
    above = Q(code__in=codes.ancestors(within)) if within else Q(pk__in=[])
    names = dict(
        Region.objects.filter(above | (within_q("code", within) & ~Q(level="desa"))).values_list(
            "code", "name"
        )
    )
    used: set[str] = set()
    return [
        SheetPlan(sheet_name(s.number, s.desa.name, used), s.pk, title_rows(election, s, names))
        for s in stations
    ]


_FIELDS = ("polling_station_id", "number", "nkk", "nik", "name", "birth_place", "birth_date",
           "marital", "sex", "address", "rt", "rw", "disability")  # fmt: skip


class _VoterStream:
    """The voters of the planned TPS in sheet order, handed out one sheet at a time.

    Each TPS's list comes from one query, so it is consistent in itself even while imports
    replace other TPS's lists; a TPS whose list was emptied after the plan was made stops the
    export (its sheet would have no header) rather than write a wrong workbook.
    """

    def __init__(self, election: Election, plans: list[SheetPlan], *, full_nik: bool):
        self.election = election
        self.plans = plans
        self.hide = (lambda value: value) if full_nik else privacy.mask
        with translation.override("id"):
            self.labels = {value: str(label) for value, label in Disability.choices}
        self.rows = chain.from_iterable(self._batches())
        self.pending: tuple | None = None
        self.written = 0
        self._batch = None

    def _batches(self) -> Iterator[Iterator[tuple]]:
        ids = [plan.station_id for plan in self.plans]
        for start in range(0, len(ids), STATION_BATCH):
            batch = ids[start : start + STATION_BATCH]
            # Sorted by each TPS's place in the plan rather than by joining TPS and desa to sort
            # by code: with the join, PostgreSQL plans a cursor for a fast start (nested loop,
            # incremental sort) that takes 4x as long as the index scan and sort it plans here.
            place = Case(
                *(When(polling_station_id=pk, then=Value(i)) for i, pk in enumerate(batch)),
                output_field=IntegerField(),
            )
            self._batch = (
                Voter.objects.filter(election=self.election, polling_station_id__in=batch)
                .order_by(place, F("number").asc(nulls_last=True), "id")
                .values_list(*_FIELDS)
                .iterator(chunk_size=FETCH_ROWS)
            )
            yield self._batch

    def close(self) -> None:
        """Close the open query now: on PostgreSQL a server-side cursor, which a failed export
        could otherwise leave to the garbage collector, inside some later transaction."""
        if self._batch is not None:
            self._batch.close()

    def sheet(self, plan: SheetPlan) -> Iterator[dict]:
        """The rows of ``plan``'s TPS as dicts keyed by ``KPU_COLUMNS``."""
        row = self.pending if self.pending is not None else next(self.rows, None)
        if row is None or row[0] != plan.station_id:
            raise ExportRefused(
                _("DPT %(sheet)s berubah selama ekspor; ulangi ekspornya.") % {"sheet": plan.name}
            )
        hide, labels = self.hide, self.labels
        position = 0
        rows = self.rows
        while row is not None and row[0] == plan.station_id:
            _station, number, nkk, nik, name, place, born, marital, sex, address, rt, rw, dis = row
            position += 1
            yield {
                "NO": position if number is None else number,
                "NKK": hide(nkk) if nkk else None,
                "NIK": hide(nik),
                "NAMA LENGKAP": name,
                "TEMPAT LAHIR": place or None,
                "TANGGAL LAHIR": born if born >= FIRST_EXCEL_DATE else born.strftime("%d-%m-%Y"),
                "STATUS PERKAWINAN (B/S/P)": marital,
                "JENIS KELAMIN (L/P)": sex,
                "JALAN/DUKUH": address or None,
                "RT": rt or None,
                "RW": rw or None,
                "KETERANGAN": labels.get(dis),
            }
            row = next(rows, None)
        self.written += position
        self.pending = row


def _temporary_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.sementara.xlsx")


def export_voter_list(
    election: Election,
    path: str | os.PathLike,
    *,
    within: str | None = None,
    full_nik: bool = False,
    user=None,
    source: str = "cli",
    request: str = "",
) -> ExportSummary:
    """Write the voter list of ``election`` under region ``within`` (a code already checked
    against the election's area, e.g. by ``recap.selectors.validate_area``; None: the whole
    area) to ``path`` (.xlsx).

    ``full_nik``: NIK and NKK unmasked, for a ``user`` who may see them (None: the command
    line); recorded as an access to ``rows`` people's data. The workbook is written to a
    temporary file beside ``path`` and renamed when complete, so a failed export leaves no
    partial file and a full-value file never exists unrecorded. Raises ``ExportRefused``.
    """
    if full_nik and not privacy.may_see_full(user):
        raise ExportRefused(_("Anda tidak berhak melihat NIK dan NKK lengkap."))
    within = election.area_code if within is None else within
    plans = plan_sheets(election, within)
    if not plans:
        raise ExportRefused(_("Tidak ada pemilih di wilayah ini untuk diekspor."))
    if len(plans) > MAX_SHEETS:
        raise ExportRefused(
            _(
                "Wilayah ini punya %(n)d TPS berpemilih; satu buku kerja paling banyak %(max)d "
                "lembar TPS (batas LibreOffice). Ekspor per kabupaten/kota atau kecamatan "
                "dengan --region."
            )
            % {"n": len(plans), "max": MAX_SHEETS}
        )
    _enough_open_files(len(plans))
    path = Path(path)
    _large_buffers_returned_to_the_system()
    stream = _VoterStream(election, plans, full_nik=full_nik)
    temporary = _temporary_path(path)
    bold = Format().set_bold()
    try:
        write_worksheets(
            [(plan.name, stream.sheet(plan)) for plan in plans],
            temporary,
            freeze_panes={"general": {"row": HEADER_ROW + 1}},
            datetime_format=DATE_FORMAT,
            column_widths={"general": COLUMN_WIDTHS},
            header_row={"general": HEADER_ROW},
            header_format={
                "general": Format()
                .set_bold()
                .set_border("thin")
                .set_text_wrap()
                .set_align("center")
            },
            merge_ranges={plan.name: _title_ranges(plan.titles, bold) for plan in plans},
            page_setup={
                "general": {
                    "landscape": True,
                    "paper_size": 9,  # A4
                    "repeat_rows": (HEADER_ROW, HEADER_ROW),
                    "fit_to_pages": (1, 0),
                }
            },
        )
        if full_nik:
            privacy.record_access(
                action=ACCESS_ACTION,
                subject=f"DPT {election.code} {within or election.area_code} → {path.name}",
                rows=stream.written,
                user=user,
                source=source,
                request=request,
            )
        os.replace(temporary, path)
    finally:
        stream.close()
        temporary.unlink(missing_ok=True)
    return ExportSummary(path, len(plans), stream.written, full_nik)


@functools.cache
def _large_buffers_returned_to_the_system() -> None:
    """Fix glibc's mmap threshold at its initial 128 KB, once per process.

    When the workbook is saved, rustpy-xlsxwriter allocates and frees a buffer of each sheet's
    XML in turn; glibc raises its mmap threshold after the first large free, so the later
    buffers come from the heap, which fragments and keeps growing: a million voters in 3,334
    sheets then peaked at 600-960 MB instead of 170 MB (bench/dpt_export.py). A fixed
    threshold serves large blocks with mmap and gives them back on free, at no measured cost
    in speed. Elsewhere than glibc this does nothing.
    """
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError, TypeError):  # not glibc, or not a POSIX dlopen
        return
    mallopt(_M_MMAP_THRESHOLD, 128 * 1024)


def _enough_open_files(sheets: int) -> None:
    """rustpy-xlsxwriter keeps one temporary file open per sheet until the workbook is saved;
    raise the soft limit on open files as far as needed (and allowed), or refuse."""
    needed = sheets + 64  # the database, the workbook, Python's own
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return
    if hard != resource.RLIM_INFINITY and hard < needed:
        raise ExportRefused(
            _(
                "Sistem hanya mengizinkan %(n)d berkas terbuka, kurang untuk %(s)d lembar TPS; "
                "ekspor per wilayah yang lebih kecil dengan --region."
            )
            % {"n": hard, "s": sheets}
        )
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


def _title_ranges(titles: tuple[str, ...], bold) -> list[tuple]:
    """Each title row merged across the table's width; the first two bold."""
    last = len(KPU_COLUMNS) - 1
    return [
        (row, 0, row, last, text, bold) if row < 2 else (row, 0, row, last, text)
        for row, text in enumerate(titles)
    ]
