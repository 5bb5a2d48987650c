from django.utils.translation import gettext as _

from pilkada.core.command import PilkadaCommand, add_area_arguments, election_and_recap
from pilkada.core.output import FORMATS, simulated_notice, table, to_csv, to_json
from pilkada.recap.report import flat_headers, flat_row, recap_dict
from pilkada.recap.selectors import RECAP_LEVELS, region_names


class Command(PilkadaCommand):
    help = _(
        "Rekapitulasi hasil sebuah pemilihan: satu baris per wilayah anak pada tingkat yang "
        "diminta, ditambah jumlahnya."
    )

    def add_arguments(self, parser):
        add_area_arguments(parser, levels=RECAP_LEVELS)
        parser.add_argument("--format", choices=FORMATS, default="table")

    def handle(self, *args, **opts):
        election, recap = election_and_recap(opts)
        names = region_names(recap)
        simulated_notice(election, self.stdout if opts["format"] == "table" else self.stderr)
        numbers = recap.ballot_numbers
        if opts["format"] == "json":
            data = recap_dict(recap, names)
            data["pemilihan"] = election.code
            data["simulasi"] = election.is_simulated
            self.stdout.write(to_json(data), ending="")
            return
        rows = [
            flat_row(r, names.get(r.code, ""), numbers, display=opts["format"] == "table")
            for r in recap.rows
        ]
        total = flat_row(recap.total, _("JUMLAH"), numbers, display=opts["format"] == "table")
        headers = flat_headers(numbers)
        if opts["format"] == "csv":
            self.stdout.write(to_csv(headers, [*rows, total]), ending="")
            return
        area = f"{recap.within} {names[recap.within]}" if recap.within else election.area_name
        self.stdout.write(f"{election.name} — {area}")
        right = set(range(2, len(headers)))
        self.stdout.write(table(headers, [*rows, total], right=right), ending="")
