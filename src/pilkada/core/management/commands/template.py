from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from pilkada.core.command import PilkadaCommand, add_area_arguments, election_and_area
from pilkada.tallies.template import NoStations, entry_workbook_for


class Command(PilkadaCommand):
    help = _(
        "Buat buku kerja isian hasil TPS (C.Hasil) untuk dikirim ke kecamatan: satu lembar per "
        "kecamatan, satu baris per TPS, validasi angka, kolom pemeriksaan aturan R1–R9, dan "
        "lembar petunjuk. Berkas yang sudah diisi diimpor dengan: pilkada import hasil."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True, metavar="hasil")
        p = sub.add_parser("hasil", help=self.help, description=self.help)
        add_area_arguments(p)
        p.add_argument("--output", required=True, metavar="FILE", help=_("berkas .xlsx"))

    def handle(self, *args, **opts):
        election, within = election_and_area(opts)
        try:
            count = entry_workbook_for(opts["output"], election, within)
        except NoStations as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(
                _("Tidak dapat menulis %(f)s: %(e)s") % {"f": opts["output"], "e": exc.strerror}
            ) from None
        self.stdout.write(
            _("Buku kerja isian untuk %(n)d TPS ditulis ke %(f)s.")
            % {"n": count, "f": opts["output"]}
        )
