from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from pilkada.audit.chain import verify
from pilkada.core.backup import BackupError, restore
from pilkada.core.command import PilkadaCommand


class Command(PilkadaCommand):
    help = _(
        "Pulihkan basis data dari cadangan pilkada backup: SELURUH isi basis data sekarang "
        "diganti. Catatan perubahan hasil pemulihan langsung diperiksa."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help=_("berkas cadangan"))
        parser.add_argument(
            "--yes",
            action="store_true",
            help=_("ya, ganti seluruh isi basis data sekarang (wajib)"),
        )

    def handle(self, *args, **opts):
        if not opts["yes"]:
            raise CommandError(
                _("Pemulihan mengganti SELURUH isi basis data sekarang; ulangi dengan --yes.")
            )
        try:
            restore(opts["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        verdict = verify()
        if not verdict.ok:
            raise CommandError(_("Dipulihkan, tetapi: %(m)s") % {"m": verdict.message})
        self.stdout.write(
            _("Dipulihkan dari %(f)s. %(v)s") % {"f": opts["file"], "v": verdict.message}
        )
