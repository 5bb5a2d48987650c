"""Crash safety: an import killed with SIGKILL at random moments, 20 times, leaves the database
intact and the import either entirely there or not at all.

Each run is a real ``pilkada import hasil`` process of 3,000 TPS against its own database (a
SQLite file, or a PostgreSQL database beside the test database), alternating two files whose
every row differs, so every run rewrites every sheet in one transaction.
"""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import time

import psycopg
import pytest

from pilkada.core.testing.processes import pilkada
from pilkada.core.testing.scratch import scratch_database
from pilkada.demo.generate import ELECTION_CODE

RUNS = 20
N_TPS = 3000
DESA = ["62.10.02.1012", "62.10.03.2001", "62.10.01.1001", "62.10.05.2001", "62.10.01.2002",
        "62.10.02.1001"]  # fmt: skip


def _stations() -> list[tuple[str, str]]:
    return [(DESA[i % len(DESA)], f"{100 + i // len(DESA):03d}") for i in range(N_TPS)]


def _files(tmp_path):
    tps = tmp_path / "tps-tambahan.csv"
    tps.write_text(
        "kode_desa;nomor_tps;dpt_l;dpt_p\n" + "".join(f"{d};{n};150;150\n" for d, n in _stations()),
        encoding="utf-8",
    )
    results = []
    for variant in (0, 1):
        path = tmp_path / f"hasil-{variant}.csv"
        lines = ["kode_tps;suara_paslon_1;suara_paslon_2;suara_paslon_3;suara_sah"]
        for d, n in _stations():
            a, b, c = 40 + variant, 50, 60
            lines.append(f"{d.replace('.', '')}{n};{a};{b};{c};{a + b + c}")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        results.append(path)
    return tps, results


def _state(env, tmp_path, pg_name):
    """(integrity verdict, {pair-1 votes: number of sheets}) read without Pilkada."""
    query = (
        "SELECT v.votes, count(*) FROM tallies_pairvote v "
        "JOIN elections_candidatepair p ON p.id = v.pair_id "
        "WHERE p.number = 1 AND v.votes IN (40, 41) GROUP BY v.votes"
    )
    if pg_name is None:
        db = sqlite3.connect(tmp_path / "data" / "pilkada.sqlite3")
        try:
            integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
            counts = dict(db.execute(query).fetchall())
        finally:
            db.close()
        return integrity, counts
    with psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://")) as db:
        db.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
        indexes = db.execute(
            "SELECT c.oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'btree' "
            "AND c.relnamespace = 'public'::regnamespace"
        ).fetchall()
        for (oid,) in indexes:
            db.execute("SELECT bt_index_check(%s, true)", [oid])  # raises if corrupt
        counts = dict(db.execute(query).fetchall())
    return "ok", counts


@pytest.mark.django_db(transaction=True)
def test_import_killed_at_random_points_is_all_or_nothing(tmp_path):
    with scratch_database(tmp_path) as (env, pg_name):
        _kill_repeatedly(env, tmp_path, pg_name)


def _kill_repeatedly(env, tmp_path, pg_name):
    pilkada(env, "demo", "--no-serve")
    tps, files = _files(tmp_path)
    pilkada(env, "import", "tps", str(tps))
    started = time.monotonic()  # one whole import, to aim the kills inside its span
    pilkada(env, "import", "hasil", "--election", ELECTION_CODE, str(files[1]))
    span = time.monotonic() - started
    rng = random.Random(20241127)
    killed = 0
    for run in range(RUNS):
        path = files[run % 2]
        child = subprocess.Popen(
            [sys.executable, "-m", "pilkada.cli", "import", "hasil",
             "--election", ELECTION_CODE, str(path)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(rng.uniform(0.3, 1.0) * span)
        if child.poll() is None:
            child.kill()
            killed += 1
        child.wait()
        integrity, counts = _state(env, tmp_path, pg_name)
        assert integrity == "ok", f"run {run}: {integrity}"
        # all sheets carry one file's numbers: never a mix of the two
        assert sum(counts.values()) in (0, N_TPS) and len(counts) <= 1, (run, counts)
    assert killed >= RUNS // 2, f"only {killed} of {RUNS} runs were killed before finishing"
    verify = pilkada(env, "audit", "verify", check=False)
    assert verify.returncode == 0, verify.stderr
    finish = pilkada(env, "import", "hasil", "--election", ELECTION_CODE, str(files[0]))
    assert finish.returncode == 0
    assert _state(env, tmp_path, pg_name)[1] == {40: N_TPS}
