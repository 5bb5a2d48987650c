"""``pilkada dpt export``: the voter list as a KPU-layout workbook, one sheet per TPS."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from pilkada.core.command import add_area_arguments, election_and_area
from pilkada.core.memory import without_cycle_collection
from pilkada.core.output import simulated_notice
from pilkada.voters.commands import add_workbook_arguments
from pilkada.voters.export import ExportRefused, export_voter_list

# Built when the module is first imported, which the dispatcher does while building its parser,
# in the active language (argparse cannot format a lazy string).
HELP = _(
    "Ekspor DPT ke buku kerja .xlsx susunan cetakan KPU: satu lembar per TPS dengan baris "
    "judul (DAFTAR PEMILIH TETAP, nama pemilihan, provinsi, kabupaten/kota, kecamatan, "
    "desa/kelurahan dengan kodenya, nomor TPS) lalu kolom NO, NKK, NIK, NAMA LENGKAP, TEMPAT "
    "LAHIR, TANGGAL LAHIR, STATUS PERKAWINAN, JENIS KELAMIN, JALAN/DUKUH, RT, RW, KETERANGAN. "
    "NIK dan NKK disamarkan (4 digit terakhir ****) kecuali dengan --nik-penuh. Berkasnya "
    "dapat diimpor kembali."
)


def add_arguments(parser) -> None:
    add_area_arguments(parser)
    add_workbook_arguments(parser)


def handle(command, opts) -> None:
    election, within = election_and_area(opts)
    output = opts["output"]
    try:
        with without_cycle_collection():
            summary = export_voter_list(election, output, within=within, full_nik=opts["full_nik"])
    except ExportRefused as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:
        raise CommandError(
            _("Tidak dapat menulis %(f)s: %(e)s") % {"f": output, "e": exc.strerror or exc}
        ) from None
    simulated_notice(election, command.stdout)
    message = _("DPT ditulis ke %(f)s: %(v)d pemilih di %(t)d TPS.") % {
        "f": output,
        "v": summary.voters,
        "t": summary.stations,
    }
    if summary.full_nik:
        message += " " + _("NIK dan NKK lengkap; akses ini dicatat.")
    command.stdout.write(message)
