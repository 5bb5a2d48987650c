from django.utils.translation import gettext as _

from pilkada.core.command import PilkadaCommand
from pilkada.core.server import serve


class Command(PilkadaCommand):
    help = _("Jalankan server web Pilkada (waitress, multi-thread) untuk kantor atau laptop.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help=_("alamat (bawaan 127.0.0.1)"))
        parser.add_argument("--port", type=int, default=8000, help=_("port (bawaan 8000)"))
        parser.add_argument("--threads", type=int, default=8, help=_("jumlah thread (bawaan 8)"))
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help=_(
                "tanpa pekerja latar (unggahan DPT); jalankan 'pilkada worker' sendiri, "
                "mis. bila ada beberapa server web"
            ),
        )

    def handle(self, *args, **opts):
        serve(
            host=opts["host"],
            port=opts["port"],
            threads=opts["threads"],
            stdout=self.stdout,
            worker=not opts["no_worker"],
        )
