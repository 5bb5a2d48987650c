"""Kemendagri region codes: pure helpers, no database.

A code is a dotted path (``62``, ``62.10``, ``62.10.02``, ``62.10.02.1012``): each region's code
starts with its parent's, so "everything under X" is a prefix match. KPU's Sirekap writes the
same codes without dots and a TPS as the 10-digit desa code plus a 3-digit number.
"""

from __future__ import annotations

import re

LEVELS = ("provinsi", "kabkota", "kecamatan", "desa")
SEGMENT_WIDTHS = (2, 2, 2, 4)
CODE_RE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
TPS_NUMBER_RE = re.compile(r"^\d{1,3}$")
SIREKAP_TPS_RE = re.compile(r"^\d{13}$")


def is_valid_code(code: str) -> bool:
    return bool(CODE_RE.match(code))


def level_of(code: str) -> str:
    """The level a code's depth means: ``62.10`` → ``kabkota``."""
    return LEVELS[code.count(".")]


def parent_of(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def ancestors(code: str) -> list[str]:
    """Every enclosing code, outermost first, including the code itself."""
    parts = code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def is_within(code: str, ancestor: str) -> bool:
    """Whether ``code`` is ``ancestor`` or lies under it; everything lies under ``""``."""
    return ancestor == "" or code == ancestor or code.startswith(ancestor + ".")


def is_kelurahan(desa_code: str) -> bool:
    """A desa code whose last segment starts with 1 is a kelurahan, with 2 a desa."""
    return level_of(desa_code) == "desa" and desa_code.rsplit(".", 1)[1].startswith("1")


def is_kota(kab_code: str) -> bool:
    """Kota codes have 7 as the first digit of their second segment (62.71 Palangka Raya)."""
    return level_of(kab_code) == "kabkota" and kab_code.split(".")[1].startswith("7")


def normalise_tps_number(number: str | int) -> str:
    """``3``, ``"3"``, ``"03"`` → ``"003"``; raises ValueError on anything else."""
    text = str(number).strip()
    if text.endswith(".0"):  # a spreadsheet that stored the number as a float
        text = text[:-2]
    if not TPS_NUMBER_RE.match(text) or int(text) == 0:
        raise ValueError(text)
    return text.zfill(3)


def sirekap_tps_id(desa_code: str, number: str) -> str:
    """``62.10.02.1012`` + ``003`` → ``6210021012003``."""
    return desa_code.replace(".", "") + number


def split_sirekap_tps_id(tps_id: str) -> tuple[str, str]:
    """``6210021012003`` → (``62.10.02.1012``, ``003``); raises ValueError if malformed."""
    tps_id = tps_id.strip()
    if not SIREKAP_TPS_RE.match(tps_id):
        raise ValueError(tps_id)
    d = tps_id
    return f"{d[0:2]}.{d[2:4]}.{d[4:6]}.{d[6:10]}", d[10:13]
