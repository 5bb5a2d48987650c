"""Parsing in a child process: same result as in-process, and every failure of the reader
(memory, time, a hard crash) comes back as a message while this process carries on."""

import os
import threading
from pathlib import Path

import pytest
from django.utils import translation

from pilkada.dataio.columns import Column, Spec
from pilkada.dataio.errors import FileError
from pilkada.dataio.isolated import parse_isolated
from pilkada.dataio.parsers import count
from pilkada.dataio.tests import files

ROWS = [["Kode", "Jumlah"], ["a", 1], ["b", "1.234"], ["", 3], ["JUMLAH", 1238]]


def hog(value):
    """A parser that wants far more memory than the child may have."""
    return bytearray(2**31)


def crash(value):
    """A parser that takes the process down the way a Rust panic-abort does."""
    os.abort()


def stuck(value):
    """Writes its process id to the path the cell holds, then never finishes."""
    if value.endswith("pid"):
        Path(value).write_text(str(os.getpid()))
        threading.Event().wait()
    return value


def spec(parser=count):
    return Spec(name="t", columns=[Column("kode", required=True), Column("jumlah", parser=parser)])


def test_the_child_parses_exactly_as_this_process_does(tmp_path):
    path = files.xlsx_xlsxwriter(tmp_path / "data.xlsx", {"Kurun": ROWS})
    here, there = spec().parse_file(path), parse_isolated(spec(), path)
    assert [(r.values, r.location) for r in there.rows] == [
        (r.values, r.location) for r in here.rows
    ]
    assert [r.values["jumlah"] for r in there.rows] == [1, 1234]
    assert [str(e) for e in there.errors] == [str(e) for e in here.errors] != []
    assert there.skipped_total_rows == here.skipped_total_rows


def test_messages_come_in_the_callers_language(tmp_path):
    path = files.xlsx_xlsxwriter(tmp_path / "data.xlsx", {"Kurun": ROWS})
    with translation.override("en"):
        english = [str(e) for e in parse_isolated(spec(), path).errors]
    indonesian = [str(e) for e in parse_isolated(spec(), path).errors]
    assert "wajib diisi" in indonesian[0]
    assert english[0] != indonesian[0] and "wajib diisi" not in english[0]


def test_a_reader_that_wants_too_much_memory_is_stopped(tmp_path):
    path = files.xlsx_xlsxwriter(tmp_path / "besar.xlsx", {"Kurun": ROWS})
    with pytest.raises(FileError, match=r"besar.xlsx: berkas memerlukan lebih dari 256 MB"):
        parse_isolated(spec(hog), path, memory=256 * 2**20)


def test_a_reader_that_crashes_the_process_leaves_this_one_standing(tmp_path):
    path = files.xlsx_xlsxwriter(tmp_path / "rusak.xlsx", {"Kurun": ROWS})
    with pytest.raises(FileError, match="rusak.xlsx: berkas tidak dapat dibaca: pembacanya"):
        parse_isolated(spec(crash), path)
    assert len(parse_isolated(spec(), path).rows) == 2  # and the next upload is read as usual


def test_a_reader_that_runs_too_long_is_killed(tmp_path):
    pid_file = tmp_path / "pid"
    rows = [["Kode", "Jumlah"], ["a", str(pid_file)]]
    path = files.xlsx_xlsxwriter(tmp_path / "lambat.xlsx", {"Kurun": rows})
    with pytest.raises(FileError, match="dihentikan setelah 2 detik"):
        parse_isolated(spec(stuck), path, seconds=2)
    with pytest.raises(ProcessLookupError):  # killed and reaped, not left running
        os.kill(int(pid_file.read_text()), 0)


def test_an_unreadable_file_keeps_its_own_message(tmp_path):
    path = tmp_path / "hasil.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    result = parse_isolated(spec(), path)
    assert result.rows == [] and "hasil.xlsx" in str(result.errors[0])


def test_the_command_line_survives_a_workbook_that_asks_for_24_gb(tmp_path):
    """Found by fuzzing: a 5 KB damaged .xls makes python-calamine try to allocate about
    24 GB. Imports read files in the memory-capped child, so the command reports an unreadable
    file. (Run in a subprocess limited to 4 GiB, so that a regression fails this test instead
    of exhausting the machine.)"""
    import resource
    import subprocess
    import sys

    bad = Path(__file__).parent / "data" / "fuzz-oom.xls"
    limit = 4 * 2**30
    child = subprocess.run(
        [sys.executable, "-m", "pilkada.cli", "import", "tps", str(bad)],
        env={**os.environ, "PILKADA_DATA_DIR": str(tmp_path)},
        capture_output=True, text=True, timeout=300,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)),
    )  # fmt: skip
    assert child.returncode == 1, child.stderr[-2000:]
    assert "fuzz-oom.xls: berkas tidak dapat dibaca" in child.stderr
