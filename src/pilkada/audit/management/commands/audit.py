from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from pilkada.audit.chain import verify
from pilkada.audit.xlsx import write_log_workbook
from pilkada.core.command import PilkadaCommand


class Command(PilkadaCommand):
    help = _(
        "Periksa atau ekspor catatan perubahan: setiap perubahan data pemilihan tercatat "
        "berantai dengan hash, sehingga perubahan atau penghapusan catatan terlihat."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True, metavar="verify|export")
        sub.add_parser(
            "verify",
            help=_("telusuri seluruh rantai dan sebut mata rantai pertama yang putus"),
            description=_("Telusuri seluruh rantai dan sebut mata rantai pertama yang putus."),
        )
        p = sub.add_parser(
            "export",
            help=_("tulis seluruh catatan ke buku kerja .xlsx"),
            description=_("Tulis seluruh catatan perubahan ke buku kerja .xlsx."),
        )
        p.add_argument("--output", required=True, metavar="FILE", help=_("berkas .xlsx"))

    def handle(self, *args, **opts):
        if opts["what"] == "verify":
            verdict = verify()
            if not verdict.ok:
                raise CommandError(verdict.message)
            self.stdout.write(verdict.message)
            return
        try:
            count = write_log_workbook(opts["output"])
        except OSError as exc:
            raise CommandError(
                _("Tidak dapat menulis %(f)s: %(e)s") % {"f": opts["output"], "e": exc.strerror}
            ) from None
        self.stdout.write(_("%(n)d catatan ditulis ke %(f)s.") % {"n": count, "f": opts["output"]})
