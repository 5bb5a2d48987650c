"""The result (C.Hasil) upload in the web app: the file checked by a background task, a preview
of what changes per TPS, confirmation stored by a second task against the sheet versions the
preview read, located errors and their workbook, conflicts, who may see what, the history;
then the real database queue and worker."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from pilkada.access.models import Role
from pilkada.audit.models import ChangeLogEntry
from pilkada.core.testing.users import make_user
from pilkada.tallies.form import SheetNumbers
from pilkada.tallies.imports import import_results_file
from pilkada.tallies.models import TallySheet, TallySheetRevision
from pilkada.tallies.services import save_sheet
from pilkada.web import results_jobs
from pilkada.web.models import JobKind, JobStatus, UploadJob
from pilkada.web.tests.test_dpt_upload import DATABASE_TASKS, run_worker

HEADER = "kode_tps;suara_paslon_1;suara_paslon_2;suara_sah;suara_tidak_sah\n"
SEPANG_1, SEPANG_2, SEPANG_3 = "6210011001001", "6210011001002", "6210012002001"
KURUN_1, KURUN_2 = "6210021012001", "6210021012002"
REJECTS_HEADER = ("BERKAS", "LEMBAR", "SEL", "BARIS", "KOLOM", "KODE TPS", "PESAN")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT


@pytest.fixture
def uploader(client, media, gumas_regions):
    """A desk operator of the kabupaten, signed in."""
    client.user = make_user("operator", Role.OPERATOR, "62.10")
    client.force_login(client.user)
    return client


def csv_upload(text: str, name: str = "hasil.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


def upload(client, text: str, name: str = "hasil.csv"):
    return client.post(reverse("web:upload", args=["uji"]), {"berkas": csv_upload(text, name)})


def job_url(job: UploadJob, name: str = "web:results-job") -> str:
    return reverse(name, args=[job.election.code, job.pk])


def decide(client, job: UploadJob, action: str, **kwargs):
    return client.post(job_url(job, "web:results-job-decide"), {"action": action}, **kwargs)


def count(page: str, name: str) -> str:
    return re.search(rf'data-count="{name}">([^<]*)<', page).group(1)


def save(election, station, votes, *, valid=None, version=None):
    """Someone else's save of a sheet (through the services, as the entry form does)."""
    return save_sheet(
        election=election,
        station=station,
        expected_version=version,
        numbers=SheetNumbers(fields={"valid_votes": valid or sum(votes.values())}, votes=votes),
    ).sheet


def rejects_rows(client, job: UploadJob) -> list[tuple]:
    response = client.get(job_url(job, "web:results-rejects"))
    assert response.status_code == 200
    assert 'filename="hasil-ditolak.xlsx"' in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.active.iter_rows(values_only=True))


@pytest.fixture
def two_sheets(election, small_area):
    """TPS 002 of Sepang and TPS 001 of desa 2002 already have sheets (version 1)."""
    save(election, small_area[1], {1: 10, 2: 20})
    save(election, small_area[2], {1: 30, 2: 40})
    return small_area


MIXED = HEADER + (
    f"{SEPANG_1};100;50;150;2\n"  # no sheet yet: new
    f"{SEPANG_2};15;20;35;0\n"  # 10 → 15 votes for pair 1, and a new invalid-votes box
    f"{SEPANG_3};30;40;70;\n"  # as stored: unchanged
)


def test_upload_is_checked_previewed_then_stored(uploader, election, two_sheets, media):
    stations = two_sheets
    revisions = TallySheetRevision.objects.count()
    response = upload(uploader, MIXED)
    job = UploadJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job_url(job)
    # the immediate task backend has run the check: a preview, nothing written
    assert (job.kind, job.status, job.progress, job.user, job.file_names) == (
        JobKind.RESULTS, JobStatus.CHECKED, 100, uploader.user, ["hasil.csv"]
    )  # fmt: skip
    assert TallySheet.objects.count() == 2 and TallySheetRevision.objects.count() == revisions
    assert job.versions == {
        str(stations[0].pk): None, str(stations[1].pk): 1, str(stations[2].pk): 1
    }  # fmt: skip
    page = uploader.get(job_url(job)).content.decode()
    assert "Pratinjau hasil.csv: belum ada yang disimpan" in page
    assert [count(page, n) for n in ("created", "changed", "unchanged", "conflicts", "errors")] == [
        "1", "1", "1", "0", "0"
    ]  # fmt: skip
    # per TPS, box by box: old → new
    changed = re.search(rf'<tr data-tps="{SEPANG_2}">.*?</tbody>', page, re.S).group(0)
    assert "hasil!3" in changed
    assert re.search(r"<td>Suara paslon 1</td><td>10</td><td>15</td>", changed)
    assert re.search(r"<td>[^<]*[Tt]idak [Ss]ah[^<]*</td><td>–</td><td>0</td>", changed)
    assert f'data-tps="{SEPANG_3}"' not in page  # unchanged: no rows
    assert 'http-equiv="refresh"' not in page  # nothing runs any more
    assert 'value="simpan"' in page and 'value="batal"' in page

    done = decide(uploader, job, "simpan")
    assert done.status_code == 302 and done["Location"] == job_url(job)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.finished_at is not None
    assert TallySheet.objects.count() == 3
    sheet = TallySheet.objects.get(polling_station=stations[1])
    assert sheet.version == 2 and sheet.numbers().votes == {1: 15, 2: 20}
    revision = TallySheetRevision.objects.get(sheet__polling_station=stations[0])
    assert (revision.source, revision.source_file, revision.source_sheet, revision.source_row,
            revision.created_by) == ("file", "hasil.csv", "hasil", 2, uploader.user)  # fmt: skip
    entry = ChangeLogEntry.objects.get(label=f"uji TPS {SEPANG_2}", action="update")
    assert (entry.source_file, entry.source_sheet, entry.source_row, entry.username) == (
        "hasil.csv", "hasil", 3, "operator"
    )  # fmt: skip
    assert entry.request == f"web/unggah-hasil/{job.pk}"
    assert (entry.old["version"], entry.old["votes"], entry.old["fields"]["valid_votes"]) == (
        1, {"1": 10, "2": 20}, 30
    )  # fmt: skip
    assert (entry.new["version"], entry.new["votes"], entry.new["fields"]["valid_votes"]) == (
        2, {"1": 15, "2": 20}, 35
    )  # fmt: skip
    assert not ChangeLogEntry.objects.filter(label=f"uji TPS {SEPANG_3}", request__startswith="web")
    assert not any((media / "hasil").rglob("*hasil.csv"))  # the upload is deleted

    page = uploader.get(job_url(job)).content.decode()
    assert "hasil.csv sudah diimpor" in page and count(page, "changed") == "1"
    assert "TPS baru 1, berubah 1, tidak berubah 1" in page

    # a second click changes nothing
    again = decide(uploader, job, "simpan", follow=True)
    assert "sudah diproses" in again.content.decode()
    assert TallySheetRevision.objects.count() == revisions + 2

    history = uploader.get(reverse("web:results-history", args=["uji"])).content.decode()
    row = re.search(rf'<tr data-job="{job.pk}">.*?</tr>', history, re.S).group(0)
    assert "hasil.csv" in row and "operator" in row and "selesai" in row
    assert "TPS baru 1, berubah 1" in row and job_url(job) in row


def test_errors_name_file_sheet_and_cell_and_come_back_as_a_workbook(uploader, election,
                                                                      small_area):  # fmt: skip
    bad = HEADER + f"{SEPANG_1};100;abc;150;2\n{SEPANG_2};1;2;x;0\n"
    upload(uploader, bad)
    job = UploadJob.objects.get()
    assert job.status == JobStatus.REJECTED and job.error_count == 2
    page = uploader.get(job_url(job)).content.decode()
    assert "Berkas hasil ditolak: tidak ada yang disimpan" in page
    assert "hasil.csv, lembar hasil, sel C2 (suara_paslon_2)" in page and "&#x27;abc&#x27;" in page
    assert "hasil.csv, lembar hasil, sel D3 (suara_sah)" in page
    assert 'value="simpan"' not in page and job_url(job, "web:results-rejects") in page
    assert not TallySheet.objects.exists()
    rows = rejects_rows(uploader, job)
    assert rows[0] == REJECTS_HEADER and len(rows) == 3
    assert rows[1][:6] == ("hasil.csv", "hasil", "C2", 2, "suara_paslon_2", SEPANG_1)
    assert rows[2][:6] == ("hasil.csv", "hasil", "D3", 3, "suara_sah", SEPANG_2)
    assert "'abc'" in rows[1][6] and "hasil.csv" not in rows[1][6]  # the message alone
    history = uploader.get(reverse("web:results-history", args=["uji"])).content.decode()
    assert "ditolak" in history and job_url(job, "web:results-rejects") in history
    assert "2 kesalahan" in history


def test_a_tps_outside_the_operators_kecamatan_rejects_the_file(client, media, election,
                                                                small_area):  # fmt: skip
    client.force_login(make_user("kurun", Role.OPERATOR, "62.10.02"))
    upload(client, HEADER + f"{KURUN_1};10;20;30;0\n{SEPANG_1};1;2;3;0\n")
    job = UploadJob.objects.get()
    assert job.status == JobStatus.REJECTED and job.error_count == 1
    message = f"hasil.csv, lembar hasil, sel A3 (kode_tps): TPS {SEPANG_1} berada di luar " \
              "wilayah tugas Anda"  # fmt: skip
    assert job.errors == [message]
    assert message in client.get(job_url(job)).content.decode()
    assert not TallySheet.objects.exists()  # not even Kurun's row
    rows = rejects_rows(client, job)
    assert rows[1][:6] == ("hasil.csv", "hasil", "A3", 3, "kode_tps", SEPANG_1)


def test_conflicts_are_listed_left_alone_and_kept_as_a_workbook(uploader, election, small_area):
    sheet = save(election, small_area[1], {1: 10, 2: 20})
    save(election, small_area[1], {1: 11, 2: 20}, version=sheet.version)  # now version 2
    csv = "kode_tps;versi;suara_paslon_1;suara_paslon_2\n" + (
        f"{SEPANG_1};;5;6\n{SEPANG_2};1;99;99\n"  # the second was based on version 1
    )
    upload(uploader, csv)
    job = UploadJob.objects.get()
    page = uploader.get(job_url(job)).content.decode()
    assert (count(page, "created"), count(page, "conflicts")) == ("1", "1")
    assert "hasil.csv, lembar hasil, baris 3: TPS 6210011001002 sudah diubah sejak versi 1" in page
    rows = rejects_rows(uploader, job)
    assert rows[1][:6] == ("hasil.csv", "hasil", "B3", 3, "versi", SEPANG_2)
    decide(uploader, job, "simpan")
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert TallySheet.objects.get(polling_station=small_area[1]).numbers().votes == {1: 11, 2: 20}
    assert TallySheet.objects.filter(polling_station=small_area[0]).exists()
    assert uploader.get(job_url(job, "web:results-rejects")).status_code == 200  # kept


def test_a_sheet_changed_since_the_check_is_refused_at_confirm(uploader, election, small_area):
    upload(uploader, HEADER + f"{SEPANG_1};100;50;150;2\n{SEPANG_2};1;2;3;0\n")
    job = UploadJob.objects.get()
    save(election, small_area[0], {1: 7, 2: 8})  # someone else, meanwhile
    response = decide(uploader, job, "simpan")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.STALE
    page = uploader.get(job_url(job)).content.decode()
    assert "Tidak disimpan: formulir sudah diubah orang lain" in page
    assert f"(mis. {SEPANG_1})" in page and "tidak ada yang disimpan" in page
    sheet = TallySheet.objects.get()  # theirs stays, ours is not written at all
    assert (sheet.polling_station, sheet.version, sheet.numbers().votes) == (
        small_area[0], 1, {1: 7, 2: 8}
    )  # fmt: skip
    assert not TallySheetRevision.objects.filter(source_file="hasil.csv").exists()


def test_the_store_task_itself_refuses_a_changed_sheet(uploader, election, two_sheets):
    """Between "Simpan" and the worker taking the task, someone else saves a sheet: the
    import's own version check (under lock) refuses the whole file."""
    upload(uploader, MIXED)
    job = UploadJob.objects.get()
    save(election, two_sheets[2], {1: 31, 2: 40}, version=1)  # the "unchanged" one
    # what "Simpan" does before it queues the task
    UploadJob.objects.filter(pk=job.pk).update(status=JobStatus.STORING, started_at=None)
    assert results_jobs.run_results_store(job.pk) == JobStatus.STALE
    job.refresh_from_db()
    assert "sudah diubah orang lain" in job.message and SEPANG_3 in job.message
    assert TallySheet.objects.count() == 2  # the new TPS was not created either
    assert not TallySheetRevision.objects.filter(source_file="hasil.csv").exists()


def test_cancel_writes_nothing_and_deletes_the_upload(uploader, election, small_area, media):
    upload(uploader, MIXED)
    job = UploadJob.objects.get()
    stored = media / job.stored_paths[0]
    assert stored.is_file() and stored.parts[-4] == "hasil"
    response = decide(uploader, job, "batal", follow=True)
    assert "Unggahan dibatalkan" in response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and not stored.exists()
    assert not TallySheet.objects.exists()
    assert decide(uploader, job, "simpan").status_code == 302  # too late: nothing happens
    assert not TallySheet.objects.exists()


def test_running_job_page_shows_progress_and_refreshes_itself(uploader, election):
    job = UploadJob.objects.create(
        election=election, user=uploader.user, kind=JobKind.RESULTS, file_names=["a.xlsx"],
        status=JobStatus.CHECKING, progress=60, stage="Memeriksa setiap baris",
    )  # fmt: skip
    page = uploader.get(job_url(job)).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress id="job-progress" max="100" value="60"' in page
    assert "60% — Memeriksa setiap baris" in page and "Memeriksa berkas hasil" in page
    quiet = uploader.get(job_url(job) + "?diam=1").content.decode()
    assert 'http-equiv="refresh"' not in quiet and "<progress" in quiet
    # a DPT job is not a result job
    dpt = UploadJob.objects.create(election=election, user=uploader.user, kind=JobKind.DPT)
    assert uploader.get(job_url(dpt)).status_code == 404


def test_the_importer_reports_its_stages(election, small_area, tmp_path):
    path = tmp_path / "hasil.csv"
    path.write_text(HEADER + f"{SEPANG_1};1;2;3;0\n")
    stages = []
    import_results_file(election, path, dry_run=True, progress=lambda *a: stages.append(a))
    assert stages == [("read", 0, 1), ("check", 0, 1), ("store", 0, 1)]


# --- who may see what ---


@pytest.fixture
def others_job(uploader, election, small_area):
    upload(uploader, HEADER + f"{SEPANG_1};100;abc;150;2\n")  # rejected, with a workbook
    job = UploadJob.objects.get()
    assert job.rejects_path
    return job


def test_another_uploader_cannot_see_or_decide_someone_elses_job(client, others_job):
    client.force_login(make_user("lain", Role.OPERATOR, "62.10"))
    assert client.get(job_url(others_job)).status_code == 404
    assert client.get(job_url(others_job, "web:results-rejects")).status_code == 404
    assert decide(client, others_job, "batal").status_code == 404
    history = client.get(reverse("web:results-history", args=["uji"])).content.decode()
    assert "hasil.csv" in history and "operator" in history  # named, without links into it
    assert job_url(others_job) not in history and "ditolak.xlsx" not in history


def test_a_supervisor_sees_the_history_and_jobs_but_cannot_upload_or_decide(
    client, election, small_area, uploader
):
    upload(uploader, MIXED)
    job = UploadJob.objects.get()
    client.force_login(make_user("pengawas", Role.SUPERVISOR, "62.10"))
    history = client.get(reverse("web:results-history", args=["uji"]))
    assert history.status_code == 200 and job_url(job) in history.content.decode()
    assert f'href="{reverse("web:upload", args=["uji"])}"' not in history.content.decode()
    page = client.get(job_url(job))
    assert page.status_code == 200 and 'value="simpan"' not in page.content.decode()
    assert "Hanya pengunggah" in page.content.decode()
    assert client.get(reverse("web:upload", args=["uji"])).status_code == 403
    refused = client.post(reverse("web:upload", args=["uji"]), {"berkas": csv_upload(MIXED)})
    assert refused.status_code == 403 and UploadJob.objects.count() == 1
    assert decide(client, job, "simpan").status_code == 403
    job.refresh_from_db()
    assert job.status == JobStatus.CHECKED and not TallySheet.objects.exists()


def test_users_without_the_right_role_get_403_and_anonymous_users_the_login(
    client, django_user_model, others_job, small_area
):
    urls = [reverse("web:results-history", args=["uji"]), job_url(others_job),
            job_url(others_job, "web:results-rejects")]  # fmt: skip
    client.logout()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/masuk/" in response["Location"]
    client.force_login(django_user_model.objects.create_user("pembaca"))
    for url in urls:
        assert client.get(url).status_code == 403
    client.force_login(make_user("saksi", Role.WITNESS, stations=[small_area[0]]))
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.get(reverse("web:upload", args=["uji"])).status_code == 403


def test_a_superuser_may_see_and_decide(client, django_user_model, uploader, election,
                                        small_area):  # fmt: skip
    upload(uploader, MIXED)
    job = UploadJob.objects.get()
    client.force_login(make_user("admin", superuser=True))
    assert 'value="simpan"' in client.get(job_url(job)).content.decode()
    decide(client, job, "simpan")
    assert TallySheet.objects.count() == 3


def test_recap_page_links_to_the_upload_and_its_history(uploader, client, election):
    page = uploader.get(reverse("web:recap-top", args=["uji"])).content.decode()
    assert f'href="{reverse("web:upload", args=["uji"])}"' in page
    assert f'href="{reverse("web:results-history", args=["uji"])}"' in page
    client.force_login(make_user("pengawas", Role.SUPERVISOR, "62.10"))
    page = client.get(reverse("web:recap-top", args=["uji"])).content.decode()
    assert f'href="{reverse("web:upload", args=["uji"])}"' not in page
    assert f'href="{reverse("web:results-history", args=["uji"])}"' in page


# --- the real queue: database backend and worker ---


@pytest.mark.django_db(transaction=True)
def test_jobs_wait_in_the_database_queue_until_a_worker_runs_them(uploader, election,
                                                                  small_area):  # fmt: skip
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS=DATABASE_TASKS):
        upload(uploader, MIXED)
        job = UploadJob.objects.get()
        assert job.status == JobStatus.QUEUED and job.task_id
        page = uploader.get(job_url(job)).content.decode()
        assert "<progress" in page and "menunggu giliran" in page.lower()
        assert 'http-equiv="refresh"' in page
        run_worker()
        job.refresh_from_db()
        assert job.status == JobStatus.CHECKED and not TallySheet.objects.exists()
        decide(uploader, job, "simpan")
        job.refresh_from_db()
        assert job.status == JobStatus.STORING and not TallySheet.objects.exists()
        assert "Menyimpan hasil" in uploader.get(job_url(job)).content.decode()
        run_worker()
        job.refresh_from_db()
        assert job.status == JobStatus.DONE and TallySheet.objects.count() == 3
        assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
