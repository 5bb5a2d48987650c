"""The same voter list as .xlsx, .xls (Excel 97–2003) and .ods, all made by LibreOffice from
one workbook, imports to the same voters; a NIK typed as a number is caught in each."""

from __future__ import annotations

import pytest

from pilkada.core.testing import libreoffice
from pilkada.dataio.tests import files
from pilkada.voters.imports import VoterImportRejected, import_voter_files
from pilkada.voters.models import Voter
from pilkada.voters.tests.test_imports import KURUN_1, kpu_sheet, person

FORMATS = ("xls", "ods", "xlsx")


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    if not libreoffice.available():
        pytest.fail("LibreOffice (soffice) is required: scripts/setup installs libreoffice-calc")
    base = tmp_path_factory.mktemp("dpt-formats")
    good = files.xlsx_openpyxl(
        base / "dpt.xlsx",
        {"TPS 001": kpu_sheet(KURUN_1, "001", [person(1), person(2, sex="P")]),
         "TPS 002": kpu_sheet(KURUN_1, "002", [person(3, date="17 Agustus 1985")])},
    )  # fmt: skip
    numeric = files.xlsx_openpyxl(
        base / "angka.xlsx",
        {"TPS 001": kpu_sheet(KURUN_1, "001", [person(1), person(2, nik=3273015508850000)])},
    )
    out = {}
    for to in FORMATS:
        out[to] = libreoffice.convert([good, numeric], base, to)
    return out


def stored() -> list[tuple]:
    return sorted(
        Voter.objects.values_list("polling_station__number", "nik", "name", "birth_date", "sex")
    )


@pytest.mark.parametrize("to", FORMATS)
def test_each_format_imports_the_same_voters(election, small_area, converted, to):
    good, _numeric = converted[to]
    outcome = import_voter_files(election, [good], isolated=False)
    assert outcome.summary.total("created") == 3
    rows = stored()
    assert [r[0] for r in rows] == ["001", "001", "002"]
    assert {r[2] for r in rows} == {"WARGA 1", "WARGA 2", "WARGA 3"}
    assert all(len(r[1]) == 16 and r[1].isdigit() for r in rows)


@pytest.mark.parametrize("to", FORMATS)
def test_numeric_nik_caught_in_each_format(election, small_area, converted, to):
    _good, numeric = converted[to]
    with pytest.raises(VoterImportRejected) as caught:
        import_voter_files(election, [numeric], isolated=False)
    message = "\n".join(caught.value.messages)
    assert "sel C9 (NIK)" in message and "sel angka" in message
    assert not Voter.objects.exists()


def test_a_csv_cut_off_after_its_header_is_a_located_rejection(election, small_area, tmp_path):
    """Found by fuzzing: polars refused the file with a schema error, which surfaced as the
    message for a crashed reader instead of saying what is wrong with the file."""
    path = tmp_path / "terpotong.csv"
    path.write_bytes(
        b"NO;KODE TPS;NKK;NIK;NAMA;TEMPAT LAHIR;TANGGAL LAHIR;STATUS PERKAWINAN;"
        b"JENIS KELAMIN;ALAMAT;RT;RW;DISABILITAS\r\n621002"
    )
    with pytest.raises(VoterImportRejected) as rejected:
        import_voter_files(election, [path], dry_run=True)
    assert "terpotong.csv" in rejected.value.messages[0]
    assert "setelah kepala kolom (baris 1)" in rejected.value.messages[0]
