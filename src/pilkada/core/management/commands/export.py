from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from pilkada.core.command import PilkadaCommand, add_area_arguments, election_and_recap
from pilkada.elections.selectors import pairs_of
from pilkada.recap.report import form_lines
from pilkada.recap.selectors import RECAP_LEVELS, region_names
from pilkada.recap.xlsx import write_recap_csv, write_recap_workbook
from pilkada.tallies.selectors import checked_sheets


class Command(PilkadaCommand):
    help = _(
        "Ekspor rekapitulasi dalam susunan formulir rekap KPU: baris formulir ke bawah, satu "
        "kolom per wilayah anak dan kolom jumlah, persentase, partisipasi, grafik, dan lembar "
        "Temuan berisi formulir yang melanggar aturan."
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
        election, recap = election_and_recap(opts)
        names = region_names(recap)
        pairs = pairs_of(election)
        columns = [
            f"{names.get(r.code, '')} ({r.code})".strip() if names.get(r.code) else r.code
            for r in recap.rows
        ]
        lines = form_lines(recap, election.scheme, pairs)
        area = (
            f"{names.get(recap.within, '')} ({recap.within})"
            if recap.within
            else (election.area_name)
        )
        title = _("Rekapitulasi hasil %(area)s per %(level)s") % {
            "area": area,
            "level": opts["level"],
        }
        output = opts["output"]
        if opts["format"] == "csv":
            if output == "-":
                write_recap_csv(self.stdout, columns=columns, lines=lines)
                return
            with open(output, "w", encoding="utf-8-sig", newline="") as stream:
                write_recap_csv(stream, columns=columns, lines=lines)
        else:
            findings = [c for c in checked_sheets(election, recap.within) if c.findings]
            try:
                write_recap_workbook(
                    output,
                    election=election,
                    title=title,
                    columns=columns,
                    lines=lines,
                    findings=findings,
                )
            except OSError as exc:
                raise CommandError(
                    _("Tidak dapat menulis %(f)s: %(e)s") % {"f": output, "e": exc.strerror}
                ) from None
        self.stdout.write(_("Rekap ditulis ke %(f)s.") % {"f": output})
