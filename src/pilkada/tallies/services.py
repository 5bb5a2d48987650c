"""Writes to result sheets. Every save is versioned, attributed and checked for staleness."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pilkada.audit.chain import Change, record
from pilkada.audit.models import Action
from pilkada.core.bulk import insert_rows, update_rows
from pilkada.core.chunks import chunked
from pilkada.elections.models import Election
from pilkada.regions import codes
from pilkada.regions.models import PollingStation
from pilkada.tallies.form import FIELDS, SheetNumbers, diff_numbers, merge_numbers
from pilkada.tallies.models import (
    ChangeSource,
    PairVote,
    SheetStatus,
    TallySheet,
    TallySheetRevision,
)
from pilkada.tallies.rules import check_sheet, has_errors
from pilkada.tallies.selectors import ballot_numbers, rule_context


class SheetWriteError(Exception):
    """A save that was refused; ``str()`` is the Indonesian message for the user."""


class ConcurrentChange(SheetWriteError):
    """A bulk save found sheets created or changed by someone else after it read them."""

    def __init__(self):
        super().__init__(
            _(
                "Sebagian formulir dibuat atau diubah orang lain saat penyimpanan berjalan; "
                "tidak ada yang disimpan. Ulangi sekali lagi."
            )
        )


class StaleSheet(SheetWriteError):
    """The sheet changed since the caller read it: applying the write would lose that change."""

    def __init__(self, sheet: TallySheet | None, expected: int | None):
        self.sheet = sheet
        self.expected = expected
        if sheet is None:
            message = _(
                "Formulir ini sudah tidak ada lagi (versi yang Anda baca %(expected)s). "
                "Muat ulang lalu periksa."
            ) % {"expected": expected}
        else:
            message = _(
                "Formulir %(tps)s sudah diubah orang lain (versi sekarang %(current)s, "
                "versi yang Anda baca %(expected)s). Muat ulang lalu periksa perubahannya."
            ) % {
                "tps": sheet.polling_station,
                "current": sheet.version,
                "expected": expected if expected is not None else _("belum ada"),
            }
        super().__init__(message)


@dataclass(frozen=True)
class Source:
    """Where a change came from: the channel and, for files, the file, sheet and row."""

    kind: str = ChangeSource.CLI
    file: str = ""
    sheet: str = ""
    row: int | None = None
    note: str = ""
    sha256: str = ""  # of the file
    request: str = ""  # method, path and address of a web request


@dataclass(frozen=True)
class PlannedSave:
    """One sheet of a bulk save: its TPS, the sheet as read under lock (None: no sheet yet),
    the complete new numbers, and where they came from."""

    station: PollingStation
    sheet: TallySheet | None
    numbers: SheetNumbers
    source: Source


@dataclass(frozen=True)
class SaveOutcome:
    sheet: TallySheet
    created: bool
    changed: bool


def _pair_ids(election: Election) -> dict[int, int]:
    return dict(election.pairs.values_list("number", "id"))


def _check_ballot_numbers(numbers: SheetNumbers, pair_ids: dict[int, int]) -> None:
    unknown = sorted(set(numbers.votes) - set(pair_ids))
    if unknown:
        raise SheetWriteError(
            _("Nomor urut pasangan calon tidak ada dalam pemilihan ini: %(n)s")
            % {"n": ", ".join(map(str, unknown))}
        )


@transaction.atomic
def save_sheet(
    *,
    election: Election,
    station: PollingStation,
    numbers: SheetNumbers,
    expected_version: int | None,
    user=None,
    source: Source = Source(),
    replace: bool = False,
    pair_ids: dict[int, int] | None = None,
) -> SaveOutcome:
    """Store the numbers of one form as a new version of its sheet.

    ``expected_version`` is the version the caller read (``None``: the caller saw no sheet).
    A mismatch raises :class:`StaleSheet` and writes nothing. By default boxes that
    ``numbers`` leaves unentered keep their stored value (a witness's first report often
    carries only the votes); ``replace=True`` makes the sheet exactly ``numbers``.
    Numbers that break the form's rules are stored anyway: a wrong form is evidence.
    A change to a verified sheet needs a reason in ``source.note``.
    """
    pair_ids = _pair_ids(election) if pair_ids is None else pair_ids
    _check_ballot_numbers(numbers, pair_ids)
    if not codes.is_within(station.desa.code, election.area_code):
        raise SheetWriteError(
            _("TPS %(tps)s (%(code)s) berada di luar wilayah pemilihan %(election)s.")
            % {"tps": station, "code": station.sirekap_id, "election": election.name}
        )
    sheet = (
        TallySheet.objects.select_for_update()
        .filter(election=election, polling_station=station)
        .first()
    )
    current_version = sheet.version if sheet else None
    if current_version != expected_version:
        raise StaleSheet(sheet, expected_version)

    old = sheet.numbers() if sheet else SheetNumbers()
    new = numbers if replace else merge_numbers(old, numbers)
    new = SheetNumbers.from_dict(new.as_dict())  # drop unentered keys
    created = sheet is None
    if not created and not diff_numbers(old, new):
        return SaveOutcome(sheet, created=False, changed=False)
    if sheet and sheet.status == SheetStatus.VERIFIED and not source.note.strip():
        raise SheetWriteError(
            _("Formulir %(tps)s sudah terverifikasi: perubahan wajib disertai alasan.")
            % {"tps": station}
        )

    before = None if created else _state(sheet.version, sheet.status, old)
    if created:
        sheet = TallySheet(election=election, polling_station=station, version=1)
    else:
        sheet.version += 1
        if sheet.status == SheetStatus.VERIFIED:  # new numbers need a new verification
            sheet.status = SheetStatus.SUBMITTED
    for name in FIELDS:
        setattr(sheet, name, new.get(name))
    sheet.updated_by = user
    try:
        with transaction.atomic():  # a savepoint: a concurrent first save loses cleanly
            sheet.save()
    except IntegrityError:
        raise StaleSheet(
            TallySheet.objects.filter(election=election, polling_station=station).first(),
            expected_version,
        ) from None
    _write_votes(sheet, new, pair_ids, created)
    _record_revision(sheet, new, user, source)
    record(
        [_change(sheet.pk, election, station, before, _state(sheet.version, sheet.status, new),
                 source)],
        user=user,
    )  # fmt: skip
    return SaveOutcome(sheet, created=created, changed=True)


def _write_votes(sheet, numbers: SheetNumbers, pair_ids, created: bool) -> None:
    if not created:
        PairVote.objects.filter(sheet=sheet).exclude(
            pair_id__in=[pair_ids[n] for n in numbers.votes]
        ).delete()
        existing = {v.pair_id: v for v in PairVote.objects.filter(sheet=sheet)}
    else:
        existing = {}
    to_create, to_update = [], []
    for number, votes in numbers.votes.items():
        row = existing.get(pair_ids[number])
        if row is None:
            to_create.append(PairVote(sheet=sheet, pair_id=pair_ids[number], votes=votes))
        elif row.votes != votes:
            row.votes = votes
            to_update.append(row)
    PairVote.objects.bulk_create(to_create)
    PairVote.objects.bulk_update(to_update, ["votes"])


def _state(version: int, status: str, numbers: SheetNumbers) -> dict:
    """A sheet as the change log records it."""
    return {"version": version, "status": status, **numbers.as_dict()}


def _change(sheet_id, election, station, before, after, source: Source) -> Change:
    return Change(
        action=Action.CREATE if before is None else Action.UPDATE,
        entity="tallies.tallysheet",
        entity_id=str(sheet_id),
        label=f"{election.code} TPS {station.sirekap_id}",
        old=before,
        new=after,
        source=source.kind,
        file=source.file,
        sha256=source.sha256,
        sheet=source.sheet,
        row=source.row,
        request=source.request,
        note=source.note,
    )


def _record_revision(sheet: TallySheet, numbers: SheetNumbers, user, source: Source) -> None:
    _revision(sheet, numbers, user, source).save()


def _revision(sheet: TallySheet, numbers: SheetNumbers, user, source: Source):
    return TallySheetRevision(
        sheet=sheet,
        version=sheet.version,
        numbers=numbers.as_dict(),
        status=sheet.status,
        created_by=user,
        source=source.kind,
        source_file=source.file,
        source_sheet=source.sheet,
        source_row=source.row,
        note=source.note,
    )


def _numbers_author_id(sheet: TallySheet) -> int | None:
    """Who last changed the numbers (status changes keep the numbers and don't count)."""
    revisions = list(sheet.revisions.order_by("version").values_list("numbers", "created_by_id"))
    author = None
    previous = None
    for numbers, created_by_id in revisions:
        if numbers != previous:
            author = created_by_id
        previous = numbers
    return author


def _check_verifiable(sheet: TallySheet, user, source: Source) -> None:
    if user is None and source.kind != ChangeSource.DEMO:
        raise SheetWriteError(_("Verifikasi harus dilakukan oleh pengguna yang masuk."))
    if user is not None and _numbers_author_id(sheet) == user.pk:
        raise SheetWriteError(
            _("Formulir tidak boleh diverifikasi oleh orang yang memasukkan angkanya.")
        )
    election, station = sheet.election, sheet.polling_station
    findings = check_sheet(
        sheet.numbers(), rule_context(election, station, ballot_numbers(election))
    )
    if has_errors(findings):
        rules = sorted({f.rule for f in findings if f.severity == "error"})
        raise SheetWriteError(
            _("Formulir %(tps)s belum dapat diverifikasi: ada kesalahan %(rules)s.")
            % {"tps": station, "rules": ", ".join(rules)}
        )


@transaction.atomic
def set_status(
    sheet: TallySheet, status: str, *, expected_version: int, user=None, source=Source()
) -> TallySheet:
    """Move a sheet to ``status`` (draft, submitted, verified, disputed) as a new version.

    Verification needs a signed-in user other than the one who last entered the numbers,
    and a sheet without rule errors.
    """
    locked = (
        TallySheet.objects.select_for_update()
        .select_related("election", "polling_station__desa")
        .get(pk=sheet.pk)
    )
    if locked.version != expected_version:
        raise StaleSheet(locked, expected_version)
    if status not in SheetStatus.values:
        raise SheetWriteError(_("Status tidak dikenal: %(s)s") % {"s": status})
    if locked.status == status:
        return locked
    if status == SheetStatus.VERIFIED:
        _check_verifiable(locked, user, source)
    numbers = locked.numbers()
    before = _state(locked.version, locked.status, numbers)
    locked.status = status
    locked.version += 1
    locked.updated_by = user
    locked.save()
    _record_revision(locked, numbers, user, source)
    after = _state(locked.version, locked.status, numbers)
    record(
        [_change(locked.pk, locked.election, locked.polling_station, before, after, source)],
        user=user,
    )
    return locked


def lock_sheets(election: Election, stations) -> dict[int, TallySheet]:
    """The election's sheets at ``stations`` by TPS id, locked for the rest of the transaction,
    each with ``current_votes`` ({ballot number: votes}) filled in. Two queries per
    :data:`~pilkada.core.chunks.IN_CHUNK` TPS (SQLite limits the parameters of one query)."""
    sheets: dict[int, TallySheet] = {}
    for chunk in chunked(st.pk for st in stations):
        for sheet in TallySheet.objects.select_for_update().filter(
            election=election, polling_station__in=chunk
        ):
            sheet.current_votes = {}
            sheets[sheet.polling_station_id] = sheet
        for station_id, number, votes in PairVote.objects.filter(
            sheet__election=election, sheet__polling_station__in=chunk
        ).values_list("sheet__polling_station_id", "pair__number", "votes"):
            sheets[station_id].current_votes[number] = votes
    return sheets


def save_sheets(
    election: Election, plans: list[PlannedSave], *, user=None, pair_ids: dict[int, int]
) -> None:
    """Store many sheets at once, each as a new version with its revision, in a few bulk
    statements instead of several queries per sheet (an import of 8,000 TPS).

    The caller runs this in a transaction, took ``plan.sheet`` from :func:`lock_sheets` in that
    same transaction and leaves verified sheets out. If a sheet was created or changed by
    someone else meanwhile, :class:`ConcurrentChange` is raised and nothing is kept.
    """
    for plan in plans:
        _check_ballot_numbers(plan.numbers, pair_ids)
        if plan.sheet is not None and plan.sheet.status == SheetStatus.VERIFIED:
            raise SheetWriteError(  # a programming error: the caller must leave these out
                _("Formulir %(tps)s sudah terverifikasi: perubahan wajib disertai alasan.")
                % {"tps": plan.station}
            )
    now = timezone.now()
    user_id = user.pk if user is not None else None
    new = [p for p in plans if p.sheet is None]
    changed = [p for p in plans if p.sheet is not None]
    try:
        with transaction.atomic():  # a savepoint, so that the caller can report and roll back
            insert_rows(
                TallySheet,
                ["election", "polling_station", "status", "version", "updated_at", "updated_by"]
                + list(FIELDS),
                (
                    [election.pk, p.station.pk, SheetStatus.DRAFT, 1, now, user_id]
                    + [p.numbers.get(f) for f in FIELDS]
                    for p in new
                ),
            )
    except IntegrityError:
        raise ConcurrentChange() from None
    matched = update_rows(
        TallySheet,
        [*FIELDS, "version", "updated_at", "updated_by"],
        ["id", "version"],
        (
            [p.numbers.get(f) for f in FIELDS]
            + [p.sheet.version + 1, now, user_id, p.sheet.pk, p.sheet.version]
            for p in changed
        ),
    )
    if matched != len(changed):
        raise ConcurrentChange()
    sheet_ids = {p.sheet.polling_station_id: p.sheet.pk for p in changed}
    for chunk in chunked(p.station.pk for p in new):
        sheet_ids.update(
            TallySheet.objects.filter(election=election, polling_station__in=chunk).values_list(
                "polling_station_id", "id"
            )
        )
    for chunk in chunked(p.sheet.pk for p in changed):
        PairVote.objects.filter(sheet__in=chunk).delete()
    insert_rows(
        PairVote,
        ["sheet", "pair", "votes"],
        (
            (sheet_ids[p.station.pk], pair_ids[number], votes)
            for p in plans
            for number, votes in p.numbers.votes.items()
            if votes is not None
        ),
    )
    record([_planned_change(election, p, sheet_ids[p.station.pk]) for p in plans], user=user)
    insert_rows(
        TallySheetRevision,
        REVISION_COLUMNS,
        (
            [
                sheet_ids[p.station.pk],
                p.sheet.version + 1 if p.sheet else 1,
                p.numbers.as_dict(),
                p.sheet.status if p.sheet else SheetStatus.DRAFT,
                now,
                user_id,
                p.source.kind,
                p.source.file,
                p.source.sheet,
                p.source.row,
                p.source.note,
            ]
            for p in plans
        ),
    )


def _planned_change(election, plan: PlannedSave, sheet_id: int) -> Change:
    sheet = plan.sheet
    if sheet is None:
        before, after = None, _state(1, SheetStatus.DRAFT, plan.numbers)
    else:
        before = _state(sheet.version, sheet.status, sheet.numbers(sheet.current_votes))
        after = _state(sheet.version + 1, sheet.status, plan.numbers)
    return _change(sheet_id, election, plan.station, before, after, plan.source)


REVISION_COLUMNS = [
    "sheet",
    "version",
    "numbers",
    "status",
    "created_at",
    "created_by",
    "source",
    "source_file",
    "source_sheet",
    "source_row",
    "note",
]
