"""Voter statistics per region: counts, first-time voters on polling day, scoping, queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pilkada.recap.selectors import RecapError
from pilkada.regions.services import upsert_stations
from pilkada.voters.selectors import (
    StationCounts,
    VoterCounts,
    first_time_born_after,
    rollup,
    voter_stats,
    years_before,
)
from pilkada.voters.tests.factories import add_voters

POLLING_DAY = dt.date(2024, 11, 27)  # the ``election`` fixture's


def person(name, born, sex="L", **more):
    return {"name": name, "birth_date": born, "sex": sex, **more}


@pytest.fixture
def listed(election, small_area):
    """Voters on three of the five TPS of ``small_area``: Sepang 1001 TPS 001 and 002 and
    Kurun 1012 TPS 001 (Sepang 2002 TPS 001 and Kurun 1012 TPS 002 have no list)."""
    sepang1, sepang2, _other, kurun1, _empty = small_area
    add_voters(
        election,
        sepang1,
        [
            person("A", dt.date(1980, 1, 1), disability="fisik"),
            person("B", dt.date(2002, 11, 27), "P"),  # 22 on polling day: not first-time
            person("C", dt.date(2002, 11, 28), "P"),  # 21 on polling day: first-time
            person("D", dt.date(2008, 5, 1), marital="S"),  # 16, married: may vote, first-time
        ],
    )
    add_voters(election, sepang2, [person("E", dt.date(1990, 6, 1), "P", disability="netra")])
    add_voters(
        election,
        kurun1,
        [
            person("F", dt.date(1970, 3, 3), disability="rungu"),
            person("G", dt.date(2006, 1, 1), "P", disability="rungu"),
        ],
    )
    return election


def by_code(stats):
    return {row.code: row for row in stats.rows}


def test_kecamatan_counts(listed):
    stats = voter_stats(listed, level="kecamatan")
    assert stats.within == "62.10"
    assert stats.first_time_born_after == dt.date(2002, 11, 27)
    rows = by_code(stats)
    assert list(rows) == ["62.10.01", "62.10.02"]
    sepang, kurun = rows["62.10.01"], rows["62.10.02"]
    assert sepang.name == "Sepang" and kurun.name == "Kurun"
    assert (sepang.tps, sepang.tps_with_voters, kurun.tps, kurun.tps_with_voters) == (3, 2, 2, 1)
    assert (sepang.voters, sepang.men, sepang.women) == (5, 2, 3)
    assert (kurun.voters, kurun.men, kurun.women) == (2, 1, 1)
    assert sepang.first_time == 2 and kurun.first_time == 1
    assert sepang.disability["fisik"] == 1 and sepang.disability["netra"] == 1
    assert sepang.disabled == 2 and kurun.disability["rungu"] == 2 and kurun.disabled == 2
    assert list(sepang.disability) == [
        "fisik", "intelektual", "mental", "wicara", "rungu", "netra", "lainnya",
    ]  # fmt: skip
    # the TPS registry of small_area: 100+110, 120+90, 200+210 | 150+160, 130+140
    assert (sepang.registry_men, sepang.registry_women) == (420, 410)
    assert (kurun.registry_voters, kurun.difference) == (580, 2 - 580)
    total = stats.total
    assert (total.code, total.name, total.voters, total.tps, total.first_time) == (
        "62.10", "Kabupaten Gunung Mas", 7, 5, 3,
    )  # fmt: skip


def test_every_level_adds_up_to_the_same_total(listed):
    totals = set()
    for level in ("kecamatan", "desa", "tps"):
        stats = voter_stats(listed, level=level)
        summed = VoterCounts("x")
        for row in stats.rows:
            summed.add(row)
        assert summed.voters == stats.total.voters == 7
        totals.add((stats.total.voters, stats.total.men, stats.total.first_time, stats.total.tps))
    assert totals == {(7, 3, 3, 5)}
    tps = voter_stats(listed, level="tps")
    assert [r.code for r in tps.rows][:2] == ["6210011001001", "6210011001002"]
    assert tps.rows[0].name == "TPS 001 Sepang Simin" and tps.rows[0].voters == 4


def test_region_scoping_and_refusals(listed):
    stats = voter_stats(listed, within="62.10.02", level="desa")
    assert [(r.code, r.name, r.voters) for r in stats.rows] == [("62.10.02.1012", "Kurun", 2)]
    assert (stats.total.code, stats.total.name, stats.total.voters) == ("62.10.02", "Kurun", 2)
    for level in ("provinsi", "kabkota"):  # not below a kabupaten election's own area
        with pytest.raises(RecapError, match="harus di bawah"):
            voter_stats(listed, level=level)
    with pytest.raises(RecapError):
        voter_stats(listed, within="62.11", level="desa")  # outside the area
    with pytest.raises(RecapError):
        voter_stats(listed, within="62.10.02", level="kecamatan")  # not below the region


def test_first_time_cutoff_on_leap_days():
    assert years_before(dt.date(2024, 2, 29), 22) == dt.date(2002, 2, 28)
    assert first_time_born_after(POLLING_DAY) == dt.date(2002, 11, 27)
    # born 29-02-2000: 22 on 01-03-2022 (birthday on 1 March in other years), not on 28-02
    assert dt.date(2000, 2, 29) <= first_time_born_after(dt.date(2022, 3, 1))
    assert dt.date(2000, 2, 29) > first_time_born_after(dt.date(2022, 2, 28))


def test_rollup_is_pure_and_sorted():
    def station(desa, number, voters):
        return StationCounts(desa, number, f"TPS {number}", VoterCounts("", tps=1, voters=voters))

    stations = [station("62.10.02.1012", "001", 3), station("62.10.01.1001", "002", 4),
                station("62.10.01.1001", "001", 5)]  # fmt: skip
    assert [(r.code, r.tps, r.voters) for r in rollup(stations, level="desa")] == [
        ("62.10.01.1001", 2, 9), ("62.10.02.1012", 1, 3),
    ]  # fmt: skip
    assert [r.name for r in rollup(stations, level="tps")] == ["TPS 001", "TPS 002", "TPS 001"]
    with pytest.raises(ValueError):
        rollup(stations, level="dusun")


def test_query_count_does_not_grow_with_the_area(listed, small_area):
    def queries(level):
        with CaptureQueriesContext(connection) as ctx:
            voter_stats(listed, level=level)
        return len(ctx.captured_queries)

    small = {level: queries(level) for level in ("kecamatan", "desa", "tps")}
    # 40 more TPS in 20 more desa of 4 kecamatan, each with voters
    desa = ["62.10.03.2001", "62.10.03.2002", "62.10.04.2001", "62.10.04.2002", "62.10.05.2001",
            "62.10.05.2002", "62.10.06.2001", "62.10.06.2002"]  # fmt: skip
    from pilkada.regions.models import Region

    desa = [code for code in desa if Region.objects.filter(code=code).exists()]
    assert len(desa) >= 4
    upsert_stations(
        [
            {"kode_desa": d, "nomor_tps": f"{n:03d}", "dpt_l": 5, "dpt_p": 5}
            for d in desa
            for n in range(1, 6)
        ]  # fmt: skip
    )
    from pilkada.regions.models import PollingStation

    for station in PollingStation.objects.filter(desa__code__in=desa):
        add_voters(
            listed,
            station,
            [person("X", dt.date(1999, 1, 1)), person("Y", dt.date(2005, 1, 1), "P")],
        )
    large = {level: queries(level) for level in ("kecamatan", "desa", "tps")}
    assert large == small
    assert max(small.values()) <= 4
    assert voter_stats(listed, level="kecamatan").total.voters == 7 + 2 * 5 * len(desa)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("dpt", "stats", "--election", "uji", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_cli_json_csv_and_table(listed):
    data = json.loads(run("--level", "kecamatan", "--format", "json"))
    assert data["election"] == "uji" and data["level"] == "kecamatan"
    assert data["first_time_born_after"] == "2002-11-27" and data["polling_day"] == "2024-11-27"
    assert data["total"]["voters"] == 7 and data["total"]["registry_voters"] == 1410
    first = data["rows"][0]
    assert set(first) == {
        "code", "name", "tps", "tps_with_voters", "voters", "men", "women", "disability",
        "disabled", "first_time", "registry_men", "registry_women", "registry_voters",
        "difference",
    }  # fmt: skip
    assert first["disability"]["fisik"] == 1 and first["first_time"] == 2

    rows = list(csv.DictReader(io.StringIO(run("--level", "desa", "--format", "csv"))))
    assert rows[-1]["kode"] == "62.10" and rows[-1]["nama"] == "JUMLAH"
    assert rows[-1]["pemilih"] == "7" and rows[-1]["pemilih_pemula"] == "3"
    assert rows[0]["kode"] == "62.10.01.1001" and rows[0]["disabilitas_fisik"] == "1"

    text = run("--region", "62.10.02", "--level", "tps")
    assert "pemilih_pemula" in text and "6210021012001" in text and "JUMLAH" in text
    assert "27-11-2002" in text


def test_cli_refusals(listed):
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("dpt", "stats", "--election", "tidak-ada", "--level", "desa")
    with pytest.raises(CommandError, match="tidak berada"):
        run("--region", "63", "--level", "desa")
