"""Indonesian words for the parts of ``--help`` and usage errors that argparse writes itself.

argparse looks its texts up through the module-level ``argparse._`` (GNU gettext, for which
Python ships no Indonesian catalog). ``install()`` points it at this table while the active
language is Indonesian, so ``pilkada import tps --help`` reads "pemakaian:", "opsi" and so on.
"""

from __future__ import annotations

import argparse
import gettext

INDONESIAN = {
    "usage: ": "pemakaian: ",
    "positional arguments": "argumen",
    "options": "opsi",
    "show this help message and exit": "tampilkan bantuan ini lalu keluar",
    "%(prog)s: error: %(message)s\n": "%(prog)s: kesalahan: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argumen %(argument_name)s: %(message)s",
    "the following arguments are required: %s": "argumen berikut wajib diisi: %s",
    "unrecognized arguments: %s": "argumen tidak dikenal: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "pilihan tidak sah: %(value)r (pilih salah satu: %(choices)s)"
    ),
    "invalid %(type)s value: %(value)r": "nilai %(type)s tidak sah: %(value)r",
    "expected one argument": "perlu satu nilai",
    "expected at least one argument": "perlu sedikitnya satu nilai",
    "expected at most one argument": "paling banyak satu nilai",
    "ambiguous option: %(option)s could match %(matches)s": (
        "opsi %(option)s tidak jelas: bisa berarti %(matches)s"
    ),
    "not allowed with argument %s": "tidak boleh bersama argumen %s",
    "one of the arguments %s is required": "salah satu argumen %s wajib diisi",
    "can't open '%(filename)s': %(error)s": "tidak dapat membuka '%(filename)s': %(error)s",
}


def _indonesian(message: str) -> str:
    return INDONESIAN.get(message, message)


def install(language: str) -> None:
    """Use Indonesian argparse texts for ``id``; the standard (English) ones otherwise."""
    argparse._ = _indonesian if language.split("-")[0] == "id" else gettext.gettext
