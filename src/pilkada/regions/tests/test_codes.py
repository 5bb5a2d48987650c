import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pilkada.regions import codes


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("62", "provinsi"),
        ("62.10", "kabkota"),
        ("62.10.02", "kecamatan"),
        ("62.10.02.1012", "desa"),
    ],
)
def test_level_and_validity(code, level):
    assert codes.is_valid_code(code)
    assert codes.level_of(code) == level


@pytest.mark.parametrize("bad", ["6210", "62.1", "62.10.2", "62.10.02.101", "62.", "", "x2.10"])
def test_invalid_codes(bad):
    assert not codes.is_valid_code(bad)


def test_tree_helpers():
    assert codes.parent_of("62.10.02.1012") == "62.10.02"
    assert codes.parent_of("62") is None
    assert codes.ancestors("62.10.02") == ["62", "62.10", "62.10.02"]
    assert codes.is_within("62.10.02.1012", "62.10")
    assert not codes.is_within("62.100", "62.10")  # prefix of text, not of path
    assert codes.is_kelurahan("62.10.02.1012") and not codes.is_kelurahan("62.10.02.2002")
    assert codes.is_kota("62.71") and not codes.is_kota("62.10")


def test_sirekap_ids_round_trip():
    assert codes.sirekap_tps_id("62.10.02.1012", "003") == "6210021012003"
    assert codes.split_sirekap_tps_id("6210021012003") == ("62.10.02.1012", "003")
    with pytest.raises(ValueError):
        codes.split_sirekap_tps_id("621002101203")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(3, "003"), ("3", "003"), ("03", "003"), ("003", "003"), ("12.0", "012"), (" 7 ", "007")],
)
def test_normalise_tps_number(raw, expected):
    assert codes.normalise_tps_number(raw) == expected


@pytest.mark.parametrize("bad", ["0", "1000", "A1", "", "1.5", "-1"])
def test_normalise_tps_number_rejects(bad):
    with pytest.raises(ValueError):
        codes.normalise_tps_number(bad)


@settings(max_examples=300)
@given(
    st.from_regex(r"\d{2}\.\d{2}\.\d{2}\.\d{4}", fullmatch=True),
    st.integers(min_value=1, max_value=999),
)
def test_sirekap_round_trip_property(desa, n):
    number = codes.normalise_tps_number(n)
    assert codes.split_sirekap_tps_id(codes.sirekap_tps_id(desa, number)) == (desa, number)
