"""Duplicate voters ("DPT ganda"): name keys, the three tiers and their scores, the selector
over an election, the workbook (masked and full NIK) and ``pilkada dpt duplicates``."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import polars as pl
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from pilkada.audit.models import AccessRecord
from pilkada.voters import duplicates
from pilkada.voters.duplicates import (
    election_duplicates,
    find_duplicates,
    normalise_names,
    tier_counts,
)
from pilkada.voters.duplicates_xlsx import FULL_NIK_ACTION, write_duplicates_workbook
from pilkada.voters.tests.factories import add_voters, nik_for

BORN = dt.date(1990, 5, 1)
OTHER_DAY = dt.date(1975, 8, 17)
SCHEMA = ["id", "nik", "name", "birth_date", "birth_place", "sex", "tps", "region"]


def voters_frame(rows) -> pl.DataFrame:
    """Rows of (id, name, birth date, NIK serial or full NIK, place, sex) as the engine's frame;
    ids 1–3 vote in Sepang (62.10.01), the rest in Kurun (62.10.02)."""
    out = []
    for vid, name, born, nik, place, sex in rows:
        nik = nik if isinstance(nik, str) else nik_for(born, sex, nik)
        desa = "62.10.01.1001" if vid <= 3 else "62.10.02.1012"
        tps = desa.replace(".", "") + "001"
        out.append((vid, nik, name, born, place, sex, tps, desa))
    return pl.DataFrame(out, schema=SCHEMA, orient="row")


def pair_set(pairs: pl.DataFrame) -> set[tuple[int, int, int]]:
    return set(pairs.select("id_a", "id_b", "tier").iter_rows())


@pytest.mark.parametrize(
    "names",
    [
        ["Muhammad Rizki", "M. Rizky", "Moh. Riski", "Mochammad Rizki", "MUH. RIZQI"],
        ["Siti Nurhasanah", "Hj. Siti Nurhasanah", "siti nurhasanah, S.Pd."],
        ["Soekarno", "Sukarno", "Ir. Soekarno"],
        ["Abdullah", "Abdulah", "ABDULLAH"],
        ["Djoko Tjahjono", "Joko Cahyono"],
        ["Jusuf Hidajat", "Yusuf Hidayat"],
        ["Joko Tjahjono", "Djoko Tjahjono", "Joko Cahyono"],  # mixed old and new spelling
        ["Chairul Anwar", "Khairul Anwar", "Drs. H. Chairul Anwar, M.Si."],
        ["Ahmad Santoso", "Achmad Santoso S.Pd", "AHMAD  SANTOSO S.E."],
    ],
)
def test_spellings_of_one_name_get_one_key(names):
    assert normalise_names(pl.Series(names)).n_unique() == 1


def test_keys_keep_different_names_apart():
    names = ["Budi", "Rudi", "Joko", "Panji Raja", "M. Hasan", "M.H. Thamrin", None, ""]
    keys = normalise_names(pl.Series(names)).to_list()
    assert keys == ["BUDI", "RUDI", "JOKO", "PANJI RAJA", "M HASAN", "M H TAMRIN", "", ""]


def test_each_tier_found_and_ordered_by_tier_then_score():
    frame = voters_frame(
        [
            (1, "Muhammad Rizki", BORN, 1, "Kuala Kurun", "L"),
            (2, "M. Rizky", BORN, 1, "KUALA KURUN", "L"),  # same NIK as 1: tier 1
            (3, "Siti Aminah", OTHER_DAY, 7, "Tewah", "P"),
            (4, "Rina Wati", dt.date(1986, 1, 2), nik_for(OTHER_DAY, "P", 7), "Tewah", "P"),
            (5, "Moh. Riski", BORN, 5, "Kuala Kurun", "L"),  # new NIK: tier 2 with 1 and 2
            (6, "Mohamad Riski", BORN, 6, "Sampit", "L"),  # tier 2, another place
        ]
    )
    pairs = find_duplicates(frame)
    assert list(pairs.columns[:5]) == ["tier", "score", "reason", "id_a", "id_b"]
    assert {"nik_a", "name_b", "tps_a", "region_b"} <= set(pairs.columns)
    assert pair_set(pairs) == {
        (1, 2, 1),
        (1, 5, 2),
        (2, 5, 2),
        (1, 6, 2),
        (2, 6, 2),
        (5, 6, 2),
        (3, 4, 3),
    }
    assert pairs["tier"].to_list() == sorted(pairs["tier"].to_list())
    for tier in (1, 2, 3):
        scores = pairs.filter(pl.col("tier") == tier)["score"].to_list()
        assert scores == sorted(scores, reverse=True)
        assert all(0 <= s <= 100 for s in scores)
    by_pair = {(a, b): (s, r) for a, b, s, r in pairs.select("id_a", "id_b", "score", "reason")
                .iter_rows()}  # fmt: skip
    assert by_pair[(1, 2)][0] == 100
    assert "ganda" not in by_pair[(1, 2)][1]  # reasons are short facts, the tier says the rest
    assert by_pair[(1, 2)][1].startswith("NIK sama, nama dan tanggal lahir sama")
    assert by_pair[(1, 5)][0] > by_pair[(1, 6)][0]  # same birth place beats a different one
    assert "tempat lahir berbeda" in by_pair[(1, 6)][1]
    assert by_pair[(3, 4)][1].startswith("NIK sama, nama dan tanggal lahir berbeda")
    assert by_pair[(3, 4)][0] < 50
    assert tier_counts(pairs) == {1: 1, 2: 5, 3: 1}


def test_same_nik_same_name_other_birth_date_is_a_data_error():
    frame = voters_frame(
        [
            (1, "Siti Nurhasanah", BORN, "6210024105900001", "Tewah", "P"),
            (4, "Siti Nur Hasanah", dt.date(1990, 5, 2), "6210024105900001", "Tewah", "P"),
        ]
    )
    row = find_duplicates(frame).row(0, named=True)
    assert (row["tier"], row["reason"]) == (3, "NIK sama, tanggal lahir berbeda; tempat lahir sama")
    assert row["score"] == 85  # 100 + 5 (place) - 20 (date)


def test_spelling_variants_with_different_nik_are_probable_duplicates():
    frame = voters_frame(
        [
            (1, "Muhammad Rizki", BORN, 1, "", "L"),
            (2, "M. Rizky", BORN, 2, "", "L"),
            (3, "Moh. Riski", BORN, 3, "", "L"),
            (4, "Siti Nurhasanah", BORN, 4, "", "P"),
            (5, "Siti Nur Hasanah", BORN, 5, "", "P"),
            (6, "Hj. Siti Nurhasanah", BORN, 6, "", "P"),
        ]
    )
    pairs = find_duplicates(frame)
    expected = {(a, b, 2) for a, b in [(1, 2), (1, 3), (2, 3), (4, 5), (4, 6), (5, 6)]}
    assert pair_set(pairs) == expected
    assert set(pairs["score"].to_list()) == {100}  # places unknown: no bonus, no penalty


def test_different_people_born_the_same_day_are_not_matched():
    frame = voters_frame(
        [
            (1, "Budi Santoso", BORN, 1, "Kuala Kurun", "L"),
            (2, "Rudi Hartono", BORN, 2, "Kuala Kurun", "L"),
            (3, "Siti Aminah", BORN, 3, "Kuala Kurun", "P"),
            (4, "Rina Wati", BORN, 4, "Kuala Kurun", "P"),
            (5, "Agus Salim", BORN, 5, "Kuala Kurun", "L"),
            (6, "Budi Santoso", OTHER_DAY, 6, "Kuala Kurun", "L"),  # same name, other day
        ]
    )
    assert find_duplicates(frame).height == 0


def test_twins_sharing_a_family_name_are_not_matched():
    frame = voters_frame(
        [
            (1, "Rina Nasution", BORN, 1, "Medan", "P"),
            (2, "Kristina Nasution", BORN, 2, "Medan", "P"),
            (3, "Budi Santoso", BORN, 3, "Medan", "L"),
            (4, "Rudi Santoso", BORN, 4, "Medan", "L"),
            (5, "Abdul Rahman", BORN, 5, "Medan", "L"),
            (6, "Abdurrahman", BORN, 6, "Medan", "L"),  # one name written two ways
        ]
    )
    assert pair_set(find_duplicates(frame)) == {(5, 6, 2)}


def test_siblings_given_one_nik_are_a_data_error_not_identical():
    nik = "6210025105900001"
    frame = voters_frame(
        [
            (1, "Maria Simanjuntak", BORN, nik, "Medan", "P"),
            (4, "Sri Simanjuntak", BORN, nik, "Medan", "P"),
        ]
    )
    row = find_duplicates(frame).row(0, named=True)
    assert (row["tier"], row["reason"]) == (3, "NIK sama, nama berbeda; tempat lahir sama")


def test_sex_differing_lowers_the_score():
    frame = voters_frame(
        [
            (1, "Nur Hasanah", BORN, 1, "Tewah", "P"),
            (2, "Nurhasanah", BORN, 2, "Tewah", "P"),
            (4, "Nur Hasanah", BORN, 4, "Tewah", "L"),
        ]
    )
    scores = {(a, b): s for a, b, s in find_duplicates(frame).select("id_a", "id_b", "score")
              .iter_rows()}  # fmt: skip
    assert scores[(1, 2)] == 100
    assert scores[(1, 4)] == 100 + 5 - 15


def test_an_oversized_nik_group_is_reported_as_a_star(monkeypatch):
    monkeypatch.setattr(duplicates, "GROUP_CAP", 3)
    nik = "6210020105900001"
    frame = voters_frame([(i, "Budi Santoso", BORN, nik, "", "L") for i in range(1, 6)])
    pairs = find_duplicates(frame)
    assert sorted(pairs.select("id_a", "id_b").iter_rows()) == [(1, 2), (1, 3), (1, 4), (1, 5)]
    assert all("NIK dipakai 5 pemilih" in r for r in pairs["reason"])
    monkeypatch.setattr(duplicates, "GROUP_CAP", 50)
    assert find_duplicates(frame).height == 10  # every pair of a small group


def test_an_oversized_birth_date_is_split_and_still_matched(monkeypatch):
    monkeypatch.setattr(duplicates, "BLOCK_CAP", 2)
    frame = voters_frame(
        [
            (1, "Muhammad Rizki", BORN, 1, "", "L"),
            (2, "Budi Santoso", BORN, 2, "", "L"),
            (3, "Agus Salim", BORN, 3, "", "L"),
            (4, "M. Rizky", BORN, 4, "", "L"),
        ]
    )
    assert pair_set(find_duplicates(frame)) == {(1, 4, 2)}


def test_an_empty_list_and_a_frame_without_columns():
    empty = find_duplicates(voters_frame([]).with_columns(pl.col("birth_date").cast(pl.Date)))
    assert empty.height == 0 and "nik_b" in empty.columns
    assert tier_counts(empty) == {1: 0, 2: 0, 3: 0}
    with pytest.raises(ValueError, match="birth_place"):
        find_duplicates(voters_frame([]).drop("birth_place"))


# --- over the database -------------------------------------------------------------------


def person(name, born, sex, serial, **more):
    return {"name": name, "birth_date": born, "sex": sex, "nik": nik_for(born, sex, serial), **more}


@pytest.fixture
def listed(election, small_area):
    """Duplicates within a TPS, across TPS and across kecamatan (Sepang 62.10.01, Kurun
    62.10.02); NIKs unique unless said otherwise."""
    sepang1, sepang2, _other, kurun1, _kurun2 = small_area
    add_voters(
        election,
        sepang1,
        [
            person("Muhammad Rizki", BORN, "L", 1, birth_place="Kuala Kurun"),
            person("Siti Aminah", OTHER_DAY, "P", 2),
        ],
    )
    add_voters(
        election,
        sepang2,
        [person("M. Rizky", BORN, "L", 1, birth_place="Kuala Kurun")],  # the NIK of Rizki
    )
    add_voters(
        election,
        kurun1,
        [
            person("Moh. Riski", BORN, "L", 9, birth_place="Kuala Kurun"),  # another kecamatan
            person("Rina Wati", dt.date(1986, 1, 2), "P", 2, nik=nik_for(OTHER_DAY, "P", 2)),
            person("Budi Santoso", BORN, "L", 10),
        ],
    )
    return election


def ids_by_name(election) -> dict[str, int]:
    return dict(election.voters.values_list("name", "id"))


def test_election_duplicates_across_tps_and_kecamatan(listed):
    report = election_duplicates(listed)
    ids = ids_by_name(listed)
    rizki, rizky, riski = ids["Muhammad Rizki"], ids["M. Rizky"], ids["Moh. Riski"]
    assert report.voters == 6
    assert report.counts == {1: 1, 2: 2, 3: 1}
    assert pair_set(report.pairs) == {
        (rizki, rizky, 1),
        (rizki, riski, 2),
        (rizky, riski, 2),
        (min(ids["Siti Aminah"], ids["Rina Wati"]), max(ids["Siti Aminah"], ids["Rina Wati"]), 3),
    }
    across = report.pairs.filter((pl.col("id_a") == rizki) & (pl.col("id_b") == riski)).row(
        0, named=True
    )
    assert (across["tps_a"], across["tps_b"]) == ("6210011001001", "6210021012001")
    assert across["region_name_b"] and across["birth_date_a"] == BORN
    assert across["list_number_a"] == 1


def test_election_duplicates_within_a_region(listed):
    report = election_duplicates(listed, "62.10.01")
    assert (report.region_code, report.region_name) == ("62.10.01", "Sepang")
    assert report.voters == 3
    assert report.counts == {1: 1, 2: 0, 3: 0}


def read_pairs_sheet(path):
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Pemilih ganda", "Ringkasan"]
    ws = wb["Pemilih ganda"]
    headers = [c.value for c in ws[2]]
    rows = [dict(zip(headers[:3], r[:3], strict=True)) | {"a": r[3:11], "b": r[11:]}
            for r in ws.iter_rows(min_row=3, values_only=True)]  # fmt: skip
    return wb, ws, headers, rows


def test_workbook_masks_nik_by_default(listed, tmp_path):
    path = tmp_path / "ganda.xlsx"
    assert write_duplicates_workbook(election_duplicates(listed), path) == 4
    wb, ws, headers, rows = read_pairs_sheet(path)
    side = ["NIK", "Nama", "Tanggal lahir", "Tempat lahir", "Jenis kelamin", "TPS", "No. urut",
            "Desa/kelurahan"]  # fmt: skip
    assert headers == ["Tingkat", "Skor", "Alasan", *side, *side]
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:S6"
    assert [r["Tingkat"] for r in rows] == [1, 2, 2, 3]
    first = rows[0]["a"]
    assert first[0] == nik_for(BORN, "L", 1)[:12] + "****"
    assert first[2] == dt.datetime(1990, 5, 1)  # a real date, not text
    assert ws["F3"].number_format == "dd-mm-yyyy"
    assert not AccessRecord.objects.exists()
    summary = [r for r in wb["Ringkasan"].iter_rows(values_only=True) if r[0] in (1, 2, 3)]
    assert [(r[0], r[2]) for r in summary] == [(1, 1), (2, 2), (3, 1)]
    assert summary[0][1].startswith("Ganda identik")


def test_workbook_with_full_nik_is_recorded(listed, tmp_path):
    path = tmp_path / "ganda-penuh.xlsx"
    write_duplicates_workbook(election_duplicates(listed), path, full_nik=True)
    _wb, _ws, _headers, rows = read_pairs_sheet(path)
    assert rows[0]["a"][0] == nik_for(BORN, "L", 1)
    record = AccessRecord.objects.get()
    assert record.action == FULL_NIK_ACTION
    assert record.rows == 5  # the people in the four pairs
    assert "uji" in record.subject and "ganda-penuh.xlsx" in record.subject


def test_workbook_full_nik_needs_the_permission(listed, tmp_path):
    user = get_user_model().objects.create_user("petugas", password="x")
    with pytest.raises(PermissionDenied):
        write_duplicates_workbook(
            election_duplicates(listed), tmp_path / "x.xlsx", full_nik=True, user=user
        )
    assert not AccessRecord.objects.exists()
    assert not (tmp_path / "x.xlsx").exists()


def test_user_text_never_becomes_a_formula(election, small_area, tmp_path):
    evil = '=HYPERLINK("http://x")'
    add_voters(election, small_area[0], [person(evil, BORN, "L", 1), person(evil, BORN, "L", 2)])
    path = tmp_path / "ganda.xlsx"
    write_duplicates_workbook(election_duplicates(election), path)
    cell = openpyxl.load_workbook(path)["Pemilih ganda"]["E3"]
    assert (cell.value, cell.data_type) == (evil, "s")


def run(*args):
    out = io.StringIO()
    call_command("dpt", "duplicates", "--election", "uji", *args, stdout=out)
    return out.getvalue()


def test_cli_writes_the_workbook_and_a_line_per_tier(listed, tmp_path):
    path = tmp_path / "ganda.xlsx"
    lines = run("--output", str(path)).splitlines()
    assert lines[:3] == [
        "Tingkat 1 (ganda identik): 1 pasangan",
        "Tingkat 2 (kemungkinan ganda): 2 pasangan",
        "Tingkat 3 (data salah/NIK dipakai dua orang): 1 pasangan",
    ]
    assert "NIK disamarkan" in lines[3]
    assert path.exists() and not AccessRecord.objects.exists()
    run("--output", str(path), "--region", "62.10.02", "--nik-penuh")
    assert AccessRecord.objects.get().action == FULL_NIK_ACTION


def test_cli_refuses_bad_input(listed, tmp_path):
    with pytest.raises(CommandError, match="xlsx"):
        run("--output", str(tmp_path / "ganda.csv"))
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("dpt", "duplicates", "--election", "tidak-ada", "--output", "x.xlsx")
    with pytest.raises(CommandError, match="Wilayah"):
        run("--output", str(tmp_path / "g.xlsx"), "--region", "63.01")
    with pytest.raises(CommandError, match="Tidak dapat menulis"):
        run("--output", str(tmp_path / "tidak" / "ada" / "g.xlsx"))
