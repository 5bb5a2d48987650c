from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from pilkada.core.command import PilkadaCommand, add_area_arguments
from pilkada.core.memory import without_cycle_collection
from pilkada.elections.selectors import ElectionNotFound, get_election
from pilkada.recap import exporting
from pilkada.recap.selectors import RECAP_LEVELS, RecapError


class Command(PilkadaCommand):
    help = _(
        "Ekspor rekapitulasi dalam susunan formulir rekap KPU: baris formulir ke bawah, satu "
        "kolom per wilayah anak dan kolom jumlah, persentase, partisipasi, grafik, lembar "
        "Temuan berisi formulir yang melanggar aturan, dan lembar Lampiran TPS berisi angka "
        "setiap TPS yang dapat diimpor kembali dengan: pilkada import hasil."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True, metavar="rekap")
        p = sub.add_parser("rekap", help=self.help, description=self.help)
        add_area_arguments(p, levels=RECAP_LEVELS)
        p.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
        p.add_argument(
            "--output",
            required=True,
            metavar="FILE",
            help=_("berkas keluaran (.xlsx atau .csv; '-' untuk CSV ke layar)"),
        )

    def handle(self, *args, **opts):
        with without_cycle_collection():
            self._export(opts)

    def _export(self, opts):
        try:
            export = exporting.prepare(
                get_election(opts["election"]), within=opts["region"], level=opts["level"]
            )
        except (ElectionNotFound, RecapError) as exc:
            raise CommandError(str(exc)) from None
        output = opts["output"]
        try:
            if opts["format"] == "xlsx":
                exporting.to_xlsx(export, output)
            elif output == "-":
                exporting.to_csv(export, self.stdout)
                return
            else:
                with open(output, "w", encoding="utf-8-sig", newline="") as stream:
                    exporting.to_csv(export, stream)
        except OSError as exc:
            raise CommandError(
                _("Tidak dapat menulis %(f)s: %(e)s") % {"f": output, "e": exc.strerror}
            ) from None
        self.stdout.write(_("Rekap ditulis ke %(f)s.") % {"f": output})
