"""The voter-list import: read every file (in a limited child process), check, then store.

By default a file with any error writes nothing and gives back a rejects workbook: the bad
rows as written, with the TPS and a reason column, ready to fix and import again.
``accept_valid`` stores the valid rows and still writes the rejects workbook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from pilkada.core.chunks import chunked
from pilkada.core.imports import MAX_MESSAGES, file_sha256
from pilkada.dataio.errors import FileError
from pilkada.dataio.isolated import parse_isolated
from pilkada.regions import codes
from pilkada.regions.models import PollingStation
from pilkada.voters.checks import Checked, check
from pilkada.voters.placement import STATION
from pilkada.voters.reading import FileRead, Reader, read_file
from pilkada.voters.rejects import write_rejects
from pilkada.voters.services import Source, VoterImportSummary, store_voters

# A million-row list needs about 1 GB to read; the limit leaves room and still stops a bomb.
READ_MEMORY = 3 * 2**30
READ_SECONDS = 900


class VoterImportRejected(Exception):
    """Nothing was written. ``messages`` locate every problem; ``rejects`` is the workbook of
    rejected rows (None when no row could be read at all)."""

    def __init__(self, messages: list[str], count: int, rejects: Path | None = None):
        self.messages = messages[:MAX_MESSAGES]
        if count > MAX_MESSAGES:
            self.messages.append(_("… dan %(n)d kesalahan lain.") % {"n": count - MAX_MESSAGES})
        self.count = count
        self.rejects = rejects
        super().__init__("\n".join(self.messages))


@dataclass
class VoterImport:
    """The outcome of an import that wrote (or in a dry run, would write) something."""

    summary: VoterImportSummary
    checked: Checked
    rejects: Path | None = None
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)


def read_files(paths, *, names=None, isolated: bool = True, progress=None) -> list[FileRead]:
    """Read each file; ``names`` are the names messages use (uploads are stored renamed)."""
    reads = []
    for index, path in enumerate(paths):
        name = names[index] if names else Path(path).name
        if progress:
            progress("read", index, len(paths))
        if not isolated:
            reads.append(read_file(path, display_name=name))
            continue
        try:
            reads.append(
                parse_isolated(
                    Reader(), path, display_name=name, memory=READ_MEMORY, seconds=READ_SECONDS
                )
            )
        except FileError as exc:
            reads.append(FileRead(file=name, errors=[exc.as_cell_error()]))
    return reads


def check_files(election, paths, *, names=None, desa=None, isolated=True, progress=None):
    """Read and check ``paths``; nothing is written."""
    reads = read_files(paths, names=names, isolated=isolated, progress=progress)
    if progress:
        progress("check", 0, 1)
    return check(reads, election, desa=desa)


class _DryRun(Exception):
    pass


def import_voter_files(
    election,
    paths,
    *,
    names=None,
    accept_valid: bool = False,
    replace: bool = False,
    dry_run: bool = False,
    rejects: Path | None = None,
    desa: str | None = None,
    user=None,
    channel: str = "cli",
    request: str = "",
    expected: dict[int, int] | None = None,
    isolated: bool = True,
    progress=None,
    allowed=None,
) -> VoterImport:
    """Import voter-list files into ``election``'s list; see the module doc.

    Raises :class:`VoterImportRejected` when nothing may be written, and
    :class:`~pilkada.voters.services.StaleVoterList` when ``expected`` versions are stale.
    ``progress(stage, done, total)`` is told each stage as it starts: ``read`` (once per
    file), ``check``, ``store``, for a progress bar. ``allowed(desa_code, station_id)``:
    the TPS the uploader may write to; voters at any other TPS reject the whole import.
    """
    paths = [Path(p) for p in paths]
    names = names or [p.name for p in paths]
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise VoterImportRejected(
            [_("Dua berkas bernama sama (%(f)s): ganti nama salah satunya agar setiap pesan dan "
               "catatan menunjuk berkas yang benar.") % {"f": ", ".join(twice)}], 1,
        )  # fmt: skip
    checked = check_files(
        election, paths, names=names, desa=desa, isolated=isolated, progress=progress
    )
    if checked.file_errors:
        messages = [str(e) for e in checked.file_errors + checked.errors]
        raise VoterImportRejected(messages, len(messages))
    if allowed is not None:
        outside = _outside_scope(checked.voters, allowed)
        if outside:
            raise VoterImportRejected(
                [_("Berkas memuat pemilih di %(n)d TPS di luar wilayah tugas Anda (%(tps)s); "
                   "tidak ada yang disimpan. Hapus baris TPS tersebut atau minta operator "
                   "wilayahnya mengunggah.") % {"n": len(outside), "tps": ", ".join(outside[:10])}],
                1,
            )  # fmt: skip
    written = None
    if checked.errors and rejects is not None:
        written = write_rejects(rejects, checked.rejected)
    if checked.errors and not accept_valid:
        raise VoterImportRejected([str(e) for e in checked.errors], len(checked.errors), written)
    if checked.voters.height == 0:
        raise VoterImportRejected(
            [_("Tidak ada baris pemilih yang sah untuk diimpor.")], 1, written
        )
    source = Source(
        files={name: file_sha256(path) for name, path in zip(names, paths, strict=True)},
        channel=channel,
        request=request,
    )
    notes: list[str] = []
    if replace and checked.rejected.height:
        # a rejected row's voter is still on the list: replacing would delete them
        replace = False
        notes.append(
            _("Ada baris yang ditolak, jadi --replace tidak dijalankan: tidak ada pemilih yang "
              "dihapus. Perbaiki baris yang ditolak lalu impor ulang dengan --replace.")
        )  # fmt: skip
    summary = VoterImportSummary()
    if progress:
        progress("store", 0, 1)
    try:
        with transaction.atomic():
            summary = store_voters(
                election,
                checked.voters,
                source,
                replace=replace,
                user=user,
                expected=expected,
                rejected=checked.rejected.height,
            )
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    summary.rejected = checked.rejected.height
    summary.warnings = len(checked.warnings)
    summary.skipped_total_rows = sum(r.skipped_total_rows for r in checked.reads)
    notes += [
        _("Kolom diabaikan di %(f)s: %(c)s.") % {"f": r.file, "c": ", ".join(r.ignored_columns)}
        for r in checked.reads
        if r.ignored_columns
    ] + [
        _("Lembar '%(s)s' di %(f)s tidak dibaca: %(r)s.") % {"s": s, "f": r.file, "r": why}
        for r in checked.reads
        for s, why in r.skipped_sheets
    ]
    return VoterImport(summary, checked, written, dry_run, notes)


def _outside_scope(voters, allowed) -> list[str]:
    """The TPS ids (Sirekap form) of ``voters`` the uploader may not write to."""
    ids = voters.get_column(STATION).drop_nulls().unique().to_list()
    outside = []
    for chunk in chunked(ids):
        for pk, desa, number in PollingStation.objects.filter(pk__in=chunk).values_list(
            "pk", "desa__code", "number"
        ):
            if not allowed(desa, pk):
                outside.append(codes.sirekap_tps_id(desa, number))
    return sorted(outside)
