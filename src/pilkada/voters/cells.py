"""Column parsers for the voter list (DPT) import.

A DPT workbook has up to a million rows, so every parser here works on a whole column at once
with polars expressions: per-row Python would make an import take minutes. Each function takes a
``pl.Series`` of cell text (nulls for empty cells) and returns Series or DataFrames of the same
length, with the normalised ``value`` and an Indonesian ``error`` (null when the cell is fine).

Messages are translated with ``gettext`` when the function runs (so the active language applies)
and filled in per row by :func:`_fmt`, which turns a ``%(name)s`` template into a column
expression. What the cells look like on arrival is described in ``docs/domain.md`` section 4.
"""

from __future__ import annotations

import datetime
import re

import polars as pl
from django.utils.translation import gettext as _

#: Month words seen in Indonesian lists (with the old spellings Pebruari and Nopember) and in
#: English ones, full and abbreviated, lower case.
_MONTH_WORDS = {
    1: "januari january jan",
    2: "februari pebruari february feb peb",
    3: "maret march mar",
    4: "april apr",
    5: "mei may",
    6: "juni june jun",
    7: "juli july jul",
    8: "agustus august agu agt agus aug",
    9: "september sep sept",
    10: "oktober october okt oct",
    11: "november nopember nov nop",
    12: "desember december des dec",
}
_MONTHS = {word: n for n, words in _MONTH_WORDS.items() for word in words.split()}
#: An optional time after a date: Excel date cells read as text end in ``00:00:00``.
_TIME = r"(?:[ T]\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?)?"
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
#: Day 0 of Excel's 1900 date system for every serial from March 1900 on (Excel believes 1900
#: was a leap year, so earlier serials are a day off; no voter was born then).
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_YEAR, _GAP = r"(?P<y>\d{4}|\d{2})", r"[\s\-/.]*"
#: Written dates: ISO (year first), numeric day-first, day then month name, month name then
#: day (English). Numeric dates are named day-first; the column-level check questions that.
_DATES = {
    "iso": rf"^(?P<y>\d{{4}})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}}){_TIME}$",
    "num": rf"^(?P<d>\d{{1,2}})\s*[-/.]\s*(?P<m>\d{{1,2}})\s*[-/.]\s*{_YEAR}{_TIME}$",
    "day_name": rf"^(?P<d>\d{{1,2}}){_GAP}(?P<n>[^\W\d_]+)\.?{_GAP},?{_GAP}{_YEAR}$",
    "name_day": rf"^(?P<n>[^\W\d_]+)\.?{_GAP}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?{_GAP}{_YEAR}$",
}
_OLDEST = datetime.date(1900, 1, 1)


def _fmt(template: str, **parts: pl.Expr | str | int) -> pl.Expr:
    """A translated ``%(name)s`` template as a column expression, one message per row.

    Formatting with Python's ``%`` would need a loop over the rows; concatenating the template's
    literal pieces with the columns keeps the work in polars. A null part gives a null message,
    which is harmless because every message is chosen inside ``pl.when``.
    """
    pieces = []
    for i, chunk in enumerate(_PLACEHOLDER.split(template)):
        if i % 2:
            part = parts[chunk]
            pieces.append(part.cast(pl.String) if isinstance(part, pl.Expr) else pl.lit(str(part)))
        elif chunk:
            pieces.append(pl.lit(chunk.replace("%%", "%")))
    return pl.concat_str(pieces)


def _clean(expr: pl.Expr) -> pl.Expr:
    """Cell text without surrounding spaces, Excel's leading text marker ``'`` or the CSV
    ``="..."`` trick that keeps leading zeros; empty text becomes null so that "empty" has one
    spelling."""
    text = (
        expr.cast(pl.String)
        .str.strip_chars()
        .str.replace(r'^="(.*)"$', "$1")
        .str.strip_chars_start("'")
        .str.strip_chars()
    )
    return pl.when(text == "").then(None).otherwise(text)


def _frame(**columns: pl.Series | None) -> pl.DataFrame:
    lengths = {len(s) for s in columns.values() if s is not None}
    if len(lengths) > 1:
        raise ValueError(f"columns of different lengths: {lengths}")
    return pl.DataFrame({k: s for k, s in columns.items() if s is not None})


def _errors(frame: pl.DataFrame, *conditions: tuple[pl.Expr, pl.Expr]) -> pl.Series:
    """Per row, the message of the first condition that holds (null when none does); the
    conditions go from the most specific cause to the most general.

    Only failing rows get their message built: a million long strings per template would cost
    more than the parsing itself, and most rows of a list are fine.
    """
    code = pl.coalesce(pl.when(when).then(pl.lit(i)) for i, (when, _msg) in enumerate(conditions))
    failed = frame.with_columns(_code=code).with_row_index("_row").filter(pl.col("_code") >= 0)
    message = pl.lit(None, dtype=pl.String)
    for i, (_when, template) in reversed(list(enumerate(conditions))):
        message = pl.when(pl.col("_code") == i).then(template).otherwise(message)
    failed = failed.select("_row", message=message)
    errors = pl.repeat(None, frame.height, dtype=pl.String, eager=True)
    return errors.scatter(failed["_row"], failed["message"]).alias("error")


def _month_names() -> dict[int, str]:
    names = [_("Januari"), _("Februari"), _("Maret"), _("April"), _("Mei"), _("Juni")]
    names += [_("Juli"), _("Agustus"), _("September"), _("Oktober"), _("November")]
    return dict(enumerate([*names, _("Desember")], start=1))


def _dmy(expr: pl.Expr) -> pl.Expr:
    return expr.dt.strftime("%d-%m-%Y")


def _pad(expr: pl.Expr, width: int) -> pl.Expr:
    return expr.cast(pl.String).str.zfill(width)


def _result(frame: pl.DataFrame, value: pl.Expr, error: pl.Series) -> pl.DataFrame:
    return frame.with_columns(error=error).select(
        value=pl.when(pl.col("error").is_null()).then(value), error=pl.col("error")
    )


def _required(label: str) -> str:
    return _("%(label)s wajib diisi.") % {"label": label}


def nik(
    values: pl.Series,
    numeric: pl.Series | None,
    *,
    label: str,
    required: bool = True,
    birth_part: bool | None = None,
) -> pl.DataFrame:
    """Normalise a NIK or NKK column to 16-digit text.

    Excel keeps 15 significant digits, so a NIK that ever was a number has lost its last digit
    (it became 0) and cannot be repaired here: number cells (``numeric``), scientific notation
    and decimal or thousands-grouped spellings are errors that tell the user to re-enter the
    column as text. Spaces, dots and dashes between digit groups (``3273 0101 0185 0001``) are
    only typing and are dropped when exactly 16 digits remain. ``birth_part`` (default: when
    ``label`` is "NIK") checks that digits 7-10 can be a day (+40 for women) and month; the
    NKK has no such part.
    """
    if birth_part is None:
        birth_part = label.upper() == "NIK"
    frame = _frame(raw=values.cast(pl.String), numeric=numeric)
    frame = frame.with_columns(c=_clean(pl.col("raw")))
    frame = frame.with_columns(digits=pl.col("c").str.replace_all(r"[\s.\-]", ""))
    c, digits = pl.col("c"), pl.col("digits")
    flag = pl.col("numeric").cast(pl.Boolean) if numeric is not None else pl.lit(None, pl.Boolean)
    is_number = flag.fill_null(False)
    fix = _("Format kolom %(label)s sebagai Teks, lalu ketik atau tempel ulang %(label)s dari "
            "sumbernya (KTP/KK).")  # fmt: skip
    number_cell = _("%(label)s '%(value)s' adalah sel angka. Excel hanya menyimpan 15 digit "
                    "bermakna, jadi %(lost)s %(fix)s")  # fmt: skip
    t = {
        "masked": _("%(label)s '%(value)s' tersamar (sebagian digit diganti *); impor "
                    "memerlukan %(label)s lengkap dari sumber aslinya."),
        "scientific": _("%(label)s '%(value)s' tersimpan sebagai angka dan ditampilkan dalam "
                        "notasi ilmiah; digit-digit terakhirnya sudah hilang. %(fix)s"),
        "zero": _("digit terakhir kemungkinan besar sudah berubah menjadi 0 karena pembulatan."),
        "lost": _("digit terakhir mungkin sudah hilang."),
        "decimal": _("%(label)s '%(value)s' ditulis sebagai bilangan (dengan desimal atau "
                     "pemisah ribuan): %(label)s ini pernah tersimpan sebagai angka dan digit "
                     "terakhirnya mungkin sudah hilang. %(fix)s"),
        "chars": _("%(label)s '%(value)s' berisi karakter selain angka (%(digits)s angka); "
                   "%(label)s harus tepat 16 angka. Periksa kembali dari KTP/KK."),
        "length": _("%(label)s '%(value)s' berisi %(digits)s angka; %(label)s harus tepat 16 "
                    "angka. Periksa kembali dari KTP/KK."),
        "birth": _("NIK '%(value)s': bagian tanggal lahir NIK tidak mungkin; digit 7-10 "
                   "('%(part)s') harus berupa tanggal 01-31 (41-71 untuk perempuan) lalu bulan "
                   "01-12. Periksa kembali dari KTP."),
    }  # fmt: skip
    # messages are logged and shown: a value long enough to be a NIK is masked like one
    shown = (
        pl.when(c.str.len_chars() >= 12)
        .then(pl.concat_str([c.str.slice(0, c.str.len_chars() - 4), pl.lit("****")]))
        .otherwise(c)
    )
    p = {"label": label, "value": shown, "digits": c.str.count_matches(r"\d")}
    p["fix"] = fix % {"label": label}
    day = digits.str.slice(6, 2).cast(pl.Int32, strict=False)
    month = digits.str.slice(8, 2).cast(pl.Int32, strict=False)
    possible = (day.is_between(1, 31) | day.is_between(41, 71)) & month.is_between(1, 12)
    impossible_birth = pl.lit(birth_part) & ~possible
    rounded = is_number & c.str.contains(r"^\d{15}0(?:[.,]0+)?$")
    required_error = _required(label) if required else None
    error = _errors(
        frame,
        (c.is_null(), pl.lit(required_error, dtype=pl.String)),
        (c.str.contains(r"\*"), _fmt(t["masked"], **p)),
        (c.str.contains(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$"), _fmt(t["scientific"], **p)),
        (rounded, _fmt(number_cell, lost=t["zero"], **p)),
        (is_number, _fmt(number_cell, lost=t["lost"], **p)),
        (c.str.contains(r"^\d+[.,]0+$|^\d{1,3}(?:[.,]\d{3}){4,}$"), _fmt(t["decimal"], **p)),
        (digits.str.contains(r"\D"), _fmt(t["chars"], **p)),
        (digits.str.len_chars() != 16, _fmt(t["length"], **p)),
        (impossible_birth, _fmt(t["birth"], value=shown, part=digits.str.slice(6, 4))),
    )
    return _result(frame, digits, error)


def birth_dates(values: pl.Series, *, polling_day: datetime.date) -> pl.DataFrame:
    """Read a birth-date column into ``pl.Date``.

    Accepts what DPT files contain: ISO dates (with Excel's ``00:00:00``), Excel serials,
    day-first ``17-08-1985`` / ``17/08/1985`` / ``17.08.1985`` and month names in Indonesian or
    English. Guessing is refused: a two-digit year has no known century, a bare ``1985`` is a
    year rather than Excel's day 1985 (1905), and when some dates in the column can only be
    month-first (``08/17/1985``) the column mixes orders, so every date that reads both ways is
    an error rather than a silently wrong birthday.
    """
    frame = _frame(raw=values.cast(pl.String)).with_columns(c=_clean(pl.col("raw")))
    c, kind, y, m, d = (pl.col(n) for n in ("c", "kind", "y", "m", "d"))
    frame = frame.with_columns(
        serial=c.str.extract(r"^(\d{1,5})(?:\.0+)?$", 1).cast(pl.Int32),
        **{name: c.str.extract_groups(pattern) for name, pattern in _DATES.items()},
    )

    def field(name: str, *of: str) -> pl.Expr:
        return pl.coalesce(pl.col(struct).struct.field(name) for struct in of)

    word = field("n", "day_name", "name_day")
    kinds = {"iso": field("y", "iso"), "serial": pl.col("serial"), "num": field("y", "num")}
    frame = frame.with_columns(
        kind=pl.coalesce(
            pl.when(e.is_not_null()).then(pl.lit(k)) for k, e in {**kinds, "name": word}.items()
        ),
        year_text=field("y", *_DATES),
        y=field("y", *_DATES).cast(pl.Int32),
        m=field("m", "iso", "num")
        .cast(pl.Int32)
        .fill_null(
            word.str.to_lowercase().replace_strict(_MONTHS, default=None, return_dtype=pl.Int32)
        ),
        d=field("d", *_DATES).cast(pl.Int32),
        word=word,
    )
    # Numeric dates are read day-first; a and b are their first and second numbers.
    a, b = field("d", "num").cast(pl.Int32), field("m", "num").cast(pl.Int32)
    month_first = (kind == "num") & a.is_between(1, 12) & b.is_between(13, 31)
    examples = frame.filter(month_first)["c"]
    mixed = len(examples) > 0
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    days = pl.when(m == 2).then(28 + leap.cast(pl.Int32))
    days = days.when(m.is_in([4, 6, 9, 11])).then(30).otherwise(31)
    ok = (m.is_between(1, 12) & d.is_between(1, days)).fill_null(False)
    built = pl.date(*(pl.when(ok).then(part).otherwise(1) for part in (y, m, d)))
    serial_date = pl.lit(_EXCEL_EPOCH) + pl.duration(days=pl.col("serial"))
    frame = frame.with_columns(
        ok=ok, date=pl.when(kind == "serial").then(serial_date).when(ok).then(built)
    )
    ok, date = pl.col("ok"), pl.col("date")
    names = _month_names()
    month_name = m.replace_strict(names, default=None, return_dtype=pl.String)
    t = {
        "formats": _("Format yang diterima: 17-08-1985, 17/08/1985, 17.08.1985, 1985-08-17, "
                     "17 Agustus 1985, 17 Agt 1985, atau sel bertipe tanggal di Excel."),
        "formula": _("Tanggal lahir '%(value)s' adalah galat rumus Excel, bukan tanggal; ganti "
                     "dengan tanggal lahirnya sendiri. %(formats)s"),
        "unknown": _("Tanggal lahir '%(value)s' tidak dikenali. %(formats)s"),
        "year_only": _("Tanggal lahir '%(value)s' hanya berisi tahun; tulis tanggal lengkap, "
                       "mis. 17-08-1985."),
        "word": _("Tanggal lahir '%(value)s': nama bulan '%(word)s' tidak dikenal; tulis nama "
                  "bulan lengkap (Januari-Desember) atau singkatannya (Jan, Feb, ..., Des)."),
        "century": _("Tanggal lahir '%(value)s' memakai tahun dua angka, sehingga abadnya tidak "
                     "dapat diketahui (19%(yy)s atau 20%(yy)s?); tulis tahun dengan empat angka."),
        "month_first": _("Tanggal lahir '%(value)s' tidak mungkin: tidak ada bulan %(month)s. "
                         "Kolom ini tampaknya (sebagian) ditulis bulan-dulu (MM/DD/YYYY); tulis "
                         "ulang dengan urutan hari-bulan-tahun (DD-MM-YYYY) atau dengan nama "
                         "bulan, mis. 17 Agustus 1985."),
        "mixed": _("Tanggal lahir '%(value)s' bisa berarti %(first)s atau %(second)s: kolom ini "
                   "mencampur urutan DD/MM dan MM/DD (mis. '%(example)s' hanya mungkin "
                   "bulan-dulu). Tulis ulang dengan nama bulan, mis. 17 Agustus 1985, atau "
                   "sebagai 1985-08-17."),
        "month": _("Tanggal lahir '%(value)s' tidak mungkin: tidak ada bulan %(month)s (bulan "
                   "harus 1-12)."),
        "day": _("Tanggal lahir '%(value)s' tidak mungkin: tidak ada tanggal %(day)s pada "
                 "%(name)s %(year)s (bulan itu %(days)s hari)."),
        "old": _("Tanggal lahir '%(value)s' (%(date)s) tidak mungkin: sebelum tahun 1900."),
        "future": _("Tanggal lahir '%(value)s' (%(date)s) tidak mungkin: sesudah hari "
                    "pemungutan suara %(day)s."),
    }  # fmt: skip
    v = {"value": c, "formats": t["formats"]}
    read = "%(d)s %(m)s %(y)s"
    either = {
        "first": _fmt(read, d=a, m=month_name, y=y),
        "second": _fmt(read, d=b, y=y, m=a.replace_strict(names, default=None)),
        "example": examples[0] if mixed else "",
    }
    ambiguous = (kind == "num") & a.is_between(1, 12) & b.is_between(1, 12) & (a != b)
    written = kind != "serial"
    error = _errors(
        frame,
        (c.is_null(), pl.lit(_("Tanggal lahir wajib diisi."))),
        (c.str.starts_with("#") & kind.is_null(), _fmt(t["formula"], **v)),
        (kind.is_null(), _fmt(t["unknown"], **v)),
        (pl.col("serial").is_between(1900, 2100), _fmt(t["year_only"], **v)),
        ((kind == "name") & m.is_null(), _fmt(t["word"], word=pl.col("word"), **v)),
        (pl.col("year_text").str.len_chars() == 2, _fmt(t["century"], yy=pl.col("year_text"), **v)),
        (pl.lit(mixed) & month_first, _fmt(t["month_first"], month=b, **v)),
        (pl.lit(mixed) & ambiguous, _fmt(t["mixed"], **either, **v)),
        (written & ~m.is_between(1, 12), _fmt(t["month"], month=m, **v)),
        (written & ~ok, _fmt(t["day"], day=d, name=month_name, year=y, days=days, **v)),
        (date < _OLDEST, _fmt(t["old"], date=_dmy(date), **v)),
        (
            date > polling_day,
            _fmt(t["future"], date=_dmy(date), day=_dmy(pl.lit(polling_day)), **v),
        ),
    )
    return _result(frame, date, error)


def nik_consistency(nik: pl.Series, birth_date: pl.Series, sex: pl.Series) -> pl.Series:
    """Warnings where the NIK's birth part (digits 7-12, DDMMYY, DD + 40 for women) disagrees
    with the birth-date or sex column.

    A warning, not an error: either side may be the wrong one, and the KTP settles it. Each
    comparison needs its two values; a null on either side leaves that comparison out. The
    NIK's two-digit year is shown in the century nearest the birth-date column.
    """
    frame = _frame(nik=nik.cast(pl.String), born=birth_date.cast(pl.Date), sex=sex.cast(pl.String))
    n, born, column_sex = pl.col("nik"), pl.col("born"), pl.col("sex")
    dd, mm, yy = (n.str.slice(i, 2).cast(pl.Int32, strict=False) for i in (6, 8, 10))
    female = dd > 40
    day = pl.when(female).then(dd - 40).otherwise(dd)
    year = born.dt.year() - born.dt.year() % 100 + yy
    year = year - 100 * (year - born.dt.year() > 50) + 100 * (born.dt.year() - year > 50)
    valid = n.str.contains(r"^\d{16}$")
    date_differs = valid & (
        (day != born.dt.day()) | (mm != born.dt.month()) | (yy != born.dt.year() % 100)
    )
    sex_differs = valid & column_sex.is_in(["L", "P"]) & (female != (column_sex == "P"))
    t = {
        "both": _("NIK menyiratkan lahir %(nik_date)s (%(nik_sex)s), kolom tanggal lahir "
                  "%(date)s dan jenis kelamin %(sex)s."),
        "date": _("NIK menyiratkan lahir %(nik_date)s (%(nik_sex)s), kolom tanggal lahir "
                  "%(date)s."),
        "sex": _("NIK menyiratkan %(nik_sex)s (tanggal lahir pada NIK %(dd)s; untuk perempuan "
                 "ditambah 40), kolom jenis kelamin %(sex)s."),
    }  # fmt: skip
    p = {
        "nik_date": _fmt("%(d)s-%(m)s-%(y)s", d=_pad(day, 2), m=n.str.slice(8, 2), y=year),
        "nik_sex": pl.when(female).then(pl.lit(_("perempuan"))).otherwise(pl.lit(_("laki-laki"))),
        "date": _dmy(born),
        "sex": column_sex,
        "dd": n.str.slice(6, 2),
    }
    warning = _errors(
        frame,
        (date_differs & sex_differs, _fmt(t["both"], **p)),
        (date_differs, _fmt(t["date"], **p)),
        (sex_differs, _fmt(t["sex"], **p)),
    )
    return warning.alias("warning")


def _choice(
    values: pl.Series,
    mapping: dict[str, str],
    label: str,
    accepted: str,
    empty: str | None,
    prefix: str | None = None,
) -> pl.DataFrame:
    """Map free spellings to codes through a table of normalised keys: upper case, a trailing
    ``.0`` of number cells dropped, every run of punctuation or spaces made one space (so
    ``Laki-laki`` = ``LAKI  LAKI``), a ``prefix`` (its group is kept) removed. ``empty`` is
    the value of an empty cell; None makes the column required."""
    frame = _frame(raw=values.cast(pl.String)).with_columns(c=_clean(pl.col("raw")))
    c = pl.col("c")
    key = c.str.replace(r"\.0+$", "").str.to_uppercase()
    key = key.str.replace_all(r"[^\p{L}\p{N}/]+", " ").str.replace_all(r"\s*/\s*", "/")
    key = key.str.strip_chars()
    key = key.str.replace(prefix, "$1") if prefix else key
    frame = frame.with_columns(
        value=key.replace_strict(mapping, default=None, return_dtype=pl.String)
    )
    value = pl.col("value")
    unknown = _("%(label)s '%(value)s' tidak dikenali; isi dengan %(accepted)s.")
    error = _errors(
        frame,
        (c.is_null(), pl.lit(None if empty is not None else _required(label), pl.String)),
        (value.is_null(), _fmt(unknown, label=label, value=c, accepted=accepted)),
    )
    return _result(frame, pl.when(c.is_null()).then(pl.lit(empty)).otherwise(value), error)


def _codes(spellings: dict[str, str]) -> dict[str, str]:
    return {word: code for code, words in spellings.items() for word in words.split(",")}


def sex(values: pl.Series) -> pl.DataFrame:
    """Jenis kelamin as ``L``/``P``, from the codes or the words lists spell out."""
    mapping = _codes({"L": "L,LK,LAKI,LAKI LAKI,LAKI2,PRIA", "P": "P,PR,PEREMPUAN,WANITA"})
    return _choice(
        values, mapping, _("Jenis kelamin"), _("L (laki-laki) atau P (perempuan)"), empty=None
    )


def marital(values: pl.Series) -> pl.DataFrame:
    """Status perkawinan as ``B``/``S``/``P``. Divorced and widowed count as ``P`` (pernah
    kawin): what matters for the list is that they may vote under 17."""
    mapping = _codes(
        {
            "B": "B,BELUM KAWIN,BELUM MENIKAH",
            "S": "S,KAWIN,SUDAH KAWIN,MENIKAH,SUDAH MENIKAH",
            "P": "P,PERNAH KAWIN,PERNAH MENIKAH,CERAI,CERAI HIDUP,CERAI MATI,JANDA,DUDA",
        }
    )
    accepted = _("B (belum kawin), S (sudah kawin) atau P (pernah kawin)")
    return _choice(values, mapping, _("Status perkawinan"), accepted, empty=None)


def disability(values: pl.Series) -> pl.DataFrame:
    """Keterangan disabilitas as a code of the current KPU list (``fisik``, ``intelektual``,
    ``mental``, ``wicara``, ``rungu``, ``netra``, ``lainnya``; ``""`` for none).

    Older lists used the words tuna daksa/netra/rungu/wicara/grahita and the numbers 1-5; they
    map onto the current categories, "rungu/wicara" (one old category) onto ``rungu``. Words
    that only say "disability" (``SENSORIK``, ``TUNA``, ...) are dropped before matching.
    """
    words = {
        "": ",-,0,TIDAK ADA",
        "fisik": "FISIK,DAKSA,1",
        "intelektual": "INTELEKTUAL,GRAHITA,4",
        "mental": "MENTAL",
        "wicara": "WICARA",
        "rungu": "RUNGU,RUNGU/WICARA,WICARA/RUNGU,RUNGU WICARA,3",
        "netra": "NETRA,2",
        "lainnya": "LAINNYA,5",
    }
    prefix = r"^(?:(?:PENYANDANG|DISABILITAS|SENSORIK|TUNA) ?)+(\w)"
    accepted = _("kosong atau - (tidak ada), fisik, intelektual, mental, sensorik wicara, "
                 "sensorik rungu, sensorik netra, lainnya, atau kode lama 1-5 (1 tuna daksa, "
                 "2 tuna netra, 3 tuna rungu/wicara, 4 tuna grahita, 5 lainnya)")  # fmt: skip
    label = _("Keterangan disabilitas")
    return _choice(values, _codes(words), label, accepted, empty="", prefix=prefix)


def _age(born: pl.Expr, day: datetime.date) -> pl.Expr:
    before_birthday = (born.dt.month() > day.month) | (
        (born.dt.month() == day.month) & (born.dt.day() > day.day)
    )
    return (pl.lit(day.year) - born.dt.year() - before_birthday.cast(pl.Int32)).cast(pl.Int32)


def age_on(birth_date: pl.Series, polling_day: datetime.date) -> pl.Series:
    """Age in whole years on ``polling_day`` (for the first-time voter count): the birthday
    itself counts, and someone born on 29 February turns a year older on 1 March."""
    frame = _frame(born=birth_date.cast(pl.Date))
    return frame.select(age=_age(pl.col("born"), polling_day)).to_series()


def eligibility(
    birth_date: pl.Series, marital: pl.Series, *, polling_day: datetime.date
) -> pl.Series:
    """Errors for voters who may not vote: under 17 on polling day and never married.

    Age counts on polling day, not at list closing (``domain.md`` section 4). ``marital`` holds
    the codes of :func:`marital`. Rows without a birth date, or born after polling day, are
    left to :func:`birth_dates`' own error.
    """
    frame = _frame(born=birth_date.cast(pl.Date), marital=marital.cast(pl.String))
    age, status = _age(pl.col("born"), polling_day), pl.col("marital")
    under_age = age.is_between(0, 16) & ~status.is_in(["S", "P"]).fill_null(False)
    template = _("Pemilih berumur %(age)s tahun pada hari pemungutan suara %(day)s dan "
                 "%(status)s; pemilih harus berumur 17 tahun atau sudah/pernah kawin.")  # fmt: skip
    unmarried = pl.when(status.is_null()).then(pl.lit(_("status perkawinannya kosong")))
    unmarried = unmarried.otherwise(pl.lit(_("belum kawin")))
    message = _fmt(template, age=age, day=_dmy(pl.lit(polling_day)), status=unmarried)
    return _errors(frame, (under_age, message))


def text(values: pl.Series) -> pl.Series:
    """Free text (names, places, addresses) with surrounding and repeated inner whitespace
    removed, so that duplicate search compares names, not spacing; empty is ``""``."""
    frame = _frame(raw=values.cast(pl.String))
    # control characters (a NUL from a broken export) are never text; PostgreSQL refuses NUL
    visible = pl.col("raw").str.replace_all(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "")
    cleaned = _clean(visible).str.replace_all(r"\s+", " ")
    return frame.select(value=cleaned.fill_null("")).to_series()


def rt_rw(values: pl.Series, *, label: str = "RT/RW") -> pl.DataFrame:
    """RT or RW as three zero-padded digits (``1``, ``01``, ``1.0``, ``RT 1`` → ``001``), the
    form KPU prints, so that one RT is one value whatever the cell type; empty is ``""``."""
    frame = _frame(raw=values.cast(pl.String)).with_columns(shown=_clean(pl.col("raw")))
    c = pl.col("shown").str.replace(r"(?i)^R[TW]\.?\s*", "")
    frame = frame.with_columns(c=pl.when(c.is_in(["", "-"])).then(None).otherwise(c))
    c, number = pl.col("c"), pl.col("c").str.extract(r"^(\d+)(?:[.,]0+)?$", 1)
    short = number.str.replace(r"^0+(\d)", "$1")
    p = {"label": label, "value": pl.col("shown")}
    not_number = _fmt(_("%(label)s '%(value)s' harus berupa angka, mis. 001."), **p)
    too_long = _fmt(_("%(label)s '%(value)s' lebih dari tiga angka."), **p)
    error = _errors(
        frame,
        (c.is_not_null() & number.is_null(), not_number),
        (short.str.len_chars() > 3, too_long),
    )
    return _result(frame, pl.when(c.is_null()).then(pl.lit("")).otherwise(_pad(short, 3)), error)
