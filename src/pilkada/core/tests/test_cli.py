"""The `pilkada` command end to end: demo data in, recap and checks out."""

import json
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pilkada.cli import main
from pilkada.demo.generate import ELECTION_CODE
from pilkada.tallies.models import PairVote, TallySheet


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_help_lists_commands_in_indonesian(capsys):
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    for word in ("demo", "import tps", "recap", "check", "election create"):
        assert word in text
    assert "rekapitulasi" in text


def test_recap_json_matches_an_independent_sum(demo):
    data = json.loads(
        run("recap", "--election", ELECTION_CODE, "--level", "kecamatan", "--format", "json")
    )
    # Independent: straight from the tables, grouped by the first 8 characters of the code.
    votes = defaultdict(lambda: defaultdict(int))
    for kec, number, count in PairVote.objects.values_list(
        "sheet__polling_station__desa__code", "pair__number", "votes"
    ):
        votes[kec[:8]][str(number)] += count
    invalid = defaultdict(int)
    for kec, value in TallySheet.objects.values_list(
        "polling_station__desa__code", "invalid_votes"
    ):
        invalid[kec[:8]] += value or 0
    rows = {r["kode"]: r for r in data["baris"]}
    assert len(rows) == 12 and data["simulasi"] is True
    for code, row in rows.items():
        assert row["suara"] == dict(votes[code])
        assert row["isian"].get("invalid_votes", 0) == invalid[code]
    # levels add up: kecamatan rows sum to the total, and each kecamatan equals its desa
    total = data["jumlah"]
    for n in total["suara"]:
        assert total["suara"][n] == sum(r["suara"][n] for r in rows.values())
    assert total["tps_total"] == sum(r["tps_total"] for r in rows.values())
    kurun = json.loads(
        run(
            "recap",
            "--election",
            ELECTION_CODE,
            "--region",
            "62.10.02",
            "--level",
            "desa",
            "--format",
            "json",
        )
    )
    assert kurun["jumlah"]["suara"] == rows["62.10.02"]["suara"]
    assert kurun["jumlah"]["tps_masuk"] == rows["62.10.02"]["tps_masuk"]


def test_recap_csv_and_table(demo):
    csv_text = run("recap", "--election", ELECTION_CODE, "--level", "kecamatan", "--format", "csv")
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("kode,nama,tps_masuk,tps_total")
    assert len(lines) == 1 + 12 + 1
    table = run("recap", "--election", ELECTION_CODE, "--level", "kecamatan")
    assert "DATA SIMULASI" in table and "JUMLAH" in table and "%" in table


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--election", "tidak-ada", "--level", "desa"], "tidak ditemukan"),
        (["--election", ELECTION_CODE, "--region", "63.01", "--level", "desa"], "tidak berada"),
        (
            ["--election", ELECTION_CODE, "--region", "62.10.02", "--level", "kecamatan"],
            "harus di bawah",
        ),
    ],
)
def test_recap_errors_are_indonesian(demo, args, message):
    with pytest.raises(CommandError, match=message):
        run("recap", *args)


def test_check_lists_flawed_sheets_and_exits_1(demo):
    out = StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("check", "--election", ELECTION_CODE, "--format", "json", stdout=out)
    assert exc.value.code == 1
    data = json.loads(out.getvalue())
    rules = {f["aturan"] for s in data["formulir_bermasalah"] for f in s["temuan"]}
    assert {"R1", "R5", "R7", "R8", "R10"} <= rules
    assert all(len(s["kode_tps"]) == 13 for s in data["formulir_bermasalah"])


def test_election_create_and_list(demo):
    run(
        "election",
        "create",
        "--name",
        "Pemilihan Gubernur Kalimantan Tengah 2024",
        "--kind",
        "gubernur",
        "--region",
        "62",
        "--date",
        "2024-11-27",
        "--code",
        "pilgub",
    )
    listed = json.loads(run("election", "list", "--format", "json"))
    assert {e["kode"] for e in listed} == {"pilgub", ELECTION_CODE}
    with pytest.raises(CommandError, match="tingkat Provinsi"):
        run(
            "election",
            "create",
            "--name",
            "X",
            "--kind",
            "gubernur",
            "--region",
            "62.10",
            "--date",
            "2024-11-27",
        )


def test_simulated_label_goes_to_stderr_for_machine_formats(demo):
    out, err = StringIO(), StringIO()
    call_command(
        "recap",
        "--election",
        ELECTION_CODE,
        "--level",
        "kecamatan",
        "--format",
        "csv",
        stdout=out,
        stderr=err,
    )
    assert "DATA SIMULASI" in err.getvalue() and "SIMULASI" not in out.getvalue()


def test_argument_errors_and_help_are_indonesian(db, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["recap", "--election", "x", "--level", "rt"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "kesalahan" in err and "pilihan tidak sah" in err and "error" not in err
    with pytest.raises(SystemExit):
        main(["import", "tps", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("pemakaian: pilkada import tps")
    assert "tampilkan bantuan ini" in out and "--settings" not in out


@pytest.mark.parametrize("region", ["63", "xx", "62.10.99"])
def test_check_refuses_a_region_outside_the_election(demo, region):
    with pytest.raises(CommandError, match="Wilayah"):
        run("check", "--election", ELECTION_CODE, "--region", region)
