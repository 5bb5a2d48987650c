"""The ``pilkada`` command: a thin dispatcher to Django management commands.

``pilkada import tps FILE`` runs the ``import`` management command, and any Django command
(``pilkada migrate``, ``pilkada createsuperuser``…) is reachable the same way.
``PILKADA_LANGUAGE=en`` switches messages to English.
"""

from __future__ import annotations

import os
import sys


def gettext_noop(message: str) -> str:
    """Marks ``message`` for makemessages without needing Django's settings (see ``_help``)."""
    return message


HELP = gettext_noop("""\
Pilkada — data pemilihan kepala daerah yang terintegrasi dengan Excel.

Pemakaian: pilkada PERINTAH [opsi]

Perintah utama:
  demo                 muat pemilihan contoh (data simulasi) sekali, lalu jalankan server web
  serve                jalankan server web (bawaan http://127.0.0.1:8000) dan pekerja latar
  worker               pekerja latar unggahan hasil dan DPT, bila server memakai --no-worker
  import wilayah FILE  impor kode dan nama wilayah Kemendagri (.xlsx, .xls, .ods, .csv)
  import tps FILE      impor TPS: kode desa, nomor TPS, DPT laki-laki/perempuan
  import paslon FILE   impor pasangan calon sebuah pemilihan (--election KODE)
  import hasil FILE    impor hasil formulir C.Hasil, satu baris per TPS (--election KODE)
  import dpt FILE...   impor daftar pemilih tetap (DPT) susunan KPU (--election KODE)
  dpt duplicates       pemilih ganda dalam DPT (tiga tingkat) ke buku kerja .xlsx
  dpt stats            jumlah pemilih per tingkat wilayah (--format table|json|csv)
  dpt export           DPT per TPS susunan KPU ke .xlsx (NIK/NKK tersamar)
  template hasil       buku kerja isian hasil TPS per kecamatan untuk diisi di Excel
  election create      buat pemilihan baru
  election list        daftar pemilihan (--format table|json)
  recap                rekapitulasi hasil per tingkat wilayah (--format table|json|csv)
  export rekap         buku kerja rekap susunan formulir KPU (.xlsx dengan rumus dan grafik)
  check                formulir C.Hasil yang melanggar aturan R1–R13, dengan temuannya
  audit verify         periksa rantai hash catatan perubahan; sebut mata rantai yang putus
  audit export         tulis seluruh catatan perubahan ke buku kerja .xlsx
  backup FILE          cadangkan seluruh basis data selagi server berjalan
  restore FILE --yes   pulihkan basis data dari cadangan (mengganti seluruh isinya)
  saksi impor FILE     buat akun saksi sekaligus dari daftar Excel (--output akun.xlsx)

Perintah Django lain: pilkada help --commands
Bantuan satu perintah: pilkada PERINTAH --help
Bahasa Inggris: PILKADA_LANGUAGE=en pilkada ...
""")


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilkada.settings")
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in {"-h", "--help", "bantuan"}:
        print(_help(), end="")
        return 0
    import django
    from django.core.management import execute_from_command_line
    from django.utils import translation

    django.setup()
    if os.environ.get("PILKADA_LANGUAGE"):
        translation.activate(os.environ["PILKADA_LANGUAGE"])
    execute_from_command_line(["pilkada", *argv])
    return 0


def _help() -> str:
    """The overview; translating it (``PILKADA_LANGUAGE``) needs Django set up, plain help not."""
    language = os.environ.get("PILKADA_LANGUAGE")
    if not language:
        return HELP
    import django
    from django.utils import translation

    django.setup()
    with translation.override(language):
        return translation.gettext(HELP)


if __name__ == "__main__":
    sys.exit(main())
