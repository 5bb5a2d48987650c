"""Witness (saksi) accounts in bulk, from a list with a name, a phone number and TPS codes.

The list is read with the import pipeline's front half (:mod:`pilkada.dataio`): a
:class:`~pilkada.dataio.columns.Spec` finds the columns by their Indonesian headers, and every
problem names its file, sheet, row and column. Then each row is checked against the database:

- the phone number is normalised to the national form (``08…``; ``+62…`` and ``62…`` are
  accepted, and so is ``8…``, which is what Excel leaves of ``08…`` in a number cell);
- every TPS must exist (a Sirekap TPS id: the desa code without dots + the TPS number);
- a phone number may appear once in a file; a phone number that belongs to an account already
  means that account: it gets the TPS it lacks, never a second account.

:func:`preview_witnesses` says what would happen; :func:`import_witnesses` does it in one
transaction (all or nothing) and returns each new account's initial password exactly once.
Passwords are stored only as Django's hashes; the clear text exists in the returned
:class:`Credential` objects and in the workbook :func:`credentials_workbook` makes of them,
which the caller writes inside the same transaction (``deliver``), so that accounts whose
passwords could not be handed over are never created.
"""

from __future__ import annotations

import io
import os
import re
import secrets
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pilkada.access.models import Assignment, Profile, Role
from pilkada.audit.chain import Origin, head, record
from pilkada.audit.models import Action as LogAction
from pilkada.audit.models import ChainHead
from pilkada.core.imports import ImportRejected, file_notes, file_sha256
from pilkada.dataio.columns import Column, ParsedRow, ParseResult, Spec
from pilkada.dataio.errors import CellError, FileError
from pilkada.dataio.isolated import parse_isolated
from pilkada.dataio.parsers import shown, text, tps_id
from pilkada.regions.codes import split_sirekap_tps_id
from pilkada.regions.models import PollingStation

# Column names are the headers the template writes and the messages show; they name a file
# format (like KPU's headers), so they are not translated.
NAME = "NAMA"
PHONE = "NOMOR HP"
TPS = "KODE TPS"
USERNAME = "NAMA PENGGUNA"
PASSWORD = "KATA SANDI AWAL"
NOTE = "KETERANGAN"

# Only text parsers here: the spec is pickled for the parsing child process, which unpickles
# it before Django is set up, so its parsers must come from a module free of models. The
# phone and TPS checks run afterwards, in :func:`plan_witnesses`.
WITNESS_SPEC = Spec(
    name="saksi",
    columns=[
        Column(NAME, aliases=(NAME, "nama saksi", "nama lengkap"), parser=text, required=True),
        Column(
            PHONE,
            aliases=(
                PHONE,
                "HP",
                "TELEPON",
                "NO HP",
                "nomor telepon",
                "no telepon",
                "no telp",
                "nomor hp wa",
                "no hp wa",
                "nomor wa",
                "no wa",
                "whatsapp",
            ),
            parser=text,
            required=True,
        ),
        Column(
            TPS,
            aliases=(TPS, "TPS", "ID TPS", "kode tps sirekap", "nomor tps sirekap"),
            parser=text,
            required=True,
        ),
        Column(USERNAME, aliases=(USERNAME, "username"), parser=text, required=False),
    ],
    key=(PHONE, TPS),
)

# The template's example row. Its phone number is a placeholder: a row that still has it is
# refused, so that nobody creates Budi Santoso's account by forgetting to delete the example.
EXAMPLE = {
    NAME: "Budi Santoso",
    PHONE: "081200000000",
    TPS: "6210021012001; 6210021012002",
    USERNAME: "",
}

USERNAME_PREFIX = "saksi"
USERNAME_SLUG_MAX = 40
NAME_MAX = 150  # User.first_name
# Readable in print and over the phone: no 0/o, 1/l/i. 12 characters of 31: 59 bits.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
PASSWORD_GROUPS = 3
PASSWORD_GROUP_SIZE = 4
HASH_THREADS = min(8, os.cpu_count() or 1)  # PBKDF2 releases the GIL while it runs

_PHONE_SEPARATORS = re.compile(r"[\s\-.()/]+")
_TPS_SEPARATORS = re.compile(r"[,;\s]+")
_username_validator = UnicodeUsernameValidator()


# --- cell checks (pure)


def normalise_phone(value: object) -> str:
    """A phone number in the national form, digits only: ``+62 812-3456-7890``,
    ``6281234567890``, ``0812 3456 7890`` and ``81234567890`` (a number cell that lost its
    leading zero) all give ``081234567890``. Raises ``ValueError`` with an Indonesian message.
    """
    raw = text(value)
    compact = _PHONE_SEPARATORS.sub("", raw)
    digits = compact[1:] if compact.startswith("+") else compact
    error = ValueError(
        _("nomor HP tidak sah: %(v)s (tulis 08…, +62… atau 62…; 10–15 angka, mis. '081234567890')")
        % {"v": shown(raw)}
    )
    if not digits.isascii() or not digits.isdigit():
        raise error
    if compact.startswith("+") and not digits.startswith("62"):
        raise ValueError(_("nomor HP %(v)s bukan nomor Indonesia (+62)") % {"v": shown(raw)})
    if digits.startswith("62"):
        national = "0" + digits[2:].lstrip("0")
    elif digits.startswith("0"):
        national = digits
    elif digits.startswith("8"):
        national = "0" + digits
    else:
        raise error
    if not 10 <= len(national) <= 15:
        raise error
    return national


def split_tps(value: object) -> tuple[list[str], list[str]]:
    """The Sirekap TPS ids in a cell (separated by commas, semicolons or spaces), each once,
    in order; and a message for each part that is not a TPS id."""
    ids: list[str] = []
    problems: list[str] = []
    for part in _TPS_SEPARATORS.split(text(value)):
        if not part:
            continue
        try:
            parsed = tps_id(part)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        if parsed and parsed not in ids:
            ids.append(parsed)
    return ids, problems


def generate_password() -> str:
    """A random initial password such as ``k7pm-x3qa-9fte`` (``secrets``)."""
    groups = (
        "".join(secrets.choice(PASSWORD_ALPHABET) for _i in range(PASSWORD_GROUP_SIZE))
        for _g in range(PASSWORD_GROUPS)
    )
    return "-".join(groups)


def username_base(name: str) -> str:
    """``saksi-budi-santoso`` for "Budi Santoso" (ASCII, lowercase)."""
    slug = slugify(name)[:USERNAME_SLUG_MAX].strip("-")
    return f"{USERNAME_PREFIX}-{slug}" if slug else USERNAME_PREFIX


# --- the plan


@dataclass
class Person:
    """One row of the list, checked: who, which TPS, and the account it means."""

    index: int  # position in the parse result's rows
    sheet: str
    row: int
    name: str
    phone: str
    username: str
    tps: list[str]  # Sirekap ids as listed
    new_tps: list[str] = field(default_factory=list)  # the TPS this import assigns
    exists: bool = False  # an account with this phone number exists already
    user_id: int | None = None  # that account (or, once imported, the new one)
    username_given: bool = False


@dataclass
class WitnessPlan:
    """What importing a list would do, or why it cannot be imported (``errors``)."""

    file: str
    people: list[Person] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    skipped_sheets: list[tuple[str, str]] = field(default_factory=list)
    skipped_total_rows: int = 0
    sheets: list[str] = field(default_factory=list)
    stations: dict[str, int] = field(default_factory=dict)  # Sirekap id → PollingStation id

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def created(self) -> list[Person]:
        return [p for p in self.people if not p.exists]

    @property
    def existing(self) -> list[Person]:
        return [p for p in self.people if p.exists]

    @property
    def unchanged(self) -> list[Person]:
        return [p for p in self.people if p.exists and not p.new_tps]

    @property
    def assignments(self) -> int:
        return sum(len(p.new_tps) for p in self.people)

    def describe(self) -> str:
        text_ = _(
            "%(new)d akun baru, %(old)d akun sudah ada (%(same)d tanpa perubahan), "
            "%(tps)d penugasan TPS baru."
        ) % {
            "new": len(self.created),
            "old": len(self.existing),
            "same": len(self.unchanged),
            "tps": self.assignments,
        }
        if self.skipped_total_rows:
            text_ += " " + _("%(n)d baris JUMLAH/TOTAL dilewati.") % {"n": self.skipped_total_rows}
        return text_ + file_notes(self.ignored_columns, self.skipped_sheets)


def read_witness_file(
    path: Path | str, *, display_name: str | None = None, isolated: bool = False
) -> ParseResult:
    """Parse a list (in a limited child process when ``isolated``, as for uploads); an
    unreadable file is an :class:`ImportRejected`."""
    try:
        if isolated:
            return parse_isolated(WITNESS_SPEC, path, display_name=display_name)
        return WITNESS_SPEC.parse_file(path, display_name=display_name)
    except FileError as exc:
        raise ImportRejected([str(exc)]) from None


def plan_witnesses(result: ParseResult, *, limit: int | None = None) -> WitnessPlan:
    """Check the parsed rows against each other and the database (reads only)."""
    plan = WitnessPlan(
        file=result.file,
        ignored_columns=list(result.ignored_columns),
        skipped_sheets=list(result.skipped_sheets),
        skipped_total_rows=len(result.skipped_total_rows),
        sheets=list(result.sheets),
    )
    errors: list[CellError] = list(result.errors)
    if not result.rows and not result.errors:
        errors.append(
            CellError(file=result.file, message=_("tidak ada baris data di bawah judul kolom"))
        )
    if limit is not None and len(result.rows) > limit:
        errors.append(
            CellError(
                file=result.file,
                message=_(
                    "berkas berisi %(n)d orang, lebih dari %(max)d per berkas; pecah menjadi "
                    "beberapa berkas, atau impor dengan perintah: pilkada saksi impor"
                )
                % {"n": len(result.rows), "max": limit},
            )
        )

    people: list[tuple[Person, ParsedRow]] = []
    seen_phones: dict[str, ParsedRow] = {}
    for index, row in enumerate(result.rows):
        person, problems = _read_row(index, row, seen_phones)
        errors.extend(problems)
        if person is not None:
            people.append((person, row))

    plan.stations = _stations(p.tps for p, _row in people)
    for person, row in people:
        missing = [t for t in person.tps if t not in plan.stations]
        for tps in missing:
            errors.append(
                row.error(
                    TPS,
                    _(
                        "TPS %(tps)s tidak ada dalam data TPS; periksa kodenya (kode desa tanpa "
                        "titik + nomor TPS), atau impor TPS-nya dulu"
                    )
                    % {"tps": tps},
                )
            )
    errors.extend(_match_accounts(people))
    errors.extend(_assign_usernames(people))
    plan.people = [p for p, _row in people]
    plan.errors = _ordered(errors, result)
    return plan


def _read_row(
    index: int, row: ParsedRow, seen_phones: dict[str, ParsedRow]
) -> tuple[Person | None, list[CellError]]:
    values = row.values
    problems: list[CellError] = []
    name = " ".join(values[NAME].split())
    if len(name) > NAME_MAX:
        problems.append(
            row.error(NAME, _("nama terlalu panjang (paling banyak %(n)d huruf)") % {"n": NAME_MAX})
        )
    phone = ""
    try:
        phone = normalise_phone(values[PHONE])
    except ValueError as exc:
        problems.append(row.error(PHONE, str(exc)))
    tps, tps_problems = split_tps(values[TPS])
    problems.extend(row.error(TPS, message) for message in tps_problems)
    if not tps and not tps_problems:
        problems.append(row.error(TPS, _("wajib diisi")))
    username = values.get(USERNAME, "")
    if username:
        try:
            if len(username) > 150:
                raise ValidationError("too long")
            _username_validator(username)
        except ValidationError:
            problems.append(
                row.error(
                    USERNAME,
                    _(
                        "nama pengguna tidak sah: %(v)s (paling banyak 150 huruf, angka, dan "
                        "tanda . @ + - _ tanpa spasi)"
                    )
                    % {"v": shown(username)},
                )
            )
    if phone == EXAMPLE[PHONE]:
        message = _("ini baris contoh dari templat; hapus baris ini lalu unggah lagi")
        return None, [row.error(None, message)]
    if phone:
        first = seen_phones.setdefault(phone, row)
        if first is not row:
            where = (
                _("baris %(row)d") % {"row": first.location.row}
                if first.location.sheet == row.location.sheet
                else _("lembar %(sheet)s baris %(row)d")
                % {"sheet": first.location.sheet, "row": first.location.row}
            )
            problems.append(
                row.error(
                    PHONE,
                    _("nomor HP %(p)s sudah tercantum di %(where)s; satu orang satu baris")
                    % {"p": phone, "where": where},
                )
            )
    if problems:
        return None, problems
    person = Person(
        index=index,
        sheet=row.location.sheet,
        row=row.location.row,
        name=name,
        phone=phone,
        username=username,
        tps=tps,
        username_given=bool(username),
    )
    return person, []


def _stations(tps_lists) -> dict[str, int]:
    """Sirekap id → PollingStation id for those ids that name an existing TPS."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for ids in tps_lists:
        for tps in ids:
            desa, number = split_sirekap_tps_id(tps)
            wanted[desa].add(number)
    found: dict[str, int] = {}
    desas = list(wanted)
    for start in range(0, len(desas), 500):
        rows = PollingStation.objects.filter(desa__code__in=desas[start : start + 500])
        for pk, desa, number in rows.values_list("pk", "desa__code", "number"):
            if number in wanted[desa]:
                found[desa.replace(".", "") + number] = pk
    return found


def _match_accounts(people: list[tuple[Person, ParsedRow]]) -> list[CellError]:
    """Link each person to the account with their phone number, if any, and work out which
    TPS that account lacks."""
    phones = {p.phone for p, _row in people}
    owners: dict[str, list[tuple[int, str]]] = defaultdict(list)
    profiles = Profile.objects.exclude(phone="").values_list("user_id", "user__username", "phone")
    for user_id, username, raw in profiles.iterator(chunk_size=2000):
        try:
            phone = normalise_phone(raw)
        except ValueError:
            continue
        if phone in phones:
            owners[phone].append((user_id, username))
    held: dict[int, set[str]] = defaultdict(set)
    ids = [owner[0][0] for owner in owners.values()]
    if ids:
        assigned = Assignment.objects.filter(user_id__in=ids, polling_station__isnull=False)
        for user_id, desa, number in assigned.values_list(
            "user_id", "polling_station__desa__code", "polling_station__number"
        ):
            held[user_id].add(desa.replace(".", "") + number)
    errors: list[CellError] = []
    for person, row in people:
        accounts = owners.get(person.phone, [])
        if len(accounts) > 1:
            errors.append(
                row.error(
                    PHONE,
                    _(
                        "nomor HP %(p)s tercatat pada lebih dari satu akun (%(users)s); "
                        "perbaiki dulu di halaman admin pengguna"
                    )
                    % {"p": person.phone, "users": ", ".join(sorted(u for _i, u in accounts))},
                )
            )
            continue
        if accounts:
            user_id, username = accounts[0]
            if person.username_given and person.username.casefold() != username.casefold():
                errors.append(
                    row.error(
                        USERNAME,
                        _(
                            "nomor HP %(p)s sudah dipakai akun %(u)s; kosongkan NAMA PENGGUNA "
                            "atau tulis %(u)s"
                        )
                        % {"p": person.phone, "u": username},
                    )
                )
                continue
            person.exists = True
            person.user_id = user_id
            person.username = username
            person.new_tps = [t for t in person.tps if t not in held[user_id]]
        else:
            person.new_tps = list(person.tps)
    return errors


def _assign_usernames(people: list[tuple[Person, ParsedRow]]) -> list[CellError]:
    """Check the usernames the file gives, and generate the others (unique, ignoring case)."""
    User = get_user_model()
    given = {p.username.casefold() for p, _row in people if p.username_given and not p.exists}
    lowered = User.objects.annotate(low=Lower("username"))
    taken = set(
        lowered.filter(Q(low__in=given) | Q(low__startswith=USERNAME_PREFIX)).values_list(
            "low", flat=True
        )
    )
    errors: list[CellError] = []
    in_file: dict[str, ParsedRow] = {}
    for person, row in people:
        if person.exists:
            taken.add(person.username.casefold())
            continue
        if not person.username_given:
            continue
        key = person.username.casefold()
        if key in taken and key not in in_file:
            errors.append(
                row.error(
                    USERNAME,
                    _("nama pengguna %(u)s sudah dipakai akun lain") % {"u": person.username},
                )
            )
        elif key in in_file:
            errors.append(
                row.error(
                    USERNAME,
                    _("nama pengguna %(u)s sudah tercantum di baris %(row)d")
                    % {"u": person.username, "row": in_file[key].location.row},
                )
            )
        else:
            in_file[key] = row
        taken.add(key)
    for person, _row in people:
        if person.exists or person.username_given:
            continue
        base = username_base(person.name)
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        taken.add(candidate)
        person.username = candidate
    return errors


def _ordered(errors: list[CellError], result: ParseResult) -> list[str]:
    """Messages in file order: the file's own first, then sheet by sheet, row by row."""
    sheets = {name: i for i, name in enumerate(result.sheets)}

    def key(e: CellError):
        if e.sheet is None:
            return (0, 0, 0, "")
        return (1, sheets.get(e.sheet, len(sheets)), e.row or 0, e.column_letter or "")

    return [str(e) for e in sorted(errors, key=key)]


def preview_witnesses(
    path: Path | str,
    *,
    display_name: str | None = None,
    isolated: bool = False,
    limit: int | None = None,
) -> WitnessPlan:
    """What importing the list at ``path`` would do; nothing is written."""
    result = read_witness_file(path, display_name=display_name, isolated=isolated)
    return plan_witnesses(result, limit=limit)


# --- the import


@dataclass(frozen=True)
class Credential:
    """What one person is handed: their account and, for a new account, its initial password
    (empty for an account that already existed: its password is unchanged)."""

    name: str
    phone: str
    username: str
    password: str
    tps: tuple[str, ...]
    note: str = ""


@dataclass
class WitnessImport:
    plan: WitnessPlan
    credentials: list[Credential]


def import_witnesses(
    path: Path | str,
    *,
    created_by=None,
    channel: str = "cli",
    display_name: str | None = None,
    isolated: bool = False,
    limit: int | None = None,
    deliver: Callable[[list[Credential]], None] | None = None,
) -> WitnessImport:
    """Create the accounts and assignments of the list at ``path``, all or nothing.

    Raises :class:`ImportRejected` (nothing written) when any row has a problem. ``deliver``
    is called with the credentials inside the transaction, after everything is written: if it
    raises (say the credentials workbook cannot be written), nothing is created. Each change
    is recorded in the change log (``channel``: ``web`` or ``cli``), without any password.
    """
    result = read_witness_file(path, display_name=display_name, isolated=isolated)
    plan = plan_witnesses(result, limit=limit)
    if not plan.ok:
        raise ImportRejected(plan.errors)
    # Hashing is slow on purpose (PBKDF2, ~0.3 s each): do it before the transaction, on
    # several cores, so that the tables are locked for the inserts only.
    passwords = {p.phone: generate_password() for p in plan.created}
    hashes = _hash_all(passwords)
    origin = Origin(
        source=channel,
        file=result.file,
        sha256=file_sha256(path),
        locations=[(r.location.sheet, r.location.row) for r in result.rows],
    )
    try:
        with transaction.atomic():
            plan, credentials = _import_locked(
                result, limit, passwords, hashes, created_by, origin, deliver
            )
    except IntegrityError:
        # An account made elsewhere at the same moment took a username or an assignment.
        raise ImportRejected(
            [
                _("%(f)s: data pengguna berubah selama impor; unggah ulang berkasnya.")
                % {"f": result.file}
            ]
        ) from None
    return WitnessImport(plan=plan, credentials=credentials)


def _import_locked(result, limit, passwords, hashes, created_by, origin, deliver):
    # One import at a time: the change log's lock, which the import takes anyway to record,
    # is taken first, so that two imports of one list cannot both create an account for the
    # same phone number. The plan is then made again under the lock.
    head()
    ChainHead.objects.select_for_update().get(pk=1)
    plan = plan_witnesses(result, limit=limit)
    if not plan.ok:
        raise ImportRejected(plan.errors)
    for person in plan.created:
        if person.phone not in passwords:  # new since the first plan
            passwords[person.phone] = generate_password()
            hashes[person.phone] = make_password(passwords[person.phone])
    credentials = _write(plan, passwords, hashes, created_by, origin)
    if deliver is not None:
        deliver(credentials)
    return plan, credentials


def _hash_all(passwords: dict[str, str]) -> dict[str, str]:
    if not passwords:
        return {}
    keys = list(passwords)
    with ThreadPoolExecutor(max_workers=HASH_THREADS) as pool:
        hashed = list(pool.map(lambda k: make_password(passwords[k]), keys))
    return dict(zip(keys, hashed, strict=True))


def _write(plan: WitnessPlan, passwords, hashes, created_by, origin: Origin) -> list[Credential]:
    User = get_user_model()
    new_people = plan.created
    users = User.objects.bulk_create(
        [
            User(username=p.username, first_name=p.name, password=hashes[p.phone], is_active=True)
            for p in new_people
        ]
    )
    user_ids = {p.phone: u.pk for p, u in zip(new_people, users, strict=True)}
    if any(pk is None for pk in user_ids.values()):  # a backend that returns no ids
        by_name = dict(
            User.objects.filter(username__in=[p.username for p in new_people]).values_list(
                "username", "pk"
            )
        )
        user_ids = {p.phone: by_name[p.username] for p in new_people}
    Profile.objects.bulk_create(
        [Profile(user_id=user_ids[p.phone], phone=p.phone) for p in new_people]
    )
    for person in new_people:
        person.user_id = user_ids[person.phone]
    assignments = [
        Assignment(
            user_id=p.user_id,
            role=Role.WITNESS,
            polling_station_id=plan.stations[tps],
            created_by=created_by,
        )
        for p in plan.people
        for tps in p.new_tps
    ]
    Assignment.objects.bulk_create(assignments)

    log = []
    for person in new_people:
        log.append(
            origin.change(
                LogAction.CREATE,
                "auth.user",
                person.user_id,
                person.username,
                None,
                {"username": person.username, "nama": person.name, "peran": Role.WITNESS.value},
                person.index,
            )
        )
    for person in plan.people:
        for tps in person.new_tps:
            label = f"{Role.WITNESS.value} {person.username} TPS {tps}"
            log.append(
                origin.change(
                    LogAction.CREATE,
                    "access.assignment",
                    f"{person.username} {tps}",
                    label,
                    None,
                    {"pengguna": person.username, "peran": Role.WITNESS.value, "tps": tps},
                    person.index,
                )
            )
    record(log, user=created_by)

    credentials = []
    for person in plan.people:
        if person.exists:
            note = (
                _("akun sudah ada; kata sandi tidak berubah; TPS baru: %(tps)s")
                % {"tps": ", ".join(person.new_tps)}
                if person.new_tps
                else _("akun sudah ada; tidak ada yang berubah")
            )
            password = ""
        else:
            note = _("akun baru")
            password = passwords[person.phone]
        credentials.append(
            Credential(
                name=person.name,
                phone=person.phone,
                username=person.username,
                password=password,
                tps=tuple(person.tps),
                note=note,
            )
        )
    return credentials


# --- workbooks


def _workbook(stream) -> xlsxwriter.Workbook:
    return xlsxwriter.Workbook(
        stream,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )


def credentials_workbook(credentials: Sequence[Credential]) -> bytes:
    """The accounts as a workbook: a warning row, then NAMA, NOMOR HP, NAMA PENGGUNA,
    KATA SANDI AWAL, KODE TPS, KETERANGAN. Every cell is text (phone numbers keep their 0)."""
    stream = io.BytesIO()
    wb = _workbook(stream)
    bold = wb.add_format({"bold": True})
    warn = wb.add_format({"bold": True, "font_color": "#9C0006"})
    ws = wb.add_worksheet(_("Akun saksi"))
    ws.write_string(
        0,
        0,
        _(
            "RAHASIA: berikan setiap akun hanya kepada pemiliknya, secara pribadi; hapus berkas "
            "ini setelah semua akun dibagikan."
        ),
        warn,
    )
    headers = (NAME, PHONE, USERNAME, PASSWORD, TPS, NOTE)
    for c, header in enumerate(headers):
        ws.write_string(2, c, header, bold)
    for r, cred in enumerate(credentials, start=3):
        cells = (
            cred.name,
            cred.phone,
            cred.username,
            cred.password,
            "; ".join(cred.tps),
            cred.note,
        )
        for c, value in enumerate(cells):
            ws.write_string(r, c, value)
    for c, width in enumerate((28, 16, 28, 18, 32, 48)):
        ws.set_column(c, c, width)
    ws.freeze_panes(3, 0)
    wb.close()
    return stream.getvalue()


def write_private_file(path: Path | str, content: bytes) -> None:
    """Write ``content`` to a new file readable by its owner only; an existing file is never
    overwritten (``FileExistsError``), and a file that could not be written whole is removed."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise


def template_workbook() -> bytes:
    """A blank list to fill in: the headers, one example row (refused if left in), and a
    comment on each header. The phone and TPS columns are text cells."""
    stream = io.BytesIO()
    wb = _workbook(stream)
    bold = wb.add_format({"bold": True})
    as_text = wb.add_format({"num_format": "@"})
    example = wb.add_format({"num_format": "@", "italic": True, "font_color": "#666666"})
    ws = wb.add_worksheet(_("Saksi"))
    headers = (NAME, PHONE, TPS, USERNAME)
    notes = (
        _("Nama lengkap saksi (wajib)."),
        _("Nomor HP saksi (wajib): 08…, +62… atau 62…. Satu nomor hanya boleh muncul sekali."),
        _(
            "ID TPS Sirekap (wajib): kode desa tanpa titik + nomor TPS tiga angka, mis. "
            "6210021012001. Beberapa TPS dipisah koma, titik koma, atau spasi."
        ),
        _("Opsional. Kosongkan agar dibuat otomatis, mis. saksi-budi-santoso."),
    )
    for c, (header, note) in enumerate(zip(headers, notes, strict=True)):
        ws.write_string(0, c, header, bold)
        ws.write_comment(0, c, note, {"x_scale": 2, "y_scale": 1.5})
        ws.write_string(1, c, EXAMPLE[header], example)
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 18, as_text)
    ws.set_column(2, 2, 36, as_text)
    ws.set_column(3, 3, 24, as_text)
    ws.freeze_panes(1, 0)
    wb.close()
    return stream.getvalue()
