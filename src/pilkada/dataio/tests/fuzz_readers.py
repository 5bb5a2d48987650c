"""Fuzzing of every file reader: valid .xlsx, .xls, .ods and .csv files, mutated by Hypothesis
(bytes flipped, cut short, spliced), must each give a ParseResult — rows or located errors —
and never an uncaught exception.

Run as a program so that a reader which takes the whole process down (a native abort) cannot
take the test runner with it; the input being read is always on disk at ``LAST_INPUT`` so
that such a crash can be replayed::

    python -m pilkada.dataio.tests.fuzz_readers --examples 300 --workdir /tmp/fuzz
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import traceback
from pathlib import Path

from hypothesis import strategies as st

LAST_INPUT = "last-input"
MEMORY = 1024 * 2**20  # the child's cap; uploads get 512 MB


@st.composite
def mutated(draw, corpus: dict[str, bytes]):
    """One seed of ``corpus`` (suffix → bytes), mutated 1–8 times: a byte flipped, the file
    cut short, random bytes spliced in, a stretch removed; returns (suffix, bytes)."""
    suffix = draw(st.sampled_from(sorted(corpus)))
    data = bytearray(corpus[suffix])
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["flip", "cut", "splice", "zero"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "cut":
            del data[at:]
        elif kind == "splice":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "zero":
            data[at : at + draw(st.integers(1, 512))] = b""
    return suffix, bytes(data)


def seeds(workdir: Path) -> dict[str, bytes]:
    from pilkada.core.testing.libreoffice import convert
    from pilkada.dataio.tests import files

    rows = [
        ["kode_tps", "suara_paslon_1", "suara_paslon_2", "suara_sah"],
        ["6210021012001", 120, "1.234", 1354],
        ["6210021012002", 3, None, "x"],
        ["JUMLAH", 123, 1234, 1354],
    ]
    xlsx = files.xlsx_xlsxwriter(workdir / "seed.xlsx", {"Kurun": rows, "Petunjuk": [["a"]]})
    ods = files.ods(workdir / "seed-ods.ods", {"Kurun": rows})
    csv = workdir / "seed.csv"
    csv.write_text("\n".join(";".join("" if c is None else str(c) for c in r) for r in rows))
    (xls,) = convert([xlsx], workdir, to="xls")
    return {".xlsx": xlsx.read_bytes(), ".ods": ods.read_bytes(), ".csv": csv.read_bytes(),
            ".xls": xls.read_bytes()}  # fmt: skip


def run(examples: int, workdir: Path) -> None:
    from hypothesis import HealthCheck, given, settings

    from pilkada.dataio.columns import Column, Spec
    from pilkada.dataio.parsers import count, text

    spec = Spec(
        name="fuzz",
        columns=[Column("kode_tps", parser=text, required=True),
                 Column("suara_paslon_1", parser=count), Column("suara_sah", parser=count)],
    )  # fmt: skip
    corpus = seeds(workdir)

    crashes = []

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(mutated(corpus))
    def reads_without_exceptions(case):
        suffix, data = case
        path = workdir / f"{LAST_INPUT}{suffix}"
        path.write_bytes(data)
        # Each read in a forked child with capped memory, as uploads and imports are read
        # (dataio.isolated): a reader that dies there (a native abort, an allocation refused)
        # is reported to the user as an unreadable file; an exception is a bug.
        pid = os.fork()
        if pid == 0:
            resource.setrlimit(resource.RLIMIT_DATA, (MEMORY, MEMORY))
            try:
                result = spec.parse_file(path)
                assert isinstance(result.rows, list) and isinstance(result.errors, list)
            except BaseException:
                traceback.print_exc()
                os._exit(3)
            os._exit(0)
        _pid, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status):
            crashes.append(suffix)
            return
        assert os.WEXITSTATUS(status) == 0, "uncaught exception (traceback above)"

    reads_without_exceptions()
    return crashes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=300)
    parser.add_argument("--workdir", type=Path, required=True)
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilkada.settings")
    os.environ.setdefault("PILKADA_DATA_DIR", str(args.workdir / "data"))
    import django

    django.setup()
    crashes = run(args.examples, args.workdir)
    print(f"{args.examples} mutated files read without an uncaught exception")
    print(f"readers that died in their memory-capped child (reported as unreadable): {crashes}")


if __name__ == "__main__":
    sys.exit(main())
