from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.commands.check import Command as SystemCheck
from django.utils.translation import gettext as _

from pilkada.core.command import PilkadaCommand, add_area_arguments, election_and_area
from pilkada.core.output import simulated_notice, table, to_json
from pilkada.tallies.selectors import checked_sheets, finding_headers, finding_rows


class Command(PilkadaCommand):
    help = _(
        "Periksa formulir C.Hasil sebuah pemilihan terhadap aturan R1–R13 dan tampilkan "
        "formulir yang melanggar, dengan temuannya. Keluar dengan kode 1 bila ada kesalahan."
    )

    def add_arguments(self, parser):
        add_area_arguments(parser, election_required=False)
        parser.add_argument(
            "--deploy",
            action="store_true",
            help=_(
                "bukan formulir: periksa pengaturan server untuk dipasang (pemeriksaan sistem "
                "Django --deploy); gagal bila ada peringatan"
            ),
        )
        parser.add_argument("--format", choices=("table", "json"), default="table")
        parser.add_argument(
            "--errors-only", action="store_true", help=_("hanya kesalahan, tanpa peringatan")
        )

    def handle(self, *args, **opts):
        if opts["deploy"]:
            # Django's own system check, which this command's name hides.
            call_command(SystemCheck(), deploy=True, fail_level="WARNING", stdout=self.stdout)
            return
        if not opts["election"]:
            raise CommandError(_("Sebutkan pemilihannya: --election KODE"))
        election, within = election_and_area(opts)
        checked = checked_sheets(election, within)
        simulated_notice(election, self.stdout if opts["format"] == "table" else self.stderr)
        errors = sum(1 for c in checked if c.has_errors)
        flagged = []
        for c in checked:
            findings = [f for f in c.findings if not opts["errors_only"] or f.severity == "error"]
            if findings:
                flagged.append((c, findings))
        if opts["format"] == "json":
            self.stdout.write(
                to_json(
                    {
                        "pemilihan": election.code,
                        "formulir_diperiksa": len(checked),
                        "formulir_bermasalah": [
                            {
                                "kode_tps": c.station.sirekap_id,
                                "desa": c.station.desa.name,
                                "nomor_tps": c.station.number,
                                "status": c.sheet.status,
                                "versi": c.sheet.version,
                                "temuan": [
                                    {
                                        "aturan": f.rule,
                                        "jenis": f.severity,
                                        "isian": list(f.fields),
                                        "pesan": f.message,
                                    }
                                    for f in findings
                                ],
                            }
                            for c, findings in flagged
                        ],
                    }
                ),
                ending="",
            )
        else:
            rows = finding_rows(checked, errors_only=opts["errors_only"])
            self.stdout.write(table(finding_headers(), rows), ending="")
            self.stdout.write(
                _(
                    "%(checked)d formulir diperiksa; %(flagged)d dengan temuan; "
                    "%(errors)d dengan kesalahan."
                )
                % {"checked": len(checked), "flagged": len(flagged), "errors": errors}
            )
        if errors:
            raise SystemExit(1)
