"""Login, recap drill-down, and the Excel round trip through the web, in a real browser."""

import openpyxl
import pytest

from pilkada.access.models import Role
from pilkada.core.testing.users import make_user
from pilkada.tallies.form import SheetNumbers
from pilkada.tallies.models import TallySheet
from pilkada.tallies.services import save_sheet

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def operator(db, gumas_regions):
    return make_user("operator", Role.OPERATOR, "62.10")


def test_login_and_drill_down_to_a_flagged_tps(page, live_server, election, small_area, operator):
    # Duri Kepa-like: L + P far from J, and 826 votes that cannot add up (extra leading 8).
    save_sheet(
        election=election,
        station=small_area[3],
        expected_version=None,
        numbers=SheetNumbers(
            fields={
                "registered_1_men": 528,
                "registered_1_women": 430,
                "registered_1_total": 258,
                "valid_votes": 150,
            },
            votes={1: 826, 2: 50},
        ),
    )
    page.goto(f"{live_server.url}/pemilihan/uji/")
    assert "/masuk/" in page.url  # login required
    page.get_by_label("Nama pengguna").fill("operator")
    page.get_by_label("Kata sandi").fill("rahasia-uji-123")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/pemilihan/uji/")
    assert page.get_by_role("heading", level=1).inner_text() == "Pemilihan Bupati Uji"
    page.get_by_role("link", name="Kurun").first.click()
    page.wait_for_url("**/wilayah/62.10.02/")
    page.get_by_role("link", name="Kurun").last.click()
    page.wait_for_url("**/wilayah/62.10.02.1012/")
    assert page.locator("tfoot").inner_text().split()[1] == "1/2"  # 1 of 2 TPS reported
    page.get_by_role("link", name="TPS 001").click()
    page.wait_for_url("**/tps/6210021012001/")
    findings = page.locator("ul.findings").inner_text()
    assert "R1" in findings and "R5" in findings and "528" in findings


def test_wrong_password_shows_indonesian_error(page, live_server, operator):
    page.goto(f"{live_server.url}/masuk/")
    page.get_by_label("Nama pengguna").fill("operator")
    page.get_by_label("Kata sandi").fill("salah")
    page.get_by_role("button", name="Masuk").click()
    assert page.get_by_role("alert").inner_text() == "Nama pengguna atau kata sandi salah."


def test_download_fill_upload_preview_confirm(page, live_server, election, small_area, tmp_path,
                                              settings):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path / "uploads"
    make_user("desk", Role.OPERATOR, "62.10")
    page.goto(f"{live_server.url}/masuk/")
    page.get_by_label("Nama pengguna").fill("desk")
    page.get_by_label("Kata sandi").fill("rahasia-uji-123")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/")
    page.goto(f"{live_server.url}/pemilihan/uji/")
    assert "0/5" in page.locator("tfoot").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh buku kerja isian").click()
    blank = tmp_path / download.value.suggested_filename
    download.value.save_as(blank)

    filled = tmp_path / "isian-terisi.xlsx"
    wb = openpyxl.load_workbook(blank)
    for ws in wb.worksheets[1:]:
        header = [c.value for c in ws[4]]
        for row in ws.iter_rows(min_row=5):
            if row[0].value == "6210011001001":
                for name, value in [("suara_paslon_1", 120), ("suara_paslon_2", 80),
                                    ("suara_sah", 200), ("suara_tidak_sah", 3)]:  # fmt: skip
                    row[header.index(name)].value = value
    wb.save(filled)

    page.get_by_role("link", name="Unggah hasil").click()
    page.get_by_label("Berkas hasil").set_input_files(str(filled))
    page.get_by_role("button", name="Periksa berkas").click()
    # the check runs as a background job (here the immediate backend: done by the redirect)
    page.wait_for_url("**/unggah/*/")
    assert "belum ada yang disimpan" in page.get_by_role("heading", level=1).inner_text()
    assert page.locator("[data-status]").inner_text() == "siap disimpan"
    assert page.locator('[data-count="created"]').inner_text() == "1"
    assert "6210011001001" in page.locator("main").inner_text()
    assert not TallySheet.objects.exists()
    page.get_by_role("button", name="Simpan perubahan").click()
    assert "sudah diimpor" in page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("link", name="Riwayat unggahan hasil").last.click()
    page.wait_for_url("**/unggah/riwayat/")
    assert "isian-terisi.xlsx" in page.locator("table.history").inner_text()
    page.go_back()
    page.get_by_role("link", name="Lihat rekapitulasi").click()
    total = page.locator("tfoot").inner_text()
    assert "1/5" in total and "120" in total and "200" in total
