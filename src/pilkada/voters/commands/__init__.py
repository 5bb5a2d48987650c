"""The ``pilkada dpt …`` sub-commands and ``pilkada import dpt``."""

from django.utils.translation import gettext as _


def add_workbook_arguments(parser) -> None:
    """``--output FILE.xlsx`` and ``--nik-penuh``, shared by the reports that list voters."""
    parser.add_argument(
        "--output", required=True, metavar="FILE.xlsx", help=_("berkas keluaran (.xlsx)")
    )
    parser.add_argument(
        "--nik-penuh",
        dest="full_nik",
        action="store_true",
        help=_(
            "tulis NIK/NKK lengkap, tanpa disamarkan; setiap ekspor seperti ini dicatat "
            "sebagai akses data pribadi (UU 27/2022)"
        ),
    )
