"""Entry workbook and recap downloads, and the result upload form (the job it starts, its
preview and confirmation in detail: ``test_results_upload.py``)."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilkada.access.models import Role
from pilkada.core.testing.users import make_user
from pilkada.tallies.models import TallySheet, TallySheetRevision
from pilkada.web.models import JobStatus, UploadJob

HEADER = "kode_tps;suara_paslon_1;suara_paslon_2;suara_sah;suara_tidak_sah\n"
GOOD = HEADER + "6210011001001;100;50;150;2\n6210021012001;10;20;99;0\n"  # second breaks R5


@pytest.fixture
def operator(client, django_user_model, settings, tmp_path, gumas_regions):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    user = make_user("operator", Role.OPERATOR, "62.10")
    client.force_login(user)
    return client


def csv_upload(text, name="hasil.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


def test_entry_workbook_download_for_a_kecamatan(operator, election, small_area):
    response = operator.get(reverse("web:template", args=["uji"]), {"wilayah": "62.10.02"})
    assert response.status_code == 200
    assert "isian-hasil-uji-62.10.02.xlsx" in response["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ids = {
        row[0]
        for ws in wb.worksheets[1:]
        for row in ws.iter_rows(values_only=True)
        if row and isinstance(row[0], str) and row[0].isdigit()
    }
    assert ids == {"6210021012001", "6210021012002"}  # Kurun's TPS only


def test_entry_workbook_for_a_region_outside_the_election_is_404(operator, election):
    response = operator.get(reverse("web:template", args=["uji"]), {"wilayah": "63.01"})
    assert response.status_code == 404


def test_preview_writes_nothing_and_confirm_imports(operator, election, small_area):
    url = reverse("web:upload", args=["uji"])
    form = operator.get(url).content.decode()
    assert '<label for="berkas">Berkas hasil</label>' in form
    assert 'accept=".xlsx,.xls,.ods,.csv"' in form
    response = operator.post(url, {"berkas": csv_upload(GOOD)})
    job = UploadJob.objects.get()
    job_url = reverse("web:results-job", args=["uji", job.pk])
    assert response.status_code == 302 and response["Location"] == job_url
    page = operator.get(job_url).content.decode()
    assert 'data-count="created">2<' in page and 'data-count="flagged">1<' in page
    assert "hasil!3" in page and "melanggar aturan" in page
    assert not TallySheet.objects.exists()
    decide = reverse("web:results-job-decide", args=["uji", job.pk])
    operator.post(decide, {"action": "simpan"})
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert "sudah diimpor" in operator.get(job_url).content.decode()
    assert TallySheet.objects.count() == 2
    revision = TallySheetRevision.objects.get(sheet__polling_station=small_area[0])
    assert (revision.source_file, revision.created_by.username) == ("hasil.csv", "operator")
    again = operator.post(decide, {"action": "simpan"}, follow=True)
    assert "sudah diproses" in again.content.decode()  # a job is stored once
    assert TallySheetRevision.objects.count() == 2


def test_cancel_writes_nothing_and_removes_the_stored_file(
    operator, election, small_area, settings
):
    operator.post(reverse("web:upload", args=["uji"]), {"berkas": csv_upload(GOOD)})
    job = UploadJob.objects.get()
    stored = settings.MEDIA_ROOT / job.stored_paths[0]
    assert stored.is_file()
    response = operator.post(
        reverse("web:results-job-decide", args=["uji", job.pk]), {"action": "batal"}
    )
    assert response.status_code == 302
    assert not TallySheet.objects.exists()
    assert not stored.exists()


def test_a_file_with_errors_names_the_cells_and_writes_nothing(operator, election, small_area):
    bad = HEADER + "6210011001001;100;abc;150;2\n9999999999001;1;2;3;0\n"
    operator.post(reverse("web:upload", args=["uji"]), {"berkas": csv_upload(bad)})
    job = UploadJob.objects.get()
    assert job.status == JobStatus.REJECTED
    page = operator.get(reverse("web:results-job", args=["uji", job.pk])).content.decode()
    assert "hasil.csv, lembar hasil, sel C2 (suara_paslon_2)" in page
    assert "&#x27;abc&#x27;" in page and "tidak ada yang disimpan" in page
    assert not TallySheet.objects.exists()


@pytest.mark.parametrize(
    "upload,message",
    [
        (SimpleUploadedFile("hasil.pdf", b"%PDF-1.4"), "Jenis berkas .pdf tidak didukung"),
        (None, "Pilih berkas"),
    ],
)
def test_refused_uploads(operator, election, upload, message):
    data = {"berkas": upload} if upload else {}
    response = operator.post(reverse("web:upload", args=["uji"]), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not UploadJob.objects.exists()


def test_an_oversized_upload_is_refused(operator, election, settings):
    settings.PILKADA_MAX_UPLOAD_BYTES = 100
    response = operator.post(reverse("web:upload", args=["uji"]), {"berkas": csv_upload(GOOD * 5)})
    assert response.status_code == 400 and "terlalu besar" in response.content.decode()


def test_another_users_job_cannot_be_confirmed(operator, client, election, small_area):
    operator.post(reverse("web:upload", args=["uji"]), {"berkas": csv_upload(GOOD)})
    job = UploadJob.objects.get()
    client.force_login(make_user("lain", Role.OPERATOR, "62.10"))
    decide = reverse("web:results-job-decide", args=["uji", job.pk])
    assert client.post(decide, {"action": "simpan"}).status_code == 404
    assert not TallySheet.objects.exists()


@pytest.mark.parametrize(
    "name,args",
    [
        ("web:template", ["uji"]),
        ("web:upload", ["uji"]),
        ("web:results-history", ["uji"]),
        ("web:results-job", ["uji", 1]),
    ],
)
def test_users_without_the_entry_permission_are_refused(client, django_user_model, election,
                                                        name, args):  # fmt: skip
    client.force_login(django_user_model.objects.create_user("pembaca"))
    assert client.get(reverse(name, args=args)).status_code == 403


def test_recap_download_as_workbook_and_csv(user_client_plain, election, small_area):
    url = reverse("web:recap-download", args=["uji"])
    book = user_client_plain.get(url, {"tingkat": "kecamatan"})
    assert book.status_code == 200
    assert 'filename="rekap-uji-62.10-kecamatan.xlsx"' in book["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(book.content))
    assert "Lampiran TPS" in wb.sheetnames
    tps = [r[0] for r in wb["Lampiran TPS"].iter_rows(values_only=True) if r[0] and r[0].isdigit()]
    assert sorted(tps) == sorted(s.sirekap_id for s in small_area)
    csv = user_client_plain.get(url, {"tingkat": "desa", "wilayah": "62.10.02", "format": "csv"})
    assert csv.status_code == 200 and csv.content.startswith(b"\xef\xbb\xbf")
    assert "Kurun" in csv.content.decode("utf-8-sig")
    assert user_client_plain.get(url, {"tingkat": "bukan"}).status_code == 404


@pytest.fixture
def user_client_plain(client, gumas_regions):
    """A supervisor of the kabupaten: reads recaps, uploads nothing."""
    client.force_login(make_user("pembaca-rekap", Role.SUPERVISOR, "62.10"))
    return client
