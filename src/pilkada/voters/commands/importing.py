"""``pilkada import dpt``: the voter-list import at the command line."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from pilkada.core.command import user_named
from pilkada.elections.selectors import ElectionNotFound, get_election
from pilkada.voters.imports import VoterImportRejected, import_voter_files
from pilkada.voters.services import StaleVoterList

SHOWN_WARNINGS = 20
SHOWN_ERRORS = 50  # the rejects workbook holds every one of them


def add_voter_arguments(parser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help=_("berkas DPT yang diimpor"))
    parser.add_argument("--election", required=True, metavar="KODE", help=_("kode pemilihan"))
    parser.add_argument(
        "--accept-valid",
        action="store_true",
        help=_("impor baris yang sah walau ada baris yang salah (yang salah masuk berkas tolakan)"),
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help=_(
            "berkas adalah seluruh DPT setiap TPS yang ada di dalamnya: pemilih TPS itu yang "
            "tidak ada di berkas dihapus"
        ),
    )
    parser.add_argument(
        "--rejects",
        metavar="FILE.xlsx",
        help=_("buku kerja baris yang ditolak (bawaan: NAMA-ditolak.xlsx di samping berkas)"),
    )
    parser.add_argument(
        "--desa",
        metavar="KODE",
        help=_("kode desa untuk lembar yang tidak menyebut desanya (mis. 62.10.02.1012)"),
    )
    parser.add_argument(
        "--dry-run", action="store_true", help=_("periksa dan laporkan tanpa menulis apa pun")
    )
    parser.add_argument(
        "--user", metavar="NAMA", help=_("nama pengguna Pilkada yang tercatat sebagai pengubah")
    )


def import_voters(command, opts) -> None:
    paths = [Path(f) for f in opts["files"]]
    rejects = Path(opts["rejects"]) if opts["rejects"] else _default_rejects(paths[0])
    try:
        election = get_election(opts["election"])
        outcome = import_voter_files(
            election,
            paths,
            accept_valid=opts["accept_valid"],
            replace=opts["replace"],
            dry_run=opts["dry_run"],
            rejects=rejects,
            desa=opts["desa"],
            user=user_named(opts["user"]),
        )
    except ElectionNotFound as exc:
        raise CommandError(str(exc)) from None
    except StaleVoterList as exc:
        raise CommandError(str(exc)) from None
    except VoterImportRejected as exc:
        for message in exc.messages[:SHOWN_ERRORS]:
            command.stderr.write(message)
        if exc.count > SHOWN_ERRORS:
            command.stderr.write(
                _("… dan %(n)d kesalahan lain (semuanya ada di berkas tolakan).")
                % {"n": exc.count - SHOWN_ERRORS}
            )
        if exc.rejects:
            command.stderr.write(
                _("Baris yang ditolak ada di %(f)s: perbaiki lalu impor ulang berkas itu.")
                % {"f": exc.rejects}
            )
        raise CommandError(
            _("DPT ditolak: %(n)d kesalahan; tidak ada data yang ditulis.") % {"n": exc.count}
        ) from None
    checked = outcome.checked
    for error in checked.errors[:SHOWN_WARNINGS]:
        command.stderr.write(_("Ditolak: %(e)s") % {"e": error})
    for warning in checked.warnings[:SHOWN_WARNINGS]:
        command.stdout.write(_("Peringatan: %(w)s") % {"w": warning})
    if len(checked.warnings) > SHOWN_WARNINGS:
        command.stdout.write(
            _("… dan %(n)d peringatan lain.") % {"n": len(checked.warnings) - SHOWN_WARNINGS}
        )
    for note in outcome.notes:
        command.stdout.write(note)
    if outcome.rejects:
        command.stdout.write(
            _("Baris yang ditolak ada di %(f)s: perbaiki lalu impor ulang berkas itu.")
            % {"f": outcome.rejects}
        )
    prefix = _("Uji coba (tidak ada yang ditulis): ") if opts["dry_run"] else ""
    command.stdout.write(prefix + outcome.summary.describe())


def _default_rejects(first: Path) -> Path:
    return first.with_name(f"{first.stem}-ditolak.xlsx")
