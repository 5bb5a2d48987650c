from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from pilkada.access.witnesses import (
    credentials_workbook,
    import_witnesses,
    preview_witnesses,
    write_private_file,
)
from pilkada.core.command import PilkadaCommand
from pilkada.core.imports import ImportRejected


class Command(PilkadaCommand):
    help = _(
        "Buat akun saksi sekaligus dari daftar .xlsx, .xls, .ods atau .csv dengan kolom NAMA, "
        "NOMOR HP, KODE TPS (satu atau beberapa ID TPS Sirekap) dan NAMA PENGGUNA (opsional). "
        "Nomor HP yang sudah dimiliki sebuah akun hanya menambah TPS akun itu. Nama pengguna "
        "dan kata sandi awal akun baru ditulis sekali ke --output dan tidak disimpan di tempat "
        "lain."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True, metavar="impor")
        p = sub.add_parser("impor", help=self.help, description=self.help)
        p.add_argument("file", metavar="FILE", help=_("daftar saksi yang diimpor"))
        p.add_argument(
            "--dry-run",
            action="store_true",
            help=_("periksa dan laporkan tanpa membuat akun apa pun"),
        )
        p.add_argument(
            "--output",
            metavar="FILE",
            help=_(
                "buku kerja .xlsx baru untuk nama pengguna dan kata sandi awal (wajib, kecuali "
                "dengan --dry-run; berkas yang sudah ada tidak ditimpa)"
            ),
        )

    def handle(self, *args, **opts):
        path, dry_run, output = opts["file"], opts["dry_run"], opts["output"]
        if not dry_run:
            if not output:
                raise CommandError(
                    _("Sebutkan --output FILE.xlsx untuk daftar akun dan kata sandi awalnya.")
                )
            if Path(output).exists():
                raise CommandError(
                    _("Berkas %(f)s sudah ada; sebutkan nama berkas baru.") % {"f": output}
                )
            if not Path(output).parent.resolve().is_dir():
                raise CommandError(_("Folder untuk %(f)s tidak ada.") % {"f": output})
        written: list[Path] = []

        def deliver(credentials):
            write_private_file(output, credentials_workbook(credentials))
            written.append(Path(output))

        try:
            if dry_run:
                plan = preview_witnesses(path, isolated=True)
                if not plan.ok:
                    raise ImportRejected(plan.errors)
            else:
                plan = import_witnesses(
                    path, created_by=None, channel="cli", isolated=True, deliver=deliver
                ).plan
        except BaseException as exc:
            for file in written:  # the accounts were rolled back: these passwords open nothing
                file.unlink(missing_ok=True)
            if isinstance(exc, ImportRejected):
                for message in exc.messages:
                    self.stderr.write(message)
                raise CommandError(
                    _("Berkas %(f)s ditolak: %(n)d kesalahan; tidak ada akun yang dibuat.")
                    % {"f": path, "n": exc.count}
                ) from None
            if isinstance(exc, OSError):
                raise CommandError(
                    _("Tidak dapat menulis %(f)s: %(e)s; tidak ada akun yang dibuat.")
                    % {"f": output, "e": exc.strerror or exc}
                ) from None
            raise
        for person in plan.people:
            if person.exists:
                what = (
                    _("akun sudah ada, TPS baru: %(tps)s") % {"tps": ", ".join(person.new_tps)}
                    if person.new_tps
                    else _("akun sudah ada, tidak ada yang berubah")
                )
            else:
                what = _("akun baru, TPS: %(tps)s") % {"tps": ", ".join(person.tps)}
            self.stdout.write(
                _("Baris %(row)d: %(name)s (%(user)s) — %(what)s")
                % {"row": person.row, "name": person.name, "user": person.username, "what": what}
            )
        if dry_run:
            self.stdout.write(_("Uji coba (tidak ada yang ditulis): ") + plan.describe())
            return
        self.stdout.write(plan.describe())
        self.stdout.write(
            _(
                "Nama pengguna dan kata sandi awal ditulis ke %(f)s (hanya dapat dibaca oleh "
                "Anda). Berikan setiap akun hanya kepada pemiliknya, lalu hapus berkas itu."
            )
            % {"f": output}
        )
