"""``pilkada dpt …``: the voter list's reports. Each sub-command lives in
``pilkada.voters.commands.<name>`` as ``add_arguments(parser)`` and ``handle(command, opts)``."""

import importlib

from django.utils.translation import gettext as _

from pilkada.core.command import PilkadaCommand

SUBCOMMANDS = {
    "duplicates": "pilkada.voters.commands.duplicates",
    "stats": "pilkada.voters.commands.stats",
    "export": "pilkada.voters.commands.export",
}


class Command(PilkadaCommand):
    help = _("Laporan daftar pemilih (DPT): pemilih ganda, statistik, dan ekspor per TPS.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True, metavar="|".join(SUBCOMMANDS))
        for name, module_name in SUBCOMMANDS.items():
            module = importlib.import_module(module_name)
            p = sub.add_parser(name, help=str(module.HELP), description=str(module.HELP))
            module.add_arguments(p)

    def handle(self, *args, **opts):
        importlib.import_module(SUBCOMMANDS[opts["what"]]).handle(self, opts)
