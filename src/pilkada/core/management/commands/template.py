from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from pilkada.core.command import PilkadaCommand, add_area_arguments, election_and_area
from pilkada.elections.selectors import pairs_of
from pilkada.regions.models import Region
from pilkada.tallies.selectors import checked_sheets, stations_within
from pilkada.tallies.template import write_entry_workbook


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
        stations = list(stations_within(election, within).order_by("desa__code", "number"))
        if not stations:
            raise CommandError(_("Tidak ada TPS di wilayah ini; impor TPS lebih dulu."))
        sheets = {
            c.station.pk: (c.sheet, dict(c.numbers.votes)) for c in checked_sheets(election, within)
        }
        kecamatan = dict(
            Region.objects.filter(code__in={s.desa.code[:8] for s in stations}).values_list(
                "code", "name"
            )
        )
        try:
            count = write_entry_workbook(
                opts["output"],
                election=election,
                pairs=pairs_of(election),
                stations=stations,
                sheets_by_station=sheets,
                kecamatan_names=kecamatan,
            )
        except OSError as exc:
            raise CommandError(
                _("Tidak dapat menulis %(f)s: %(e)s") % {"f": opts["output"], "e": exc.strerror}
            ) from None
        self.stdout.write(
            _("Buku kerja isian untuk %(n)d TPS ditulis ke %(f)s.")
            % {"n": count, "f": opts["output"]}
        )
