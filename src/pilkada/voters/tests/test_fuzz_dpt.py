"""A bounded fuzz run of the voter-list (DPT) reader: a valid KPU-layout workbook and a CSV,
mutated by Hypothesis (bytes flipped, cut short, spliced), must each give a dry-run import or a
located :class:`VoterImportRejected`, never another exception.

The read happens in ``import_voter_files``' isolated child (``dataio.isolated``), so a reader
that aborts natively is reported as an unreadable file rather than taking pytest down. The
mutation mirrors ``pilkada.dataio.tests.fuzz_readers``, whose strategy is local to its ``run``.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings

from pilkada.dataio.tests import files
from pilkada.dataio.tests.fuzz_readers import mutated
from pilkada.voters.imports import VoterImportRejected, import_voter_files
from pilkada.voters.tests.test_imports import HEADER, kurun_workbook, person

EXAMPLES = 25


def seeds(workdir) -> dict[str, bytes]:
    xlsx = kurun_workbook(workdir / "seed.xlsx")
    rows = [["DPT KECAMATAN KURUN"], [], ["KODE TPS", *HEADER]]
    rows += [["6210021012002", *person(n, birth=dt.date(1985, 8, 17))] for n in (1, 2, 3)]
    csv = files.csv_file(workdir / "seed.csv", rows, delimiter=";", bom=True)
    return {".xlsx": xlsx.read_bytes(), ".csv": csv.read_bytes()}


def test_mutated_dpt_files_import_or_are_rejected(election, small_area, tmp_path):
    corpus = seeds(tmp_path)
    # the unmutated seeds import cleanly, so the mutations start from real, readable files
    for suffix, data in corpus.items():
        path = tmp_path / f"clean{suffix}"
        path.write_bytes(data)
        assert import_voter_files(election, [path], dry_run=True).summary.total("created") > 0

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(mutated(corpus))
    def imports_or_rejects(case):
        suffix, data = case
        path = tmp_path / f"last-input{suffix}"  # kept on disk for replaying a failure
        path.write_bytes(data)
        try:
            import_voter_files(election, [path], dry_run=True)
        except VoterImportRejected as exc:
            assert exc.messages, "a rejection must say why"

    imports_or_rejects()
