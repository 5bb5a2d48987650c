import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pilkada.dataio.parsers import (
    MAX_EXACT_FLOAT,
    count,
    decimal_or_none,
    is_empty,
    region_code,
    text,
    tps_id,
    tps_number,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("", ""),
        ("  Jl. Tambun Bungai  ", "Jl. Tambun Bungai"),
        ("\u00a0x\u00a0", "x"),
        (12.0, "12"),
        (12.5, "12.5"),
        (7, "7"),
        (True, "TRUE"),
        (dt.date(2024, 11, 27), "2024-11-27"),
        (dt.datetime(2024, 11, 27), "2024-11-27"),
        (dt.datetime(2024, 11, 27, 13, 5), "2024-11-27 13:05:00"),
    ],
)
def test_text(raw, expected):
    assert text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", None),
        ("   ", None),
        (0, 0),
        (12, 12),
        (12.0, 12),
        (" 12 ", 12),
        ("007", 7),
        ("1.234", 1234),
        ("1,234", 1234),
        ("1.234.567", 1234567),
        ("1,234,567", 1234567),
        ("12.0", 12),
        ("12,00", 12),
        ("1.000", 1000),
    ],
)
def test_count_accepts(raw, expected):
    assert count(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("12,5", "bukan bilangan bulat: '12,5'"),
        ("1.2", "bukan bilangan bulat: '1.2'"),
        ("1.23", "bukan bilangan bulat: '1.23'"),
        ("1.2345", "bukan bilangan bulat: '1.2345'"),
        ("1,234.567", "bukan bilangan bulat: '1,234.567'"),
        ("12a", "bukan bilangan bulat: '12a'"),
        ("-", "bukan bilangan bulat: '-'"),
        ("-3", "tidak boleh negatif: '-3'"),
        ("-1.234", "tidak boleh negatif: '-1.234'"),
        (-3, "tidak boleh negatif: -3"),
        (-3.0, "tidak boleh negatif: -3"),
        (12.5, "bukan bilangan bulat: 12.5"),
        (True, "bukan bilangan bulat: TRUE"),
        (False, "bukan bilangan bulat: FALSE"),
        (float(2**60), "angka terlalu besar"),
        (float("nan"), "bukan bilangan bulat: nan"),
        (dt.date(2024, 1, 12), "berisi tanggal/waktu, bukan bilangan: 2024-01-12"),
    ],
)
def test_count_rejects(raw, message):
    with pytest.raises(ValueError, match="^" + message.replace(".", r"\.")):
        count(raw)


@given(st.integers(min_value=0, max_value=10**30))
def test_count_reads_every_spelling_of_a_whole_number(n):
    assert count(n) == n
    assert count(str(n)) == n
    assert count(f"{n:,}") == n
    assert count(f"{n:,}".replace(",", ".")) == n
    assert count(f"  {n}\u00a0") == n


@given(st.integers(min_value=0, max_value=MAX_EXACT_FLOAT))
def test_count_reads_whole_floats(n):
    assert count(float(n)) == n


@pytest.mark.parametrize(
    "code", ["62", "62.10", "62.10.02", "62.10.02.1012", " 62.10.02.2005 ", 62.0, 62]
)
def test_region_code_accepts(code):
    assert region_code(code) == str(code).strip().removesuffix(".0")


def test_region_code_empty():
    assert region_code("") is None
    assert region_code(None) is None


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (62.1, "kode wilayah tersimpan sebagai angka (62.1)"),
        (62.01, "format kolom sebagai Teks"),
        (6210021012.0, "kode wilayah tersimpan sebagai angka (6210021012)"),
        (
            "6210021012",
            "kode wilayah tanpa titik: '6210021012'; tulis dengan titik, mis. '62.10.02.1012'",
        ),
        ("6210", "mis. '62.10'"),
        ("6210021012003", "ID TPS Sirekap"),
        ("62.10.2", "kode wilayah Kemendagri tidak sah: '62.10.2'"),
        ("62.10.", "tidak sah"),
        ("Kurun", "tidak sah: 'Kurun'"),
        (True, "tidak sah"),
    ],
)
def test_region_code_rejects(raw, fragment):
    with pytest.raises(ValueError) as info:
        region_code(raw)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", "001"),
        (1.0, "001"),
        (1, "001"),
        ("001", "001"),
        ("12", "012"),
        ("TPS 3", "003"),
        ("tps03", "003"),
        ("1.0", "001"),
        (999, "999"),
        ("", None),
        (None, None),
    ],
)
def test_tps_number(raw, expected):
    assert tps_number(raw) == expected


@pytest.mark.parametrize("raw", ["0", 0, 1.5, "1000", "A1", -1, True, "1,5"])
def test_tps_number_rejects(raw):
    with pytest.raises(ValueError, match="nomor TPS tidak sah"):
        tps_number(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("-1.2345", Decimal("-1.2345")),
        ("113,85", Decimal("113.85")),
        ("\u22121.5", Decimal("-1.5")),
        (-1.1, Decimal("-1.1")),
        (113, Decimal(113)),
        ("", None),
        (None, None),
    ],
)
def test_decimal_or_none(raw, expected):
    assert decimal_or_none(raw) == expected


@pytest.mark.parametrize("raw", ["1.234,5", "1,2,3", "NaN", "Infinity", "1°30'", "x", True])
def test_decimal_or_none_rejects(raw):
    with pytest.raises(ValueError, match="bukan angka desimal"):
        decimal_or_none(raw)


def test_is_empty():
    assert is_empty(None) and is_empty("") and is_empty(" \t")
    assert not is_empty(0) and not is_empty(0.0) and not is_empty("0")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("6210021012003", "6210021012003"),
        (" 6210021012003 ", "6210021012003"),
        (6210021012003, "6210021012003"),
        (6210021012003.0, "6210021012003"),
        ("62.10.02.1012.003", "6210021012003"),
        ("62.10.02.1012.3", "6210021012003"),
        (None, None),
        ("", None),
    ],
)
def test_tps_id_accepts_sirekap_and_dotted_forms(raw, expected):
    assert tps_id(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["621002101200", "62100210120034", "62.10.02.1012", "TPS 3", 6.21002101200e12 + 0.5, True],
)
def test_tps_id_rejects_with_an_example(raw):
    with pytest.raises(ValueError, match="6210021012003"):
        tps_id(raw)
