"""The DPT upload in the web app: files checked by a background task, a preview per TPS,
confirmation stored by a second task, the rejects workbook, stale lists, who may see what,
the import history; then the real database queue and worker, in a browser and under
``pilkada serve``."""

from __future__ import annotations

import datetime as dt
import io
import re
import signal
import subprocess
import sys
import time
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from pilkada.access.models import Role
from pilkada.audit.models import AccessRecord, ChangeLogEntry
from pilkada.core.testing.processes import free_port, pilkada, start_server
from pilkada.core.testing.scratch import scratch_database
from pilkada.core.testing.users import make_user
from pilkada.dataio.tests import files
from pilkada.demo.generate import ELECTION_CODE
from pilkada.regions.models import PollingStation
from pilkada.voters.imports import import_voter_files
from pilkada.voters.models import StationVoterList, Voter, VoterListImport
from pilkada.voters.privacy import mask
from pilkada.voters.tests.test_imports import KURUN_1, kpu_sheet, kurun_workbook, person
from pilkada.web import services
from pilkada.web.models import JobStatus, UploadJob

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
PASSWORD = "rahasia-uji-123"


def grant(user, *codenames: str):
    for codename in codenames:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT


@pytest.fixture
def uploader(client, django_user_model, media, gumas_regions):
    """A desk operator who may import voter lists, signed in."""
    user = make_user("operator", Role.OPERATOR, "62.10")
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def kurun_book(tmp_path) -> Path:
    """TPS 001 (3 voters) and TPS 002 (2 voters) of Kurun, one sheet each."""
    return kurun_workbook(tmp_path / "dpt-kurun.xlsx")


def as_upload(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes())


def upload(client, paths, **options):
    data = {"berkas": [as_upload(p) for p in paths], **{k: "on" for k, v in options.items() if v}}
    return client.post(reverse("web:dpt-upload", args=["uji"]), data)


def job_url(job: UploadJob, name: str = "web:dpt-job") -> str:
    return reverse(name, args=[job.election.code, job.pk])


def count(page: str, name: str) -> str:
    return re.search(rf'data-count="{name}">([^<]*)<', page).group(1)


def test_upload_is_checked_previewed_then_stored(uploader, election, small_area, kurun_book,
                                                 media):  # fmt: skip
    response = upload(uploader, [kurun_book])
    job = UploadJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job_url(job)
    # the immediate task backend has run the check: a preview, nothing written
    assert (job.status, job.progress, job.user, job.file_names) == (
        JobStatus.CHECKED, 100, uploader.user, ["dpt-kurun.xlsx"]
    )  # fmt: skip
    assert Voter.objects.count() == 0 and StationVoterList.objects.count() == 0
    assert not VoterListImport.objects.exists()
    stations = {s.pk: s for s in PollingStation.objects.filter(desa__code=KURUN_1)}
    assert job.versions == {str(pk): None for pk in stations}  # no list yet at either TPS
    page = uploader.get(job_url(job)).content.decode()
    assert "belum ada yang disimpan" in page
    assert (count(page, "created"), count(page, "updated"), count(page, "unchanged"),
            count(page, "removed")) == ("5", "0", "0", "0")  # fmt: skip
    assert f"{KURUN_1} TPS 001" in page and "dpt-kurun.xlsx, TPS 001!8" in page
    assert 'http-equiv="refresh"' not in page  # nothing runs any more
    assert 'value="simpan"' in page and 'value="batal"' in page

    done = uploader.post(job_url(job, "web:dpt-job-decide"), {"action": "simpan"})
    assert done.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.finished_at is not None
    assert Voter.objects.count() == 5
    batch = VoterListImport.objects.get()
    assert (batch.source, batch.user, batch.file_name) == ("web", uploader.user, "dpt-kurun.xlsx")
    assert job.batch == batch
    entry = ChangeLogEntry.objects.filter(entity="voters.stationvoterlist").first()
    assert entry.request == f"web/unggah-dpt/{job.pk}" and entry.source == "web"
    page = uploader.get(job_url(job)).content.decode()
    assert "Impor DPT selesai" in page and "5 pemilih baru" in page
    assert count(page, "created") == "5" and count(page, "voters_after") == "5"
    assert not any((media / "dpt").rglob("*-dpt-kurun.xlsx"))  # the upload is deleted

    # a second click changes nothing
    again = uploader.post(job_url(job, "web:dpt-job-decide"), {"action": "simpan"}, follow=True)
    assert "sudah diproses" in again.content.decode()
    assert VoterListImport.objects.count() == 1

    history = uploader.get(reverse("web:dpt-history", args=["uji"])).content.decode()
    assert "dpt-kurun.xlsx" in history and "operator" in history and "selesai" in history
    assert "5 pemilih baru" in history and job_url(job) in history


def test_reupload_with_replace_counts_changed_unchanged_removed(uploader, election, small_area,
                                                                kurun_book, tmp_path):  # fmt: skip
    import_voter_files(election, [kurun_book], isolated=False)
    fixed = files.xlsx_openpyxl(
        tmp_path / "koreksi.xlsx",
        {"TPS 002": kpu_sheet(KURUN_1, "002", [person(4, address="JL. BARU"), person(6)])},
    )
    upload(uploader, [fixed], replace=True)
    job = UploadJob.objects.get()
    assert job.replace and job.status == JobStatus.CHECKED
    page = uploader.get(job_url(job)).content.decode()
    assert (count(page, "voters_before"), count(page, "created"), count(page, "updated"),
            count(page, "unchanged"), count(page, "removed"), count(page, "voters_after")) == (
        "2", "1", "1", "0", "1", "2")  # fmt: skip
    version = StationVoterList.objects.get(polling_station__number="002").version
    assert list(job.versions.values()) == [version]
    uploader.post(job_url(job, "web:dpt-job-decide"), {"action": "simpan"})
    assert not Voter.objects.filter(name="WARGA 5").exists()
    assert Voter.objects.get(name="WARGA 4").address == "JL. BARU"


def test_rejected_file_shows_errors_and_gives_the_rejects_workbook(
    uploader, election, small_area, tmp_path
):
    twin = person(1)
    bad = files.xlsx_openpyxl(
        tmp_path / "dpt.xlsx",
        {"TPS 001": kpu_sheet(KURUN_1, "001", [twin, person(2, sex="X")]),
         "TPS 002": kpu_sheet(KURUN_1, "002", [twin])},
    )  # fmt: skip
    upload(uploader, [bad])
    job = UploadJob.objects.get()
    assert job.status == JobStatus.REJECTED and job.error_count == 2
    page = uploader.get(job_url(job)).content.decode()
    assert "DPT ditolak: tidak ada yang disimpan" in page
    assert "dpt.xlsx, lembar TPS 001, sel H9 (JENIS KELAMIN (L/P))" in page  # file, sheet, cell
    assert "sudah ada di dpt.xlsx, lembar TPS 001, baris 8" in page
    assert twin[2] not in page and mask(twin[2]) in page  # NIKs only masked
    assert 'value="simpan"' not in page
    assert Voter.objects.count() == 0 and not VoterListImport.objects.exists()
    workbook = uploader.get(job_url(job, "web:dpt-rejects"))
    assert workbook.status_code == 200
    assert 'filename="dpt-ditolak.xlsx"' in workbook["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("NO", "NKK", "NIK") and len(rows) == 3  # header + 2 rejected rows
    assert not AccessRecord.objects.exists()  # the uploader's own rows: no full-NIK access
    history = uploader.get(reverse("web:dpt-history", args=["uji"])).content.decode()
    assert "ditolak" in history and job_url(job, "web:dpt-rejects") in history


def test_accept_valid_previews_the_good_rows_and_lists_the_rejected(
    uploader, election, small_area, tmp_path
):
    young = person(2, birth=dt.date(2010, 1, 1), marital="B")
    path = files.xlsx_openpyxl(
        tmp_path / "dpt.xlsx", {"TPS 001": kpu_sheet(KURUN_1, "001", [person(1), young])}
    )
    upload(uploader, [path], accept_valid=True)
    job = UploadJob.objects.get()
    assert job.status == JobStatus.CHECKED and job.error_count == 1 and job.rejects_path
    page = uploader.get(job_url(job)).content.decode()
    assert "Baris yang ditolak (tidak ikut disimpan) (1)" in page and "14 tahun" in page
    assert count(page, "created") == "1" and job_url(job, "web:dpt-rejects") in page
    uploader.post(job_url(job, "web:dpt-job-decide"), {"action": "simpan"})
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and Voter.objects.count() == 1
    assert uploader.get(job_url(job, "web:dpt-rejects")).status_code == 200  # kept


def test_cancel_writes_nothing_and_deletes_the_upload(uploader, election, small_area, kurun_book,
                                                      media):  # fmt: skip
    upload(uploader, [kurun_book])
    job = UploadJob.objects.get()
    stored = media / job.stored_paths[0]
    assert stored.is_file()
    response = uploader.post(job_url(job, "web:dpt-job-decide"), {"action": "batal"}, follow=True)
    assert "Unggahan dibatalkan" in response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and not stored.exists()
    assert Voter.objects.count() == 0


def test_a_list_changed_since_the_check_is_refused_at_confirm(uploader, election, small_area,
                                                              kurun_book):  # fmt: skip
    upload(uploader, [kurun_book])
    job = UploadJob.objects.get()
    other = files.xlsx_openpyxl(
        kurun_book.with_name("lain.xlsx"), {"TPS 002": kpu_sheet(KURUN_1, "002", [person(9)])}
    )
    import_voter_files(election, [other], isolated=False)  # someone else, meanwhile
    response = uploader.post(job_url(job, "web:dpt-job-decide"), {"action": "simpan"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.STALE
    page = uploader.get(job_url(job)).content.decode()
    assert "Tidak disimpan: DPT sudah diubah orang lain" in page
    assert f"{KURUN_1} TPS 002" in page and "tidak ada yang disimpan" in page
    assert list(Voter.objects.values_list("name", flat=True)) == ["WARGA 9"]  # theirs stays


def test_the_store_task_itself_refuses_a_stale_list(uploader, election, small_area, kurun_book):
    """Between "Simpan" and the worker taking the task, someone else stores a list: the
    import's own version check (under lock) refuses it."""
    upload(uploader, [kurun_book])
    job = UploadJob.objects.get()
    import_voter_files(election, [kurun_book], isolated=False)  # someone else, meanwhile
    # what "Simpan" does before it queues the task
    UploadJob.objects.filter(pk=job.pk).update(status=JobStatus.STORING, started_at=None)
    assert services.run_dpt_store(job.pk) == JobStatus.STALE
    job.refresh_from_db()
    assert "sudah diubah orang lain" in job.message
    assert VoterListImport.objects.count() == 1  # only theirs


def test_running_job_page_shows_progress_and_refreshes_itself(uploader, election, media):
    job = UploadJob.objects.create(
        election=election, user=uploader.user, kind="dpt", file_names=["a.xlsx"],
        status=JobStatus.READING, progress=30, stage="Membaca berkas 1 dari 1: a.xlsx",
    )  # fmt: skip
    page = uploader.get(job_url(job)).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress id="job-progress" max="100" value="30"' in page
    assert "30% — Membaca berkas 1 dari 1: a.xlsx" in page
    quiet = uploader.get(job_url(job) + "?diam=1").content.decode()
    assert 'http-equiv="refresh"' not in quiet and "<progress" in quiet


def test_interrupted_jobs_fail_when_the_worker_starts_again(uploader, election, media):
    started = UploadJob.objects.create(
        election=election, user=uploader.user, kind="dpt", status=JobStatus.STORING,
        started_at=timezone.now(),
    )  # fmt: skip
    waiting = UploadJob.objects.create(
        election=election, user=uploader.user, kind="dpt", status=JobStatus.STORING
    )
    assert services.fail_interrupted_jobs() == 1
    started.refresh_from_db()
    waiting.refresh_from_db()
    assert (
        started.status == JobStatus.FAILED
        and "pekerja latar atau server Pilkada berhenti" in started.message
    )
    assert waiting.status == JobStatus.STORING  # its task has not run yet: it still will


def test_unconfirmed_jobs_expire_after_a_day(uploader, election, small_area, kurun_book, media):
    upload(uploader, [kurun_book])
    job = UploadJob.objects.get()
    UploadJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - dt.timedelta(days=2))
    assert services.expire_unconfirmed_jobs() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and "Kedaluwarsa" in job.summary
    assert not (media / job.stored_paths[0]).exists()


# --- refused uploads ---


@pytest.mark.parametrize(
    "names,message",
    [
        (["dpt.pdf"], "Jenis berkas .pdf tidak didukung"),
        ([], "Pilih berkas DPT"),
        (["dpt.xlsx", "dpt.xlsx"], "Dua berkas bernama sama (dpt.xlsx)"),
    ],
)
def test_refused_uploads(uploader, election, names, message):
    data = {"berkas": [SimpleUploadedFile(n, b"x") for n in names]}
    response = uploader.post(reverse("web:dpt-upload", args=["uji"]), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not UploadJob.objects.exists()


def test_an_oversized_file_is_refused(uploader, election, kurun_book, settings):
    settings.PILKADA_MAX_UPLOAD_BYTES = 100
    response = upload(uploader, [kurun_book])
    assert response.status_code == 400 and "terlalu besar" in response.content.decode()
    assert not UploadJob.objects.exists()


def test_upload_form_is_labelled(uploader, election):
    page = uploader.get(reverse("web:dpt-upload", args=["uji"])).content.decode()
    for field, label in [("berkas", "Berkas DPT"), ("accept_valid", "Impor baris yang sah saja"),
                         ("replace", "Ganti seluruh DPT TPS dalam berkas")]:  # fmt: skip
        assert f'<label for="id_{field}">{label}</label>' in page
    assert "multiple" in page and 'accept=".xlsx,.xls,.ods,.csv"' in page


# --- who may see what ---


@pytest.fixture
def others_job(uploader, election, small_area, tmp_path):
    bad = files.xlsx_openpyxl(
        tmp_path / "dpt.xlsx", {"TPS 001": kpu_sheet(KURUN_1, "001", [person(1, sex="X")])}
    )
    upload(uploader, [bad], accept_valid=True)  # rejected: no valid row left
    job = UploadJob.objects.get()
    assert job.rejects_path
    return job


def test_anonymous_users_are_sent_to_login(client, election):
    for url in [reverse("web:dpt-upload", args=["uji"]), reverse("web:dpt-history", args=["uji"]),
                reverse("web:dpt-job", args=["uji", 1])]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 302 and "/masuk/" in response["Location"]


def test_users_without_the_permission_get_403(client, django_user_model, others_job):
    client.force_login(django_user_model.objects.create_user("pembaca"))
    for url in [reverse("web:dpt-upload", args=["uji"]), reverse("web:dpt-history", args=["uji"]),
                job_url(others_job), job_url(others_job, "web:dpt-rejects")]:  # fmt: skip
        assert client.get(url).status_code == 403
    assert client.post(reverse("web:dpt-upload", args=["uji"])).status_code == 403


def test_another_uploader_cannot_see_or_decide_someone_elses_job(client, django_user_model,
                                                                 others_job):  # fmt: skip
    other = make_user("lain", Role.OPERATOR, "62.10")
    client.force_login(other)
    assert client.get(job_url(others_job)).status_code == 404
    assert client.get(job_url(others_job, "web:dpt-rejects")).status_code == 404
    response = client.post(job_url(others_job, "web:dpt-job-decide"), {"action": "batal"})
    assert response.status_code == 404
    history = client.get(reverse("web:dpt-history", args=["uji"])).content.decode()
    assert "dpt.xlsx" in history  # the history names it, without links into it
    assert job_url(others_job) not in history and "ditolak.xlsx" not in history


def test_a_supervisor_sees_jobs_but_full_niks_need_their_permission(client, django_user_model,
                                                                    others_job):  # fmt: skip
    supervisor = make_user("pengawas", Role.SUPERVISOR, "62.10")
    client.force_login(supervisor)
    assert client.get(job_url(others_job)).status_code == 200
    assert client.get(job_url(others_job, "web:dpt-rejects")).status_code == 403
    assert (
        client.post(job_url(others_job, "web:dpt-job-decide"), {"action": "batal"}).status_code
        == 403
    )
    grant(supervisor, "view_full_nik")
    supervisor = django_user_model.objects.get(pk=supervisor.pk)  # fresh permission cache
    client.force_login(supervisor)
    assert client.get(job_url(others_job, "web:dpt-rejects")).status_code == 200
    record = AccessRecord.objects.get()
    assert (record.username, record.source) == ("pengawas", "web")
    assert f"#{others_job.pk}" in record.subject


def test_a_superuser_may_see_and_decide(client, django_user_model, uploader, election, small_area,
                                        kurun_book):  # fmt: skip
    upload(uploader, [kurun_book])
    job = UploadJob.objects.get()
    client.force_login(django_user_model.objects.create_superuser("admin", "", PASSWORD))
    assert 'value="simpan"' in client.get(job_url(job)).content.decode()
    client.post(job_url(job, "web:dpt-job-decide"), {"action": "simpan"})
    assert Voter.objects.count() == 5


def test_recap_page_links_to_the_dpt_pages_for_permitted_users(uploader, client, election,
                                                               django_user_model):  # fmt: skip
    page = uploader.get(reverse("web:recap-top", args=["uji"])).content.decode()
    assert reverse("web:dpt-upload", args=["uji"]) in page
    assert reverse("web:dpt-history", args=["uji"]) in page
    client.force_login(make_user("pembaca", Role.SUPERVISOR, "62.10"))
    page = client.get(reverse("web:recap-top", args=["uji"])).content.decode()
    assert reverse("web:dpt-upload", args=["uji"]) not in page
    assert reverse("web:dpt", args=["uji"]) in page


# --- the real queue: database backend and worker ---


def run_worker():
    """What the worker of `pilkada serve` does, here and now: every queued task, then stop."""
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


@pytest.mark.django_db(transaction=True)
def test_jobs_wait_in_the_database_queue_until_a_worker_runs_them(uploader, election, small_area,
                                                                  kurun_book):  # fmt: skip
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS=DATABASE_TASKS):
        upload(uploader, [kurun_book])
        job = UploadJob.objects.get()
        assert job.status == JobStatus.QUEUED and job.task_id
        page = uploader.get(job_url(job)).content.decode()
        assert "<progress" in page and "menunggu giliran" in page.lower()
        run_worker()
        job.refresh_from_db()
        assert job.status == JobStatus.CHECKED
        uploader.post(job_url(job, "web:dpt-job-decide"), {"action": "simpan"})
        job.refresh_from_db()
        assert job.status == JobStatus.STORING and Voter.objects.count() == 0
        run_worker()
        job.refresh_from_db()
        assert job.status == JobStatus.DONE and Voter.objects.count() == 5
        assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


@pytest.mark.django_db(transaction=True)
def test_in_a_browser_upload_progress_preview_confirm(
    page, live_server, election, small_area, kurun_book, media, django_user_model
):
    make_user("desk", Role.OPERATOR, "62.10")
    with override_settings(TASKS=DATABASE_TASKS):
        page.goto(f"{live_server.url}/masuk/")
        page.get_by_label("Nama pengguna").fill("desk")
        page.get_by_label("Kata sandi").fill(PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_url("**/")
        page.goto(f"{live_server.url}/pemilihan/uji/")
        page.get_by_role("link", name="Unggah DPT").click()
        page.get_by_label("Berkas DPT").set_input_files(str(kurun_book))
        page.get_by_label("Ganti seluruh DPT TPS dalam berkas").check()
        page.get_by_role("button", name="Periksa berkas").click()
        page.wait_for_url("**/dpt/unggahan/*/")
        assert page.get_by_role("heading", level=1).inner_text() == "Memeriksa DPT"
        assert page.locator("progress").get_attribute("max") == "100"
        assert "menunggu giliran" in page.get_by_role("status").inner_text().lower()
        # no request while the worker runs here (SQLite's test database is shared in memory)
        page.get_by_role("link", name="Hentikan pembaruan otomatis").click()
        run_worker()
        page.get_by_role("link", name="Perbarui halaman").click()
        heading = page.get_by_role("heading", level=1)
        assert heading.inner_text() == "Pratinjau DPT: belum ada yang disimpan"
        assert page.locator('[data-count="created"]').inner_text() == "5"
        page.get_by_role("button", name="Simpan").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Menyimpan DPT"
        page.get_by_role("link", name="Hentikan pembaruan otomatis").click()
        run_worker()
        page.get_by_role("link", name="Perbarui otomatis").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Impor DPT selesai"
        assert page.locator("[data-status]").inner_text() == "selesai"
        assert "5 pemilih baru" in page.locator("[data-summary]").inner_text()
        assert page.locator('[data-count="voters_after"]').inner_text() == "5"
    assert Voter.objects.count() == 5


# --- under `pilkada serve`: its own worker process ---


class Desk:
    """A browser without a browser: cookies, CSRF, multipart upload."""

    def __init__(self, base: str):
        self.base = base
        self.jar = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.jar))

    def request(self, path, data=None, headers=None) -> tuple[int, str, str]:
        req = Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(req, timeout=60) as response:
                return response.status, response.geturl(), response.read().decode()
        except HTTPError as exc:
            return exc.code, path, exc.read().decode()

    def _csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def post(self, path, fields: dict):
        body = urlencode({**fields, "csrfmiddlewaretoken": self._csrf()}).encode()
        return self.request(path, body, {"Referer": self.base + path})

    def upload(self, path, name: str, content: bytes):
        boundary = "pilkada-uji-batas"
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"'
                f'\r\n\r\n{self._csrf()}\r\n--{boundary}\r\nContent-Disposition: form-data; '
                f'name="berkas"; filename="{name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n")  # fmt: skip
        body = head.encode() + content + f"\r\n--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}",
                   "Referer": self.base + path}  # fmt: skip
        return self.request(path, body, headers)

    def wait_for(self, path: str, status: str, seconds: float = 60) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            _code, _url, page = self.request(path)
            if f'data-status="{status}"' in page:
                return page
            time.sleep(0.5)
        raise AssertionError(f"{path} never reached {status}: {page[-2000:]}")


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.django_db(transaction=True)
def test_pilkada_serve_runs_the_worker_for_uploads(tmp_path):
    with scratch_database(tmp_path) as (env, _pg_name):
        pilkada(env, "demo", "--no-serve")
        pilkada(env, "import", "tps", str(files.csv_file(
            tmp_path / "tps.csv", [["kode_desa", "nomor_tps", "dpt_l", "dpt_p"],
                                   [KURUN_1, "300", "1", "1"]])))  # fmt: skip
        book = files.xlsx_openpyxl(
            tmp_path / "dpt-300.xlsx",
            {"TPS 300": kpu_sheet(KURUN_1, "300", [person(1), person(2, sex="P")])},
        )
        port = free_port()
        server = start_server(env, port)
        try:
            workers = _children(server.pid)
            assert len(workers) == 1  # `pilkada worker --parent <serve>`
            desk = Desk(f"http://127.0.0.1:{port}")
            desk.request("/masuk/")
            desk.post("/masuk/", {"username": "admin", "password": "pilkada-demo"})
            form = f"/pemilihan/{ELECTION_CODE}/dpt/unggah/"
            desk.request(form)
            status, url, page = desk.upload(form, book.name, book.read_bytes())
            assert status == 200 and "/dpt/unggahan/" in url, page[-2000:]
            job = url.split("127.0.0.1:" + str(port), 1)[1]
            page = desk.wait_for(job, "checked")
            assert re.search(r'data-count="created">2<', page)
            desk.post(job + "putuskan/", {"action": "simpan"})
            page = desk.wait_for(job, "done")
            assert "2 pemilih baru" in page
            # a worker that dies is started again
            subprocess.run(["kill", "-KILL", str(workers[0])], check=True)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and _children(server.pid) in ([], workers):
                time.sleep(0.2)
            workers += _children(server.pid)
            assert len(workers) == 2, workers
        finally:
            server.terminate()
            log = server.communicate(timeout=60)[0]
        assert server.returncode == 0 and "Traceback" not in log, log[-3000:]
        assert "Pekerja latar berhenti" in log
        assert _all_gone(workers)  # stopped with serve


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; only its parent has not collected it yet


def _all_gone(pids, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while any(_running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    return not any(_running(pid) for pid in pids)


@pytest.mark.django_db(transaction=True)
def test_the_worker_stops_when_the_server_that_started_it_is_killed(tmp_path):
    with scratch_database(tmp_path) as (env, _pg_name):
        pilkada(env, "migrate")
        # a stand-in for `pilkada serve`: a shell that starts the worker as its child
        shell = subprocess.Popen(
            ["sh", "-c", f"{sys.executable} -m pilkada.cli worker --parent $$ & echo $!; wait"],
            env=env, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        worker = int(shell.stdout.readline())
        try:
            time.sleep(1)
            assert _running(worker)
            shell.kill()  # no chance to stop its child
            shell.wait()
            assert _all_gone([worker])
        finally:
            if _running(worker):
                subprocess.run(["kill", "-KILL", str(worker)], check=False)


def test_job_page_in_english(uploader, election, small_area, kurun_book, settings):
    upload(uploader, [kurun_book])
    uploader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = uploader.get(job_url(UploadJob.objects.get())).content.decode()
    assert "DPT preview: nothing saved yet" in page and "Unchanged" in page
    assert "belum ada yang disimpan" not in page
