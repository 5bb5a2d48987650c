"""Benchmark: the web app under polling-night load, through the real server on loopback.

    .venv/bin/python bench/web_load.py [--tps 7908] [--clients 50] [--seconds 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pilkada_bench .venv/bin/python bench/...

Builds a throw-away database with a Kabupaten-Bogor-size bupati election (7,908 TPS in 40
kecamatan, 5 pairs, 85 % of the TPS reported, one in 50 breaking a rule) and starts
`pilkada serve` (waitress) on a free port. Then, each for ``--seconds``, with ``--clients``
concurrent keep-alive clients:
  static     the stylesheet (served by the same process): the reference
  public     the public dashboard of the kabupaten and of a kecamatan (anonymous)
  internal   the internal dashboard of the kabupaten, a kecamatan and a desa (administrator)
  entry      50 witnesses, each saving new numbers on their own TPS's result form again and
             again (POST, then the next save with the next version): saves/s, errors, and
             lost updates (each sheet's final version must equal 1 + its saves)
and prints p50/p95 latency, requests/s, and each page's p95 against the stylesheet's.
Targets on a 2-core machine: dashboard p95 <= 200 ms; >= 300 saves/s with 0 errors and 0 lost
updates. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from _setup import plausible_numbers, synthetic_area, throwaway_database

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

CODE = "bench"
KABUPATEN = "32.01"
PAIRS = 5


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tps", type=int, default=7_908)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--only", choices=["dashboard", "entry"], help="run one part only")
    args = parser.parse_args()
    work = throwaway_database()
    from django.db import connection

    try:
        started = time.perf_counter()
        witnesses = build(args.tps, args.clients)
        print(f"built in {time.perf_counter() - started:.1f} s ({connection.vendor})")
        connection.close()
        run(args, work, witnesses)
    finally:
        connection.close()
        shutil.rmtree(work, ignore_errors=True)


def build(n_tps: int, n_witnesses: int) -> list[tuple[str, str, str]]:
    """The election, its sheets, an administrator, and ``n_witnesses`` witnesses each on one
    unreported TPS; returns [(session key, TPS id, csrf token)] of the witnesses, then the
    administrator's session last."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from pilkada.access.models import Assignment, Role
    from pilkada.elections.services import create_election, upsert_pairs
    from pilkada.regions.models import PollingStation
    from pilkada.regions.services import upsert_regions, upsert_stations
    from pilkada.tallies.services import PlannedSave, Source, save_sheets

    regions, stations = synthetic_area(n_tps, kec_per_kab=40, per_desa=18, desa_per_kec=11)
    upsert_regions(regions)
    upsert_stations(stations)
    election = create_election(
        code=CODE, name="Pemilihan Bupati Bogor (uji beban)", kind="bupati",
        region_code=KABUPATEN, polling_date="2024-11-27", voter_scheme="2024",
    )  # fmt: skip
    upsert_pairs(
        election,
        [{"nomor_urut": n, "nama_calon": f"Calon {n}", "nama_wakil": f"Wakil {n}"}
         for n in range(1, PAIRS + 1)],
    )  # fmt: skip
    rng = random.Random(7)
    all_stations = list(
        PollingStation.objects.filter(desa__code__startswith=KABUPATEN + ".")
        .select_related("desa")
        .order_by("desa__code", "number")
    )
    rng.shuffle(all_stations)
    reported = all_stations[: int(len(all_stations) * 0.85)]
    open_stations = all_stations[int(len(all_stations) * 0.85) :][:n_witnesses]
    pair_ids = dict(election.pairs.values_list("number", "id"))
    with transaction.atomic():
        save_sheets(
            election,
            [
                PlannedSave(
                    s,
                    None,
                    plausible_numbers(
                        s.desa.code,
                        s.number,
                        s.registered_men,
                        s.registered_women,
                        PAIRS,
                        rng,
                        flawed=i % 50 == 0,
                    ),
                    Source(kind="file", file="bench.xlsx"),
                )  # fmt: skip
                for i, s in enumerate(reported)
            ],
            pair_ids=pair_ids,
        )
    User = get_user_model()
    sessions = []
    for i, station in enumerate(open_stations):
        user = User.objects.create_user(f"saksi{i}", password="bench-only-pw-1")
        Assignment.objects.create(user=user, role=Role.WITNESS, polling_station=station)
        sessions.append((_session(user), station.sirekap_id))
    admin = User.objects.create_superuser("admin", "", "bench-only-pw-1")
    sessions.append((_session(admin), ""))
    return sessions


def _session(user) -> str:
    """A signed-in session for ``user``, made directly (the login's rate limits stay out)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from pilkada.core.middleware import SEEN, STARTED

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[STARTED] = store[SEEN] = int(time.time())
    store.save()
    return store.session_key


def run(args, work: Path, sessions) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from pilkada.core.testing.processes import free_port

    port = free_port()
    env = {**os.environ, "PILKADA_DATA_DIR": str(work), "PILKADA_DEBUG": "0"}
    server = subprocess.Popen(
        [sys.executable, "-m", "pilkada.cli", "serve", "--no-worker", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        _wait_for(port)
        admin_session = sessions[-1][0]
        witnesses = sessions[:-1]
        results = {}
        warm_up(port, [f"/publik/{CODE}/", f"/pemilihan/{CODE}/"], admin_session)
        results["static"] = load(port, ["/static/pilkada/pilkada.css"], args)
        if args.only != "entry":
            kec, desa = f"{KABUPATEN}.01", f"{KABUPATEN}.01.2001"
            results["public"] = load(
                port, [f"/publik/{CODE}/", f"/publik/{CODE}/wilayah/{kec}/"], args
            )
            results["internal"] = load(
                port,
                [f"/pemilihan/{CODE}/", f"/pemilihan/{CODE}/wilayah/{kec}/",
                 f"/pemilihan/{CODE}/wilayah/{desa}/"],
                args, session=admin_session,
            )  # fmt: skip
        reference = results["static"]["p95"]
        print(f"\n{args.clients} clients, {args.seconds:.0f} s each; p95 ratio vs. stylesheet")
        for name, r in results.items():
            print(
                f"{name:9s} {r['n']:7d} req  {r['rps']:7.1f} req/s  p50 {r['p50'] * 1000:7.1f} ms"
                f"  p95 {r['p95'] * 1000:7.1f} ms  ({r['p95'] / reference:5.1f}x)"
                f"  errors {r['errors']}"
            )
        if args.only != "dashboard":
            entry(port, witnesses, args)
    finally:
        server.terminate()
        server.wait(timeout=30)


def warm_up(port: int, paths: list[str], session: str) -> None:
    """One request per page first, timed apart: a server on polling night has computed its
    dashboards long before the crowd arrives."""
    for path in paths:
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("GET", path, headers={"Cookie": f"sessionid={session}"})
        conn.getresponse().read()
        print(f"first view of {path}: {(time.perf_counter() - started) * 1000:.0f} ms")


def _wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/static/pilkada/pilkada.css")
            if c.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("server did not start")


def load(port: int, paths: list[str], args, *, session: str | None = None) -> dict:
    """``args.clients`` threads requesting ``paths`` round-robin for ``args.seconds``."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + args.seconds
    headers = {"Cookie": f"sessionid={session}"} if session else {}

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, i = [], offset
        while time.monotonic() < stop:
            path = paths[i % len(paths)]
            i += 1
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            mine.append(time.perf_counter() - started)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    began = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "n": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies),
        "p95": latencies[int(len(latencies) * 0.95) - 1],
        "errors": errors[0],
    }


FORM_VERSION = re.compile(r'name="versi" value="(\d+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def entry(port: int, witnesses, args) -> None:
    """Every witness saves new numbers on their own TPS as fast as the server lets them."""
    saves = [0] * len(witnesses)
    errors: list[str] = []
    lock = threading.Lock()
    stop = [0.0]

    def witness(k: int) -> None:
        session, tps = witnesses[k]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        path = f"/pemilihan/{CODE}/tps/{tps}/isi/"
        conn.request("GET", path, headers={"Cookie": f"sessionid={session}"})
        response = conn.getresponse()
        page = response.read().decode()
        csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
        token = CSRF.search(page)
        version = FORM_VERSION.search(page)
        if response.status != 200 or not token or not csrf_cookie:
            with lock:
                errors.append(f"{tps}: form {response.status}")
            return
        cookie = f"sessionid={session}; csrftoken={csrf_cookie.group(1)}"
        current = version.group(1) if version else ""
        n = 0
        while time.monotonic() < stop[0]:
            valid = 100 + n % 50
            body = urlencode(
                {"csrfmiddlewaretoken": token.group(1), "versi": current, "aksi": "kirim",
                 "votes_1": valid, "valid_votes": valid, "invalid_votes": 1}
            )  # fmt: skip
            try:
                conn.request("POST", path, body=body, headers={
                    "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded",
                })  # fmt: skip
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(f"{tps}: {exc}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            if response.status != 302:
                with lock:
                    errors.append(f"{tps}: save {response.status}")
                break
            n += 1
            # a first save is two versions (draft, then submitted); later ones one each
            current = str(int(current) + 1) if current else "2"
        saves[k] = n

    stop[0] = time.monotonic() + args.seconds
    began = time.perf_counter()
    threads = [threading.Thread(target=witness, args=(k,)) for k in range(len(witnesses))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    lost = lost_updates(witnesses, saves)
    total = sum(saves)
    print(
        f"entry     {len(witnesses)} witnesses: {total} saves in {elapsed:.1f} s = "
        f"{total / elapsed:.1f} saves/s (target >= 300); errors {len(errors)}; "
        f"lost updates {lost}"
    )
    for e in errors[:5]:
        print("  ", e)


def lost_updates(witnesses, saves) -> int:
    """Sheets whose stored version or revision count is not what their saves made."""
    from pilkada.regions import codes
    from pilkada.tallies.models import TallySheet

    lost = 0
    for (_session_key, tps), n in zip(witnesses, saves, strict=True):
        desa, number = codes.split_sirekap_tps_id(tps)
        sheet = TallySheet.objects.filter(
            election__code=CODE, polling_station__desa__code=desa, polling_station__number=number
        ).first()
        stored = sheet.version if sheet else 0
        revisions = sheet.revisions.count() if sheet else 0
        expected = n + 1 if n else 0  # the first save: a draft version, then submitted
        if stored != expected or revisions != expected:
            lost += 1
    return lost


if __name__ == "__main__":
    main()
