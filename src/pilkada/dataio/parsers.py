"""Cell value parsers: raw spreadsheet value in, typed value out, or ``ValueError``.

A raw value is what the readers give: ``str``, ``float`` (python-calamine returns every number
as a float, ``12.0``), ``int``, ``bool``, ``date``/``datetime``/``time``/``timedelta``, or
None/``""`` for an empty cell. Every parser accepts an empty cell and returns its blank value
(None or ``""``); whether a column may be empty is the column spec's business. The message of
the ``ValueError`` is Indonesian, shows the offending value, and is shown to the user as is.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from pilkada.regions.codes import (
    is_valid_code,
    normalise_tps_number,
    sirekap_tps_id,
    split_sirekap_tps_id,
)

# Floats hold every integer exactly only up to 2**53; beyond that a "count" stored as a float has
# already lost digits.
MAX_EXACT_FLOAT = 2**53

_DIGITS = re.compile(r"[0-9]+", re.ASCII)
# 1.234 / 1,234 / 1.234.567: groups of exactly three digits after the first, one separator kind.
_GROUPED = re.compile(r"[0-9]{1,3}(?:([.,])[0-9]{3})(?:\1[0-9]{3})*", re.ASCII)
# 12.0 / 12,00: a spreadsheet's or a CSV writer's float spelling of an integer. Three zeros are
# a thousands group (1.000 is one thousand), so at most two.
_TRAILING_ZEROS = re.compile(r"([0-9]+)[.,]0{1,2}", re.ASCII)
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)
_TPS_PREFIX = re.compile(r"^tps\s*", re.IGNORECASE)
_MAX_SHOWN = 40


def is_empty(value: object) -> bool:
    """None, or a string of nothing but whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def shown(value: object) -> str:
    """A value as a message shows it: text quoted (and shortened), numbers as they are."""
    if isinstance(value, str):
        if len(value) > _MAX_SHOWN:
            value = value[:_MAX_SHOWN] + "…"
        return f"'{value}'"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def text(value: object) -> str:
    """Text, stripped; numbers as they look (``12.0`` → ``"12"``); empty → ``""``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def count(value: object) -> int | None:
    """A non-negative whole number: ``12``, ``12.0``, ``" 12 "``, ``"1.234"``, ``"1,234"``.

    Rejects fractions (``12.5``, ``"12,5"``, ``"1.2"``), negatives, text, TRUE/FALSE and dates.
    Empty → None.
    """
    if type(value) is float and value.is_integer() and 0 <= value <= MAX_EXACT_FLOAT:
        return int(value)  # the common cell, first
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise ValueError(_("bukan bilangan bulat: %(v)s") % {"v": shown(value)})
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError(_("bukan bilangan bulat: %(v)s") % {"v": shown(value)})
        if abs(value) > MAX_EXACT_FLOAT:
            raise ValueError(_("angka terlalu besar: %(v)s") % {"v": shown(value)})
        number = int(value)
    elif isinstance(value, str):
        number = _count_from_text(value)
    elif isinstance(value, dt.date | dt.time | dt.timedelta):
        raise ValueError(
            _("berisi tanggal/waktu, bukan bilangan: %(v)s; format kolom sebagai Angka")
            % {"v": shown(value)}
        )
    else:
        raise ValueError(_("bukan bilangan bulat: %(v)s") % {"v": shown(value)})
    if number < 0:
        raise ValueError(_("tidak boleh negatif: %(v)s") % {"v": shown(value)})
    return number


def _count_from_text(value: str) -> int:
    s = value.strip().replace("\u2212", "-")
    digits: str | None = None
    if _DIGITS.fullmatch(s):
        digits = s
    elif _GROUPED.fullmatch(s):
        digits = s.replace(".", "").replace(",", "")
    elif m := _TRAILING_ZEROS.fullmatch(s):
        digits = m.group(1)
    elif s.startswith("-") and (
        _DIGITS.fullmatch(s[1:]) or _GROUPED.fullmatch(s[1:]) or _TRAILING_ZEROS.fullmatch(s[1:])
    ):
        raise ValueError(_("tidak boleh negatif: %(v)s") % {"v": shown(value)})
    if digits is None:
        raise ValueError(_("bukan bilangan bulat: %(v)s") % {"v": shown(value)})
    try:
        return int(digits)
    except ValueError:  # more digits than int() accepts from text
        raise ValueError(_("angka terlalu besar: %(v)s") % {"v": shown(value)}) from None


def region_code(value: object) -> str | None:
    """A dotted Kemendagri code (``62.10.02.1012``), checked with ``regions.codes``.

    A number cell is refused unless it is a two-digit province code: Excel turns ``62.10`` into
    the number 62.1 and ``62.10.02`` cannot be a number at all, so a numeric code column has
    already lost information. Codes without dots (Sirekap style) are refused with a hint.
    """
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise ValueError(_("kode wilayah tidak sah: %(v)s") % {"v": shown(value)})
    if isinstance(value, int | float):
        if float(value).is_integer() and is_valid_code(str(int(value))):
            return str(int(value))
        raise ValueError(
            _(
                "kode wilayah tersimpan sebagai angka (%(v)s), sehingga titik dan angka nolnya "
                "bisa hilang; format kolom sebagai Teks lalu ketik ulang kodenya, "
                "mis. '62.10.02.1012'"
            )
            % {"v": shown(value)}
        )
    if not isinstance(value, str):
        raise ValueError(_("kode wilayah tidak sah: %(v)s") % {"v": shown(value)})
    code = value.strip()
    if is_valid_code(code):
        return code
    if _DIGITS.fullmatch(code):
        if len(code) in (4, 6, 10):
            widths = (2, 2, 2, 4)
            parts, pos = [], 0
            for w in widths:
                if pos >= len(code):
                    break
                parts.append(code[pos : pos + w])
                pos += w
            raise ValueError(
                _("kode wilayah tanpa titik: %(v)s; tulis dengan titik, mis. '%(s)s'")
                % {"v": shown(value), "s": ".".join(parts)}
            )
        if len(code) == 13:
            raise ValueError(
                _(
                    "%(v)s tampaknya ID TPS Sirekap (kode desa + nomor TPS); isi kolom ini "
                    "dengan kode desa bertitik, mis. '%(s)s'"
                )
                % {"v": shown(value), "s": f"{code[0:2]}.{code[2:4]}.{code[4:6]}.{code[6:10]}"}
            )
    raise ValueError(
        _("kode wilayah Kemendagri tidak sah: %(v)s (contoh: '62.10.02.1012')")
        % {"v": shown(value)}
    )


def tps_number(value: object) -> str | None:
    """A TPS number as three digits: ``1``, ``1.0``, ``"01"``, ``"TPS 1"`` → ``"001"``."""
    if is_empty(value):
        return None
    error = ValueError(
        _("nomor TPS tidak sah: %(v)s (harus bilangan bulat 1–999)") % {"v": shown(value)}
    )
    if isinstance(value, bool):
        raise error
    if isinstance(value, float):
        if not value.is_integer():
            raise error
        value = int(value)
    if isinstance(value, str):
        value = _TPS_PREFIX.sub("", value.strip())
    if not isinstance(value, str | int):
        raise error
    try:
        return normalise_tps_number(value)
    except ValueError:
        raise error from None


def decimal_or_none(value: object) -> Decimal | None:
    """A decimal number such as a coordinate (``-1.2345``, ``"113,85"``); empty → None."""
    if is_empty(value):
        return None
    error = ValueError(_("bukan angka desimal: %(v)s") % {"v": shown(value)})
    if isinstance(value, bool):
        raise error
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        result = Decimal(repr(value))  # the shortest spelling: 1.1 stays 1.1
    elif isinstance(value, str):
        s = value.strip().replace("\u2212", "-")
        if "," in s:
            if "." in s or s.count(",") > 1:
                raise error
            s = s.replace(",", ".")
        if not _DECIMAL.fullmatch(s):
            raise error
        try:
            result = Decimal(s)
        except InvalidOperation:
            raise error from None
    else:
        raise error
    if not result.is_finite():
        raise error
    return result


def tps_id(value: object) -> str | None:
    """A TPS id as KPU's Sirekap writes it: the desa code without dots + the TPS number.

    ``6210021012003`` (13 digits). A number cell is fine here: 13 digits fit a spreadsheet
    number exactly. A dotted desa code with a TPS number is accepted too
    (``62.10.02.1012.003``).
    """
    if is_empty(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        text_value = value.strip()
        dotted = text_value.rsplit(".", 1)
        if len(dotted) == 2 and is_valid_code(dotted[0]) and dotted[0].count(".") == 3:
            try:
                return sirekap_tps_id(dotted[0], normalise_tps_number(dotted[1]))
            except ValueError:
                pass
        try:
            split_sirekap_tps_id(text_value)
            return text_value
        except ValueError:
            pass
    raise ValueError(
        _(
            "kode TPS tidak sah: %(v)s (13 angka: kode desa tanpa titik + nomor TPS, "
            "mis. '6210021012003')"
        )
        % {"v": shown(value)}
    )
