"""Column parsers of the DPT import: every accepted spelling, every error and its message."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pilkada.voters import cells

POLLING_DAY = dt.date(2024, 11, 27)
NIK = "3273011708850001"  # born 17-08-1985, a man
NIK_WOMAN = "3273015708850001"  # born 17-08-1985, a woman (17 + 40)


def s(*values) -> pl.Series:
    return pl.Series(list(values), dtype=pl.String)


def one(frame: pl.DataFrame) -> tuple:
    """(value, error) of a one-row result."""
    assert frame.columns == ["value", "error"]
    return frame["value"][0], frame["error"][0]


def nik_one(value, *, numeric=False, label="NIK", required=True) -> tuple:
    return one(cells.nik(s(value), pl.Series([numeric]), label=label, required=required))


def date_one(value) -> tuple:
    return one(cells.birth_dates(s(value), polling_day=POLLING_DAY))


# NIK / NKK


@pytest.mark.parametrize(
    "raw",
    [
        NIK,
        f"  {NIK} ",
        f"'{NIK}",
        f" '{NIK}",
        f'="{NIK}"',
        "3273 0117 0885 0001",
        "3273.0117.0885.0001",
        "3273-0117-0885-0001",
        "327301 170885 0001",
        NIK_WOMAN,
    ],
)
def test_nik_accepted_spellings(raw):
    value, error = nik_one(raw)
    assert error is None
    assert value in (NIK, NIK_WOMAN)


def test_nik_inner_spaces_are_typing():
    assert nik_one("3273 0101 0185 0001") == ("3273010101850001", None)


@pytest.mark.parametrize("raw", ["3.27301E+15", "3,27301E+15", "3.27301e15", "3.2E+15"])
def test_nik_scientific_notation(raw):
    value, error = nik_one(raw)
    assert value is None
    assert f"'{raw}'" in error
    assert "notasi ilmiah" in error and "hilang" in error and "Teks" in error


def test_nik_number_cell_ending_in_zero_says_the_digit_became_zero():
    value, error = nik_one("3273010101850000", numeric=True)
    assert value is None
    assert "'327301010185****'" in error  # masked even in a message
    assert "sel angka" in error and "15 digit" in error
    assert "berubah menjadi 0" in error
    assert "Teks" in error and "tempel ulang" in error


def test_nik_number_cell_not_ending_in_zero_still_refused():
    value, error = nik_one("3273010101850001", numeric=True)
    assert value is None
    assert "sel angka" in error and "15 digit" in error
    assert "berubah menjadi 0" not in error


def test_nik_number_cell_read_with_decimal_suffix():
    _, error = nik_one("3273010101850000.0", numeric=True)
    assert "berubah menjadi 0" in error


def test_nik_without_numeric_series_is_read_as_text():
    frame = cells.nik(s(NIK), None, label="NIK")
    assert one(frame) == (NIK, None)


def shown(raw: str) -> str:
    """How a message quotes a value: anything as long as a NIK has its last 4 characters
    masked."""
    return raw[:-4] + "****" if len(raw) >= 12 else raw


@pytest.mark.parametrize(
    "raw", ["3273010101850001.0", "3273010101850001,00", "3.273.010.101.850.001"]
)
def test_nik_written_as_a_number(raw):
    value, error = nik_one(raw)
    assert value is None
    assert f"'{shown(raw)}'" in error and "bilangan" in error and "angka" in error


@pytest.mark.parametrize(
    ("raw", "digits"), [("12345", "5"), ("32730101018500011", "17"), ("3273 0101 0185", "12")]
)
def test_nik_wrong_number_of_digits(raw, digits):
    value, error = nik_one(raw)
    assert value is None
    assert f"'{shown(raw)}'" in error
    assert f"berisi {digits} angka" in error and "16 angka" in error


def test_nik_with_letters():
    value, error = nik_one("32730101O1850001")
    assert value is None
    assert "'32730101O185****'" in error and "selain angka" in error and "15 angka" in error


def test_nik_masked():
    _, error = nik_one("327301450885****")
    assert "'327301450885****'" in error and "tersamar" in error


@pytest.mark.parametrize("raw", [None, "", "   ", "'"])
def test_nik_empty_is_required(raw):
    assert nik_one(raw) == (None, "NIK wajib diisi.")


def test_nkk_may_be_empty():
    assert nik_one(None, label="NKK", required=False) == (None, None)
    assert nik_one("", label="NKK", required=False) == (None, None)


def test_nkk_label_in_messages():
    _, error = nik_one("3.27301E+15", label="NKK", required=False)
    assert error.startswith("NKK '3.27301E+15'") and "kolom NKK" in error


@pytest.mark.parametrize("middle", ["001085", "320185", "401385", "720885", "011385"])
def test_nik_impossible_birth_part(middle):
    raw = f"327301{middle}0001"
    value, error = nik_one(raw)
    assert value is None
    assert f"'{raw[:12]}****'" in error and "bagian tanggal lahir NIK tidak mungkin" in error


def test_nkk_has_no_birth_part():
    raw = "3273010001850001"
    assert nik_one(raw, label="NKK", required=False) == (raw, None)


def test_nik_checks_in_order_on_a_mixed_column():
    frame = cells.nik(
        s(NIK, "3.27301E+15", None, "3273010101850000", "1234"),
        pl.Series([False, False, False, True, None]),
        label="NIK",
    )
    assert frame["value"].to_list() == [NIK, None, None, None, None]
    errors = frame["error"].to_list()
    assert errors[0] is None
    assert "notasi ilmiah" in errors[1]
    assert errors[2] == "NIK wajib diisi."
    assert "sel angka" in errors[3]
    assert "berisi 4 angka" in errors[4]


def test_lengths_must_agree():
    with pytest.raises(ValueError):
        cells.nik(s(NIK, NIK), pl.Series([False]), label="NIK")


@given(
    region=st.integers(0, 999_999),
    day=st.integers(1, 31),
    woman=st.booleans(),
    month=st.integers(1, 12),
    year=st.integers(0, 99),
    serial=st.integers(0, 9999),
    style=st.sampled_from(["plain", "4 ", "4.", "4-", "6 ", "quote", "spaces"]),
)
def test_nik_property_any_typed_nik_normalises_to_its_digits(
    region, day, woman, month, year, serial, style
):
    digits = f"{region:06d}{day + 40 * woman:02d}{month:02d}{year:02d}{serial:04d}"
    if style[0] in "46":
        size = int(style[0])
        groups = [digits[i : i + size] for i in range(0, 16, size)]
        typed = style[1].join(groups)
    else:
        typed = {"plain": digits, "quote": f"'{digits}", "spaces": f"  {digits}\t"}[style]
    assert nik_one(typed) == (digits, None)


# Birth dates


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1985-08-17", dt.date(1985, 8, 17)),
        ("1985-08-17 00:00:00", dt.date(1985, 8, 17)),
        ("1985-08-17T00:00:00", dt.date(1985, 8, 17)),
        ("31264", dt.date(1985, 8, 5)),
        ("31264.0", dt.date(1985, 8, 5)),
        ("17-08-1985", dt.date(1985, 8, 17)),
        ("17/08/1985", dt.date(1985, 8, 17)),
        ("17.08.1985", dt.date(1985, 8, 17)),
        ("7/8/1985", dt.date(1985, 8, 7)),
        ("7-8-1985", dt.date(1985, 8, 7)),
        (" '17-08-1985 ", dt.date(1985, 8, 17)),
        ("17 Agustus 1985", dt.date(1985, 8, 17)),
        ("17 AGUSTUS 1985", dt.date(1985, 8, 17)),
        ("17 agustus 1985", dt.date(1985, 8, 17)),
        ("17 Agt 1985", dt.date(1985, 8, 17)),
        ("17-Agu-1985", dt.date(1985, 8, 17)),
        ("17 Agus 1985", dt.date(1985, 8, 17)),
        ("1 Januari 1960", dt.date(1960, 1, 1)),
        ("1 Pebruari 1960", dt.date(1960, 2, 1)),
        ("1 Peb 1960", dt.date(1960, 2, 1)),
        ("2 Maret 1960", dt.date(1960, 3, 2)),
        ("3 Mei 1960", dt.date(1960, 5, 3)),
        ("4 Okt 1960", dt.date(1960, 10, 4)),
        ("5 Nopember 1960", dt.date(1960, 11, 5)),
        ("5 Nop 1960", dt.date(1960, 11, 5)),
        ("6 Des 1960", dt.date(1960, 12, 6)),
        ("17 August 1985", dt.date(1985, 8, 17)),
        ("August 17, 1985", dt.date(1985, 8, 17)),
        ("17 Dec 1985", dt.date(1985, 12, 17)),
        ("29-02-1984", dt.date(1984, 2, 29)),
        ("2024-11-27", POLLING_DAY),
    ],
)
def test_birth_date_accepted_spellings(raw, expected):
    assert date_one(raw) == (expected, None)


@pytest.mark.parametrize(
    ("raw", "cause"),
    [
        ("31-02-1985", "tidak ada tanggal 31 pada Februari 1985 (bulan itu 28 hari)"),
        ("29-02-1985", "tidak ada tanggal 29 pada Februari 1985"),
        ("31-04-1990", "tidak ada tanggal 31 pada April 1990"),
        ("00-08-1985", "tidak ada tanggal 0"),
        ("17-13-1985", "tidak ada bulan 13"),
        ("1985-13-01", "tidak ada bulan 13"),
        ("17-08-85", "tahun dua angka"),
        ("17 Agustus 85", "tahun dua angka"),
        ("17 Agst 1985", "nama bulan 'Agst' tidak dikenal"),
        ("2025-01-01", "sesudah hari pemungutan suara 27-11-2024"),
        ("28-11-2024", "sesudah hari pemungutan suara"),
        ("1899-12-31", "sebelum tahun 1900"),
        ("1", "sebelum tahun 1900"),
        ("1985", "hanya berisi tahun"),
        ("#VALUE!", "galat rumus Excel"),
        ("abc", "tidak dikenali"),
        ("17081985", "tidak dikenali"),
    ],
)
def test_birth_date_errors(raw, cause):
    value, error = date_one(raw)
    assert value is None
    assert f"'{raw}'" in error
    assert cause in error


def test_birth_date_impossible_and_future_say_impossible():
    for raw in ("31-02-1985", "2025-01-01", "1899-12-31"):
        assert "tidak mungkin" in date_one(raw)[1]


def test_birth_date_two_digit_year_names_both_centuries():
    _, error = date_one("17-08-85")
    assert "1985 atau 2085" in error and "empat angka" in error
    assert "1905 atau 2005" in date_one("17-08-05")[1]


def test_unrecognised_birth_date_lists_the_formats():
    for raw in ("#VALUE!", "abc"):
        _, error = date_one(raw)
        assert "Format yang diterima" in error and "17 Agustus 1985" in error


def test_birth_date_empty_is_required():
    assert date_one(None) == (None, "Tanggal lahir wajib diisi.")
    assert date_one("  ") == (None, "Tanggal lahir wajib diisi.")


def test_serial_date_error_shows_the_date_it_means():
    serial = str((dt.date(2030, 1, 1) - dt.date(1899, 12, 30)).days)
    _, error = date_one(serial)
    assert f"'{serial}' (01-01-2030)" in error


def test_day_first_column_without_month_first_dates_is_read_day_first():
    frame = cells.birth_dates(s("05/08/1985", "17/08/1985", "01/02/1990"), polling_day=POLLING_DAY)
    assert frame["value"].to_list() == [
        dt.date(1985, 8, 5),
        dt.date(1985, 8, 17),
        dt.date(1990, 2, 1),
    ]
    assert frame["error"].null_count() == 3


def test_mixed_order_column():
    frame = cells.birth_dates(
        s("08/17/1985", "05/08/1985", "17/08/1985", "05/05/1985", "17 Agustus 1985", "3-4-1990"),
        polling_day=POLLING_DAY,
    )
    values, errors = frame["value"].to_list(), frame["error"].to_list()
    # Month-first: impossible as day-first, with the hint.
    assert values[0] is None
    assert "'08/17/1985'" in errors[0] and "bulan 17" in errors[0] and "bulan-dulu" in errors[0]
    # Both readings possible: ambiguous, names both and the month-first example.
    assert values[1] is None
    assert "5 Agustus 1985 atau 8 Mei 1985" in errors[1]
    assert "mencampur urutan DD/MM dan MM/DD" in errors[1] and "'08/17/1985'" in errors[1]
    assert values[5] is None and "3 April 1990 atau 4 Maret 1990" in errors[5]
    # Day-first only, same day and month, and month names stay readable.
    assert values[2] == dt.date(1985, 8, 17) and errors[2] is None
    assert values[3] == dt.date(1985, 5, 5) and errors[3] is None
    assert values[4] == dt.date(1985, 8, 17) and errors[4] is None


_INDONESIAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus"]
_INDONESIAN += ["September", "Oktober", "November", "Desember"]
_SHORT = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agt", "Sep", "Okt", "Nop", "Des"]
_ENGLISH = ["January", "February", "March", "April", "May", "June", "July", "August"]
_ENGLISH += ["September", "October", "November", "December"]


@st.composite
def written_dates(draw):
    """A date from 1900 to polling day, written in one of the accepted styles."""
    date = draw(st.dates(dt.date(1900, 1, 1), POLLING_DAY))
    d, m, y = date.day, date.month, date.year
    serial = (date - dt.date(1899, 12, 30)).days
    pad = draw(st.booleans())
    day, month = (f"{d:02d}", f"{m:02d}") if pad else (str(d), str(m))
    case = draw(st.sampled_from([str, str.upper, str.lower]))
    names = draw(st.sampled_from([_INDONESIAN, _SHORT, _ENGLISH]))
    styles = [
        date.isoformat(),
        f"{date.isoformat()} 00:00:00",
        f"{day}-{month}-{y}",
        f"{day}/{month}/{y}",
        f"{day}.{month}.{y}",
        f"{d} {case(names[m - 1])} {y}",
        f"{day}-{case(names[m - 1])}-{y}",
        f"{case(_ENGLISH[m - 1])} {d}, {y}",
    ]
    if not 1900 <= serial <= 2100:  # such numbers are taken for a bare year
        styles += [str(serial), f"{serial}.0"]
    written = draw(st.sampled_from(styles))
    return date, draw(st.sampled_from(["", " ", "'", " '"])) + written + draw(
        st.sampled_from(["", "  "])
    )


@given(written_dates())
@settings(max_examples=300)
def test_property_any_written_date_reads_back(case):
    date, written = case
    assert date_one(written) == (date, None)


# NIK against birth date and sex


def consistency(niks, dates, sexes) -> list:
    return cells.nik_consistency(s(*niks), pl.Series(dates, dtype=pl.Date), s(*sexes)).to_list()


def test_consistent_nik_has_no_warning():
    born = dt.date(1985, 8, 17)
    assert consistency([NIK, NIK_WOMAN], [born, born], ["L", "P"]) == [None, None]


def test_nik_date_disagrees_with_birth_date():
    [warning] = consistency(["3273014508850001"], [dt.date(1985, 8, 17)], ["P"])
    assert (
        warning == "NIK menyiratkan lahir 05-08-1985 (perempuan), kolom tanggal lahir 17-08-1985."
    )


def test_nik_year_disagrees():
    [warning] = consistency([NIK], [dt.date(1986, 8, 17)], ["L"])
    assert "lahir 17-08-1985 (laki-laki)" in warning and "17-08-1986" in warning


def test_nik_year_shown_in_the_nearest_century():
    [warning] = consistency(["3273011708050001"], [dt.date(1985, 8, 17)], ["L"])
    assert "lahir 17-08-2005" in warning


def test_nik_sex_disagrees():
    [man_as_woman, woman_as_man] = consistency(
        [NIK, NIK_WOMAN], [dt.date(1985, 8, 17)] * 2, ["P", "L"]
    )
    assert "NIK menyiratkan laki-laki" in man_as_woman and "jenis kelamin P" in man_as_woman
    assert "NIK menyiratkan perempuan" in woman_as_man and "ditambah 40" in woman_as_man


def test_nik_date_and_sex_both_disagree():
    [warning] = consistency([NIK_WOMAN], [dt.date(1985, 8, 18)], ["L"])
    assert "lahir 17-08-1985 (perempuan)" in warning
    assert "17-08-1985" in warning and "18-08-1985" in warning and "jenis kelamin L" in warning


def test_nik_consistency_ignores_nulls():
    born = dt.date(1990, 1, 1)
    warnings = consistency([None, NIK, NIK], [born, None, None], ["L", "L", None])
    assert warnings == [None, None, None]
    # A missing sex leaves the date comparison, a missing date the sex comparison.
    assert consistency([NIK], [born], [None])[0] is not None
    assert "jenis kelamin P" in consistency([NIK], [None], ["P"])[0]


# Sex, marital status, disability


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("L", "L"), (" l ", "L"), ("LAKI-LAKI", "L"), ("laki laki", "L"), ("Laki-laki", "L"),
        ("LK", "L"), ("P", "P"), ("p", "P"), ("PEREMPUAN", "P"), ("Pr", "P"), ("WANITA", "P"),
    ],
)  # fmt: skip
def test_sex_accepted(raw, code):
    assert one(cells.sex(s(raw))) == (code, None)


def test_sex_errors():
    frame = cells.sex(s("X", None, "Perempuan L"))
    assert frame["value"].to_list() == [None, None, None]
    unknown, empty, both = frame["error"].to_list()
    assert "'X'" in unknown and "L (laki-laki) atau P (perempuan)" in unknown
    assert empty == "Jenis kelamin wajib diisi."
    assert "'Perempuan L'" in both


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("B", "B"), (" b ", "B"), ("BELUM KAWIN", "B"), ("Belum  Kawin", "B"), ("S", "S"),
        ("KAWIN", "S"), ("sudah kawin", "S"), ("P", "P"), ("PERNAH KAWIN", "P"),
        ("CERAI HIDUP", "P"), ("Cerai Mati", "P"),
    ],
)  # fmt: skip
def test_marital_accepted(raw, code):
    assert one(cells.marital(s(raw))) == (code, None)


def test_marital_errors():
    frame = cells.marital(s("K", None))
    unknown, empty = frame["error"].to_list()
    assert "'K'" in unknown and "B (belum kawin)" in unknown and "P (pernah kawin)" in unknown
    assert empty == "Status perkawinan wajib diisi."


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (None, ""), ("", ""), ("-", ""), ("0", ""), ("0.0", ""),
        ("fisik", "fisik"), ("Disabilitas Fisik", "fisik"), ("intelektual", "intelektual"),
        ("mental", "mental"), ("Sensorik Wicara", "wicara"), ("SENSORIK RUNGU", "rungu"),
        ("SENSORIK NETRA", "netra"), ("tuna daksa", "fisik"), ("Tuna Netra", "netra"),
        ("tunanetra", "netra"), ("tuna rungu", "rungu"), ("tuna wicara", "wicara"),
        ("tuna rungu/wicara", "rungu"), ("Tuna Rungu / Wicara", "rungu"),
        ("tuna grahita", "intelektual"), ("grahita", "intelektual"), ("lainnya", "lainnya"),
        ("Disabilitas Lainnya", "lainnya"), ("1", "fisik"), ("1.0", "fisik"), ("2", "netra"),
        ("3", "rungu"), ("4", "intelektual"), ("5", "lainnya"),
    ],
)  # fmt: skip
def test_disability_accepted(raw, code):
    assert one(cells.disability(s(raw))) == (code, None)


@pytest.mark.parametrize("raw", ["6", "buta", "disabilitas", "tuna"])
def test_disability_unknown(raw):
    value, error = one(cells.disability(s(raw)))
    assert value is None
    assert f"'{raw}'" in error and "tidak dikenali" in error
    assert "sensorik netra" in error and "tuna grahita" in error


# Eligibility and age


def ages(*dates, day=POLLING_DAY) -> list:
    return cells.age_on(pl.Series(list(dates), dtype=pl.Date), day).to_list()


def test_birthday_on_polling_day_counts_as_seventeen():
    assert ages(dt.date(2007, 11, 27), dt.date(2007, 11, 28), dt.date(2007, 12, 1)) == [17, 16, 16]


def test_leap_day_birth():
    day = dt.date(2025, 2, 28)
    assert ages(dt.date(2008, 2, 29), day=day) == [16]
    assert ages(dt.date(2008, 2, 29), day=dt.date(2025, 3, 1)) == [17]
    assert ages(dt.date(2008, 2, 29), day=dt.date(2024, 2, 29)) == [16]
    assert ages(None) == [None]


@given(
    st.dates(dt.date(1900, 1, 1), POLLING_DAY), st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1))
)
def test_property_age_matches_calendar_arithmetic(born, day):
    expected = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    assert ages(born, day=day) == [expected]


def eligible(dates, statuses) -> list:
    births = pl.Series(dates, dtype=pl.Date)
    return cells.eligibility(births, s(*statuses), polling_day=POLLING_DAY).to_list()


def test_eligibility():
    seventeen, sixteen = dt.date(2007, 11, 27), dt.date(2007, 11, 28)
    errors = eligible([seventeen, sixteen, sixteen, sixteen, sixteen, None], "BBSPBB")
    assert errors[0] is None
    assert errors[1] == (
        "Pemilih berumur 16 tahun pada hari pemungutan suara 27-11-2024 dan belum kawin; "
        "pemilih harus berumur 17 tahun atau sudah/pernah kawin."
    )
    assert errors[2] is None and errors[3] is None  # married / ever married at 16
    assert errors[5] is None  # no birth date: birth_dates reports it


def test_eligibility_without_marital_status():
    [error] = eligible([dt.date(2010, 1, 1)], [None])
    assert "berumur 14 tahun" in error and "status perkawinannya kosong" in error


# Text, RT/RW


def test_text():
    values = cells.text(s("  SITI   AMINAH ", None, "", "JL.\u00a0 TJILIK\tRIWUT", "'Budi"))
    assert values.to_list() == ["SITI AMINAH", "", "", "JL. TJILIK RIWUT", "Budi"]


@pytest.mark.parametrize(
    ("raw", "value"),
    [("1", "001"), ("001", "001"), ("01", "001"), ("1.0", "001"), ("12", "012"), ("123", "123"),
     (" '002", "002"), ("RT 3", "003"), ("RW.04", "004"), ("0001", "001"), (None, ""), ("", ""),
     ("-", "")],
)  # fmt: skip
def test_rt_rw_accepted(raw, value):
    assert one(cells.rt_rw(s(raw))) == (value, None)


def test_rt_rw_errors():
    frame = cells.rt_rw(s("satu", "1000", "1/2"), label="RT")
    assert frame["value"].to_list() == [None, None, None]
    not_number, too_long, slash = frame["error"].to_list()
    assert "RT 'satu'" in not_number and "angka" in not_number
    assert "RT '1000'" in too_long and "tiga angka" in too_long
    assert "'1/2'" in slash


# A whole list


def test_two_hundred_thousand_rows():
    born = dt.date(1985, 8, 17)
    dates = [
        ("1985-08-17 00:00:00", born, None),
        ("31264", dt.date(1985, 8, 5), None),
        ("17-08-1985", born, None),
        ("7/8/1985", dt.date(1985, 8, 7), None),
        ("17 Agustus 1985", born, None),
        ("#VALUE!", None, "galat rumus"),
        (None, None, "wajib diisi"),
        ("31-02-1985", None, "tidak ada tanggal 31"),
    ]
    niks = [
        (NIK, False, NIK, None),
        ("3273010101850000", True, None, "berubah menjadi 0"),
        ("3.27301E+15", False, None, "notasi ilmiah"),
        (f" '{NIK_WOMAN}", False, NIK_WOMAN, None),
        ("123", False, None, "berisi 3 angka"),
    ]
    rows = 200_000
    date_rows = [dates[i % len(dates)] for i in range(rows)]
    nik_rows = [niks[i % len(niks)] for i in range(rows)]

    read_dates = cells.birth_dates(s(*(r[0] for r in date_rows)), polling_day=POLLING_DAY)
    read_niks = cells.nik(
        s(*(r[0] for r in nik_rows)), pl.Series([r[1] for r in nik_rows]), label="NIK"
    )

    assert read_dates.height == rows and read_niks.height == rows
    assert read_dates["error"].null_count() == rows * 5 // 8
    for i in random.Random(2024).sample(range(rows), 500):
        _, expected, cause = date_rows[i]
        assert read_dates["value"][i] == expected
        assert (
            (read_dates["error"][i] is None) if cause is None else cause in read_dates["error"][i]
        )
        _, _, expected_nik, nik_cause = nik_rows[i]
        assert read_niks["value"][i] == expected_nik
        if nik_cause:
            assert nik_cause in read_niks["error"][i]
