"""Recaps read from the database: scope checks and national elections."""

import pytest

from pilkada.elections.services import create_election, upsert_pairs
from pilkada.recap.selectors import RecapError, election_recap, region_names
from pilkada.tallies.form import SheetNumbers
from pilkada.tallies.services import save_sheet


def test_national_recap_by_province(small_area):
    e = create_election(name="Pilpres", kind="presiden", region_code="", polling_date="2024-02-14")
    upsert_pairs(
        e,
        [
            {"nomor_urut": n, "nama_calon": f"C{n}", "nama_wakil": f"W{n}", "partai": ""}
            for n in (1, 2, 3)
        ],
    )
    for station, votes in zip(
        small_area[:2], ({1: 10, 2: 20, 3: 5}, {1: 1, 2: 2, 3: 3}), strict=True
    ):
        save_sheet(
            election=e, station=station, expected_version=None, numbers=SheetNumbers(votes=votes)
        )
    recap = election_recap(e, level="provinsi")
    assert [r.code for r in recap.rows] == ["62"]
    assert recap.total.votes == {1: 11, 2: 22, 3: 8}
    assert recap.total.tps_total == len(small_area) and recap.total.tps_reported == 2
    assert region_names(recap)["62"] == "Kalimantan Tengah"
    kab = election_recap(e, within="62", level="kabkota")
    assert kab.total.votes == recap.total.votes


def test_scope_errors(election, small_area):
    with pytest.raises(RecapError, match="tidak berada"):
        election_recap(election, within="63", level="kabkota")
    with pytest.raises(RecapError, match="tidak ada"):
        election_recap(election, within="62.10.99", level="desa")
    with pytest.raises(RecapError, match="harus di bawah"):
        election_recap(election, within="62.10.02.1012", level="desa")
    with pytest.raises(RecapError, match="Tingkat"):
        election_recap(election, level="rt")
