"""A bounded fuzz run of every reader (see ``fuzz_readers``) in a child process."""

import subprocess
import sys


def test_mutated_files_never_escape_as_exceptions(tmp_path):
    child = subprocess.run(
        [sys.executable, "-m", "pilkada.dataio.tests.fuzz_readers",
         "--examples", "1500", "--workdir", str(tmp_path)],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    last = sorted(p.name for p in tmp_path.glob("last-input*"))
    assert child.returncode == 0, (
        f"exit {child.returncode}; last input kept as {last} in {tmp_path}\n"
        f"{child.stdout[-3000:]}\n{child.stderr[-3000:]}"
    )
    assert "1500 mutated files read" in child.stdout
