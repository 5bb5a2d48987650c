"""32 operators upload and confirm result files at once through the real web server
(``pilkada serve``: waitress, 8 threads) on its own database: every upload lands, none sees
"database is locked", and the change log stays one unbroken chain."""

from __future__ import annotations

import re
import sqlite3
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

import psycopg
import pytest

from pilkada.core.testing.processes import free_port, pilkada, start_server
from pilkada.core.testing.scratch import scratch_database
from pilkada.demo.generate import ELECTION_CODE

WRITERS = 32
DESA = "62.10.02.1012"


class Operator:
    """A user agent with its own cookies: sign in, upload, confirm."""

    def __init__(self, base: str):
        self.base = base
        self.jar = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.jar))

    def _csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def request(self, path, data=None, headers=None) -> tuple[int, str]:
        req = Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(req, timeout=300) as response:
                return response.status, response.read().decode()
        except HTTPError as exc:
            return exc.code, exc.read().decode()

    def post(self, path, fields: dict) -> tuple[int, str]:
        fields = {**fields, "csrfmiddlewaretoken": self._csrf()}
        return self.request(path, urlencode(fields).encode(), {"Referer": self.base + path})

    def upload(self, path, name: str, content: bytes) -> tuple[int, str]:
        boundary = uuid.uuid4().hex
        parts = [
            f"--{boundary}",
            'Content-Disposition: form-data; name="csrfmiddlewaretoken"',
            "",
            self._csrf(),
            f"--{boundary}",
            f'Content-Disposition: form-data; name="berkas"; filename="{name}"',
            "Content-Type: text/csv",
            "",
        ]
        body = "\r\n".join(parts).encode() + b"\r\n" + content
        body += f"\r\n--{boundary}--\r\n".encode()
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Referer": self.base + path,
        }
        return self.request(path, body, headers)


def _one_writer(base: str, n: int) -> list[tuple[str, int, str]]:
    op = Operator(base)
    steps = [("masuk", *op.request("/masuk/"))]
    steps.append(("masuk", *op.post("/masuk/", {"username": "admin", "password": "pilkada-demo"})))
    upload = f"/pemilihan/{ELECTION_CODE}/unggah/"
    steps.append(("form", *op.request(upload)))
    tps = DESA.replace(".", "") + f"{200 + n:03d}"
    csv = f"kode_tps;suara_paslon_1;suara_paslon_2;suara_paslon_3\n{tps};{n};{n + 1};{n + 2}\n"
    status, page = op.upload(upload, f"hasil-{n}.csv", csv.encode())
    steps.append(("unggah", status, page))
    job = re.search(r"/unggah/(\d+)/", page)  # the job page the upload redirects to
    if job:
        job_page = f"{upload}{job.group(1)}/"
        steps.append(("pratinjau", *_wait_for(op, job_page, "checked")))
        op.post(f"{job_page}putuskan/", {"action": "simpan"})
        steps.append(("simpan", *_wait_for(op, job_page, "done")))
    return steps


def _wait_for(op, path: str, status: str, seconds: float = 300) -> tuple[int, str]:
    """The job page once the server's worker has brought the job to ``status``, polled as
    often as the page reloads itself in a browser (every 2 s)."""
    deadline = time.monotonic() + seconds
    while True:
        code, page = op.request(path)
        if f'data-status="{status}"' in page or time.monotonic() > deadline:
            return code, page
        time.sleep(2)


def _stored(env, pg_name) -> int:
    query = (
        "SELECT count(*) FROM tallies_tallysheet s JOIN regions_pollingstation p "
        "ON p.id = s.polling_station_id WHERE p.number >= '200'"
    )
    if pg_name is None:
        db = sqlite3.connect(env["PILKADA_DATA_DIR"] + "/pilkada.sqlite3")
        try:
            return db.execute(query).fetchone()[0]
        finally:
            db.close()
    with psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://")) as db:
        return db.execute(query).fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_32_operators_upload_at_once_without_a_lock_error(tmp_path):
    with scratch_database(tmp_path) as (env, pg_name):
        pilkada(env, "demo", "--no-serve")
        tps = tmp_path / "tps.csv"
        tps.write_text("kode_desa;nomor_tps;dpt_l;dpt_p\n" + "".join(
            f"{DESA};{200 + n:03d};150;150\n" for n in range(WRITERS)))  # fmt: skip
        pilkada(env, "import", "tps", str(tps))
        port = free_port()
        server = start_server(env, port)
        try:
            base = f"http://127.0.0.1:{port}"
            with ThreadPoolExecutor(WRITERS) as pool:
                results = list(pool.map(lambda n: _one_writer(base, n), range(WRITERS)))
        finally:
            server.terminate()
            log = server.communicate(timeout=30)[0]
        for n, steps in enumerate(results):
            assert [s[0] for s in steps][-1] == "simpan", (n, [(s[0], s[1]) for s in steps])
            for name, status, page in steps:
                assert status == 200, (n, name, status, page[-1500:])
                assert "database is locked" not in page
            assert "sudah diimpor" in steps[-1][2]
        assert "database is locked" not in log and "Traceback" not in log, log[-3000:]
        assert _stored(env, pg_name) == WRITERS
        pilkada(env, "audit", "verify")
