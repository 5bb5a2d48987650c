from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from pilkada.core.command import PilkadaCommand
from pilkada.core.server import serve
from pilkada.demo.load import (
    DEMO_PASSWORD,
    DEMO_ROLE_USERS,
    DEMO_USERNAME,
    DemoRefused,
    load_demo,
)


class Command(PilkadaCommand):
    help = _(
        "Muat pemilihan contoh Kabupaten Gunung Mas (wilayah resmi, TPS dan hasil SIMULASI) "
        "sekali, lalu jalankan server web dan cetak akun masuknya."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve", action="store_true", help=_("hanya muat data, tanpa server web")
        )
        parser.add_argument("--host", default="127.0.0.1", help=_("alamat (bawaan 127.0.0.1)"))
        parser.add_argument("--port", type=int, default=8000, help=_("port (bawaan 8000)"))

    def handle(self, *args, **opts):
        call_command("migrate", interactive=False, verbosity=0)
        try:
            election, loaded = load_demo()
        except DemoRefused as exc:
            raise CommandError(str(exc)) from None
        if loaded:
            self.stdout.write(
                _("Pemilihan contoh dimuat: %(name)s (kode %(code)s).")
                % {"name": election.name, "code": election.code}
            )
        else:
            self.stdout.write(
                _("Pemilihan contoh sudah ada: %(name)s (kode %(code)s).")
                % {"name": election.name, "code": election.code}
            )
        self.stdout.write(_("DATA SIMULASI: TPS, paslon dan hasil bukan data sebenarnya."))
        self.stdout.write(
            _("Masuk dengan pengguna '%(u)s' dan kata sandi awal '%(p)s'.")
            % {"u": DEMO_USERNAME, "p": DEMO_PASSWORD}
        )
        self.stdout.write(
            _("Akun peran lain, kata sandi sama: %(users)s.")
            % {"users": ", ".join(u for u, _role, _region in DEMO_ROLE_USERS)}
        )
        if not opts["no_serve"]:
            serve(host=opts["host"], port=opts["port"], stdout=self.stdout)
