from pilkada.regions.models import PollingStation, Region
from pilkada.regions.services import (
    upsert_regions,
    upsert_stations,
    validate_regions,
    validate_stations,
)


def test_gunung_mas_regions_load(gumas_regions):
    assert Region.objects.filter(level="kecamatan", code__startswith="62.10.").count() == 12
    assert Region.objects.filter(level="desa", code__startswith="62.10.").count() == 127
    assert Region.objects.get(code="62.10.02.1012").name == "Kurun"


def test_region_validation_names_row_and_column(db):
    rows = [
        {"kode": "62", "nama": "Kalimantan Tengah"},
        {"kode": "62.11.02", "nama": "Kurun"},  # parent 62.11 missing
        {"kode": "62", "nama": "Lagi"},  # duplicate
        {"kode": "62.10", "nama": "", "tingkat": "kecamatan"},  # empty name, wrong level
    ]
    problems = {(p.index, p.column) for p in validate_regions(rows)}
    assert problems == {(1, "kode"), (2, "kode"), (3, "nama"), (3, "tingkat")}


def test_region_upsert_counts_and_renames(db):
    rows = [{"kode": "62", "nama": "Kalteng"}, {"kode": "62.10", "nama": "Gunung Mas"}]
    s = upsert_regions(rows)
    assert (s.created, s.updated, s.unchanged) == (2, 0, 0)
    s = upsert_regions([{"kode": "62", "nama": "Kalimantan Tengah"}, rows[1]])
    assert (s.created, s.updated, s.unchanged) == (0, 1, 1)
    assert Region.objects.get(code="62").name == "Kalimantan Tengah"
    assert Region.objects.get(code="62.10").level == "kabkota"


def test_station_validation_and_upsert(gumas_regions):
    rows = [
        {"kode_desa": "62.10.02.1012", "nomor_tps": "001", "dpt_l": 10, "dpt_p": 12},
        {"kode_desa": "62.10.02.1012", "nomor_tps": "001", "dpt_l": 1, "dpt_p": 1},
        {"kode_desa": "62.10.02", "nomor_tps": "001", "dpt_l": 1, "dpt_p": 1},  # a kecamatan
    ]
    problems = {(p.index, p.column) for p in validate_stations(rows)}
    assert problems == {(1, "nomor_tps"), (2, "kode_desa")}
    s = upsert_stations(rows[:1])
    assert s.created == 1
    s = upsert_stations([{**rows[0], "dpt_p": 15, "alamat": "Jl. Tjilik Riwut"}])
    assert (s.created, s.updated) == (0, 1)
    st = PollingStation.objects.get()
    assert (st.registered_total, st.address, st.sirekap_id) == (
        25,
        "Jl. Tjilik Riwut",
        "6210021012001",
    )


def test_station_values_out_of_range(gumas_regions):
    from decimal import Decimal

    row = {
        "kode_desa": "62.10.02.1012",
        "nomor_tps": "001",
        "dpt_l": 10**12,
        "dpt_p": 1,
        "lintang": Decimal("12345.1"),
        "bujur": Decimal("113.1234567"),
        "alamat": "x" * 301,
    }
    problems = {p.column for p in validate_stations([row])}
    assert problems == {"dpt_l", "lintang", "bujur", "alamat"}
    ok = {
        **row,
        "dpt_l": 10,
        "lintang": Decimal("-1.123456"),
        "bujur": Decimal("113.5"),
        "alamat": "",
    }
    assert validate_stations([ok]) == []


def test_admin_edits_are_validated_like_imports(gumas_regions):
    import pytest
    from django.core.exceptions import ValidationError

    desa = Region.objects.get(code="62.10.02.1012")
    with pytest.raises(ValidationError) as exc:
        PollingStation(desa=desa, number="1").full_clean()
    assert "number" in exc.value.message_dict
    with pytest.raises(ValidationError):
        Region(code="6210", name="X", level="kabkota").full_clean()
    region = Region(code="62.10.13", name="Baru", level="desa")
    region.full_clean()
    assert region.level == "kecamatan"
