import pytest

from pilkada.elections.models import PairKind
from pilkada.elections.selectors import ElectionNotFound, get_election
from pilkada.elections.services import (
    ElectionError,
    create_election,
    upsert_pairs,
    validate_pairs,
)


def test_create_and_find_election(gumas_regions):
    e = create_election(
        name="Pilbup Gumas 2024", kind="bupati", region_code="62.10", polling_date="2024-11-27"
    )
    assert e.code == "bupati-kabupaten-gunung-mas-2024"
    assert e.scheme.categories == ("DPT", "DPTb", "DPK")
    assert get_election(e.code) == e and get_election(str(e.pk)) == e
    with pytest.raises(ElectionNotFound, match="tidak ditemukan"):
        get_election("tidak-ada")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "lurah"}, "Jenis pemilihan"),
        ({"region_code": "99.99"}, "belum ada"),
        ({"kind": "gubernur"}, "tingkat Provinsi"),
        ({"polling_date": "27/11/2024"}, "TTTT-BB-HH"),
        ({"voter_scheme": "2019"}, "Skema"),
        ({"reserve_percent": "abc"}, "cadangan"),
        ({"reserve_percent": "100"}, "cadangan"),
        ({"reserve_percent": "NaN"}, "cadangan"),
        ({"reserve_percent": "2.555"}, "cadangan"),
        ({"voter_limit": 99_999_999_999}, "Batas pemilih"),
        ({"code": "!!!"}, "Kode pemilihan"),
        ({"code": "x" * 61}, "Kode pemilihan"),
        ({"name": "x" * 201}, "Nama pemilihan"),
        ({"name": "  "}, "Nama pemilihan"),
    ],
)
def test_create_election_rejects_with_indonesian_message(gumas_regions, kwargs, message):
    args = {"name": "X", "kind": "bupati", "region_code": "62.10", "polling_date": "2024-11-27"}
    with pytest.raises(ElectionError, match=message):
        create_election(**{**args, **kwargs})


def test_duplicate_code_rejected(election):
    with pytest.raises(ElectionError, match="sudah dipakai"):
        create_election(
            name="X",
            kind="bupati",
            region_code="62.10",
            polling_date="2024-11-27",
            code=election.code,
        )


def test_pairs_upsert_and_kinds(election):
    assert [(p.number, p.kind) for p in election.pairs.all()] == [
        (1, PairKind.PARTY),
        (2, PairKind.INDEPENDENT),
    ]
    s = upsert_pairs(
        election,
        [
            {
                "nomor_urut": 2,
                "nama_calon": "Calon Dua Baru",
                "nama_wakil": "Wakil Dua",
                "partai": "",
            }
        ],
    )
    assert (s.created, s.updated) == (0, 1)
    assert election.pairs.get(number=2).head_name == "Calon Dua Baru"


def test_pair_validation(election):
    rows = [
        {"nomor_urut": 3, "nama_calon": "", "nama_wakil": "W", "jenis": "partai", "partai": ""},
        {"nomor_urut": 3, "nama_calon": "A", "nama_wakil": "B", "jenis": "lainnya"},
        {
            "nomor_urut": 4,
            "nama_calon": "A",
            "nama_wakil": "B",
            "jenis": "perseorangan",
            "partai": "Partai X",
        },
    ]
    problems = {(p.index, p.column) for p in validate_pairs(election, rows)}
    assert problems == {
        (0, "nama_calon"),
        (0, "partai"),
        (1, "nomor_urut"),
        (1, "jenis"),
        (2, "partai"),
    }


def test_empty_box_only_for_single_pair(gumas_regions):
    e = create_election(
        name="Calon tunggal",
        kind="bupati",
        region_code="62.10",
        polling_date="2024-11-27",
        code="tunggal",
    )
    rows = [
        {"nomor_urut": 1, "nama_calon": "A", "nama_wakil": "B", "partai": "P"},
        {"nomor_urut": 2, "nama_calon": "", "nama_wakil": "", "jenis": "Kotak Kosong"},
    ]
    assert validate_pairs(e, rows) == []
    upsert_pairs(e, rows)
    box = e.pairs.get(number=2)
    assert box.kind == PairKind.EMPTY_BOX and box.display_name == "Kotak kosong"
    third = [{"nomor_urut": 3, "nama_calon": "C", "nama_wakil": "D", "partai": "Q"}]
    assert [p.column for p in validate_pairs(e, third)] == ["jenis"]


def test_national_election_needs_no_region_but_others_do(gumas_regions):
    e = create_election(
        name="Pilpres uji", kind="presiden", region_code="", polling_date="2024-02-14"
    )
    assert e.region is None and e.area_code == "" and e.code == "presiden-indonesia-2024"
    with pytest.raises(ElectionError, match="wajib diisi"):
        create_election(name="X", kind="bupati", region_code="", polling_date="2024-11-27")
    with pytest.raises(ElectionError, match="seluruh Indonesia"):
        create_election(name="X", kind="presiden", region_code="62", polling_date="2024-02-14")


def test_pair_file_without_kind_columns_keeps_stored_kind_and_parties(election):
    s = upsert_pairs(
        election, [{"nomor_urut": 1, "nama_calon": "Calon Satu Baru", "nama_wakil": "Wakil Satu"}]
    )
    assert s.updated == 1
    pair = election.pairs.get(number=1)
    assert (pair.kind, pair.parties, pair.head_name) == (
        PairKind.PARTY,
        ["Partai A"],
        "Calon Satu Baru",
    )
    assert validate_pairs(election, [{"nomor_urut": 1, "nama_calon": "X"}]) == []
    assert [
        p.column
        for p in validate_pairs(
            election, [{"nomor_urut": 100, "nama_calon": "A", "nama_wakil": "B"}]
        )
    ] == ["nomor_urut"]
