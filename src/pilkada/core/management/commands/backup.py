from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from pilkada.core.backup import BackupError, backup
from pilkada.core.command import PilkadaCommand


class Command(PilkadaCommand):
    help = _(
        "Buat cadangan seluruh basis data selagi server berjalan (SQLite: API cadangan SQLite; "
        "PostgreSQL: pg_dump). Pulihkan dengan: pilkada restore FILE"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help=_("berkas cadangan baru"))

    def handle(self, *args, **opts):
        try:
            backup(opts["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(_("Cadangan ditulis ke %(f)s.") % {"f": opts["file"]})
