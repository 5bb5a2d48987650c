"""``pilkada dpt duplicates``: duplicate voters ("DPT ganda") of an election as a workbook."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from xlsxwriter.exceptions import FileCreateError

from pilkada.core.command import add_area_arguments, election_and_area
from pilkada.core.numbers import format_int
from pilkada.core.output import simulated_notice
from pilkada.voters.commands import add_workbook_arguments
from pilkada.voters.duplicates import TIER_LABELS, TIERS, election_duplicates
from pilkada.voters.duplicates_xlsx import write_duplicates_workbook

HELP = gettext_lazy(
    "Cari pemilih ganda (DPT ganda) di seluruh wilayah pemilihan, lintas TPS dan kecamatan, "
    "dan tulis ke berkas .xlsx. Tingkat 1, ganda identik: NIK sama, nama dan tanggal lahir "
    "sama. Tingkat 2, kemungkinan ganda: NIK berbeda, tanggal lahir sama, nama mirip setelah "
    "ejaan dan gelar diseragamkan (Muhammad/M./Moh., Nur Hasanah/Nurhasanah, Soekarno/Sukarno). "
    "Tingkat 3, data salah atau NIK dipakai dua orang: NIK sama, nama atau tanggal lahir "
    "berbeda. NIK disamarkan kecuali diminta --nik-penuh."
)


def add_arguments(parser) -> None:
    add_area_arguments(parser)
    add_workbook_arguments(parser)


def handle(command, opts) -> None:
    output = opts["output"]
    if not output.lower().endswith(".xlsx"):
        raise CommandError(_("Berkas keluaran harus berakhiran .xlsx: %(f)s") % {"f": output})
    election, region = election_and_area(opts)
    report = election_duplicates(election, region if opts["region"] else None)
    try:
        write_duplicates_workbook(report, output, full_nik=opts["full_nik"])
    except (OSError, FileCreateError) as exc:
        cause = exc if isinstance(exc, OSError) else exc.__context__ or exc
        reason = getattr(cause, "strerror", None) or cause
        raise CommandError(
            _("Tidak dapat menulis %(f)s: %(e)s") % {"f": output, "e": reason}
        ) from None
    simulated_notice(election, command.stdout)
    for tier in TIERS:
        command.stdout.write(
            _("Tingkat %(tier)s (%(label)s): %(n)s pasangan")
            % {"tier": tier, "label": TIER_LABELS[tier], "n": format_int(report.counts[tier])}
        )
    command.stdout.write(
        _("%(voters)s pemilih diperiksa; ditulis ke %(f)s (%(nik)s).")
        % {
            "voters": format_int(report.voters),
            "f": output,
            "nik": _("NIK lengkap, akses dicatat") if opts["full_nik"] else _("NIK disamarkan"),
        }
    )
