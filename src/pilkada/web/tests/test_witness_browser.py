"""A witness at work in a real browser: signs in, finds their TPS, enters a sheet whose live
check shows the broken rule before anything is saved, saves it anyway, is refused at another
TPS; and the public pages show the verified numbers without any personal data."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from pilkada.access.models import Refusal, Role
from pilkada.core.testing.users import PASSWORD, make_user
from pilkada.tallies.form import SheetNumbers
from pilkada.tallies.models import ChangeSource, SheetStatus, TallySheet, TallySheetRevision
from pilkada.tallies.services import Source, save_sheet, set_status
from pilkada.voters.tests.factories import add_voters

pytestmark = pytest.mark.django_db(transaction=True)

SIXTEEN_DIGITS = re.compile(r"(?<![0-9A-Za-z])\d{16}(?![0-9A-Za-z])")
"""A NIK or NKK standing on its own (not a run inside a hash or a token)."""


@pytest.fixture
def kurun(election, small_area):
    return small_area[3]  # Kurun TPS 001, 62.10.02.1012


@pytest.fixture
def witness(kurun):
    return make_user("saksi", Role.WITNESS, stations=[kurun])


def script_errors(page) -> list[str]:
    """Console errors (a CSP violation is one) and uncaught exceptions, as they happen."""
    problems: list[str] = []

    def on_console(message):
        if message.type == "error" and "favicon" not in message.location.get("url", ""):
            problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server.url}/")


def test_a_witness_sees_the_broken_rule_while_typing_and_saves_the_sheet(
    page, live_server, election, kurun, witness
):
    problems = script_errors(page)
    log_in(page, live_server, "saksi")

    # The home page lists the witness's TPS (and only it) with the link to its form.
    expect(page.get_by_role("heading", name="TPS tugas Anda")).to_be_visible()
    mine = page.locator("ul.my-stations li")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text(kurun.sirekap_id)
    mine.get_by_role("link", name=f"TPS {kurun.number} {kurun.desa.name}").click()
    entry_url = f"{live_server.url}/pemilihan/uji/tps/{kurun.sirekap_id}/isi/"
    page.wait_for_url(entry_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Formulir C.Hasil")

    findings = page.locator("#entry-findings")
    expect(findings).to_have_text("Tidak ada temuan.")
    page.evaluate("window.sameEntryPage = true")  # gone if the page were reloaded

    # 100 + 50 is not 160: rule R5 (pair votes add up to the valid votes) is broken.
    with page.expect_response(
        lambda r: r.url.endswith("/isi/periksa/") and r.request.method == "POST"
    ):
        page.get_by_label("Suara sah paslon nomor urut 1").press_sequentially("100")
        page.get_by_label("Suara sah paslon nomor urut 2").press_sequentially("50")
        page.get_by_label(re.compile(r"Jumlah suara sah$")).press_sequentially("160")
    r5 = findings.locator("li.error", has_text="R5")
    expect(r5).to_contain_text(
        "nomor 1 (100) + nomor 2 (50) = 150, tetapi Jumlah suara sah tertulis 160"
    )
    expect(r5).to_contain_text("kesalahan")
    expect(r5.locator('a[href="#id_valid_votes"]')).to_have_text("IV.3")
    expect(findings.locator("li")).to_have_count(1)  # no other rule has all its boxes
    assert page.url == entry_url
    assert page.evaluate("window.sameEntryPage") is True  # checked in place by htmx
    assert not TallySheet.objects.exists()  # checking never saves

    page.get_by_role("button", name="Simpan dan kirim").click()
    page.wait_for_url(f"{live_server.url}/pemilihan/uji/tps/{kurun.sirekap_id}/")
    notices = page.get_by_role("status")
    expect(notices).to_contain_text(f"Formulir {kurun} tersimpan sebagai versi 2 (Dikirim).")
    expect(notices).to_contain_text("ada 1 kesalahan pemeriksaan")
    saved_findings = page.locator("ul.findings")
    expect(saved_findings).to_contain_text("R5")
    expect(saved_findings).to_contain_text("tetapi Jumlah suara sah tertulis 160")
    expect(page.locator(".sheet-people")).to_contain_text("Angka dimasukkan oleh saksi")

    sheet = TallySheet.objects.get(election=election, polling_station=kurun)
    assert (sheet.status, sheet.version, sheet.valid_votes) == (SheetStatus.SUBMITTED, 2, 160)
    assert sheet.numbers().votes == {1: 100, 2: 50}
    entered = TallySheetRevision.objects.get(sheet=sheet, version=1)
    assert (entered.source, entered.created_by, entered.status) == (
        ChangeSource.FORM,
        witness,
        SheetStatus.DRAFT,
    )
    assert entered.numbers["votes"] == {"1": 100, "2": 50}
    assert entered.numbers["fields"] == {"valid_votes": 160}
    assert set(sheet.revisions.values_list("source", "created_by")) == {
        (ChangeSource.FORM, witness.pk)
    }
    assert problems == []  # no CSP violation, no script error, on the form or the TPS page


def test_a_witness_is_refused_at_another_tps(page, live_server, election, small_area, witness):
    other = small_area[0]  # Sepang, not the witness's TPS
    log_in(page, live_server, "saksi")
    path = f"/pemilihan/uji/tps/{other.sirekap_id}/isi/"
    response = page.goto(f"{live_server.url}{path}")
    assert response.status == 403
    assert page.locator("html").get_attribute("lang") == "id"
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Anda tidak berhak membuka halaman ini"
    )
    expect(page.get_by_role("alert")).to_have_text(
        f"Anda tidak berhak memasukkan hasil di TPS {other.sirekap_id}: di luar wilayah tugas Anda."
    )
    expect(page.locator("form.entry")).to_have_count(0)  # no form to fill in
    refusal = Refusal.objects.get(path=path)
    assert (refusal.user, refusal.method) == (witness, "GET")
    assert "di luar wilayah tugas Anda" in refusal.reason
    assert not TallySheet.objects.exists()


def page_links(page) -> list[str]:
    """Every address the page points at: links (resolved), forms, htmx requests, sources."""
    return page.evaluate(
        """() => [
            ...[...document.querySelectorAll('a[href]')].map(a => a.href),
            ...[...document.querySelectorAll('[href],[action],[src],[hx-get],[hx-post]')]
                .flatMap(e => ['href', 'action', 'src', 'hx-get', 'hx-post']
                    .map(n => e.getAttribute(n)).filter(v => v !== null)),
        ]"""
    )


def test_the_public_pages_show_verified_numbers_and_no_personal_data(
    page, live_server, election, small_area
):
    kurun, other = small_area[3], small_area[4]
    witness = make_user("saksi_kurun_01", Role.WITNESS, stations=[kurun, other])
    verifier = make_user("pengawas_gumas", Role.SUPERVISOR, "62.10")
    make_user("operator_kabupaten", Role.OPERATOR, "62.10")
    entered = Source(kind=ChangeSource.FORM, request="GET /uji 127.0.0.1")
    sheet = save_sheet(
        election=election,
        station=kurun,
        expected_version=None,
        numbers=SheetNumbers(
            fields={"valid_votes": 200, "invalid_votes": 5, "total_votes": 205},
            votes={1: 120, 2: 80},
        ),
        user=witness,
        source=entered,
    ).sheet
    set_status(sheet, SheetStatus.VERIFIED, expected_version=sheet.version, user=verifier)
    # Submitted, not verified (and wrong): must not count on the public page.
    save_sheet(
        election=election,
        station=other,
        expected_version=None,
        numbers=SheetNumbers(fields={"valid_votes": 999}, votes={1: 777, 2: 111}),
        user=witness,
        source=entered,
    )
    voters = add_voters(
        election,
        kurun,
        [
            {"name": "BUDI SANTOSO", "birth_date": dt.date(1980, 5, 17), "sex": "L"},
            {"name": "SITI AMINAH", "birth_date": dt.date(1992, 11, 3), "sex": "P"},
        ],
    )
    personal = [v.nik for v in voters] + [v.nkk for v in voters] + [v.name for v in voters]
    assert all(len(v.nik) == 16 and len(v.nkk) == 16 for v in voters)
    usernames = list(get_user_model().objects.values_list("username", flat=True))
    assert len(usernames) == 3
    problems = script_errors(page)

    # Anonymous: the browser context of the ``page`` fixture never signed in.
    page.goto(f"{live_server.url}/publik/uji/")
    expect(page.locator(".stat").first).to_contain_text("1 dari 5")
    total = page.locator("table.recap tfoot")
    expect(total).to_contain_text("120")
    expect(total).to_contain_text("80")
    expect(total).to_contain_text("200")
    check_public_page(page, live_server, personal, usernames)

    page.goto(f"{live_server.url}/publik/uji/wilayah/62.10.02.1012/")
    tps_rows = page.locator("table.recap tbody tr")
    expect(tps_rows).to_have_count(2)
    first = tps_rows.filter(has_text="TPS 001")
    expect(first).to_contain_text("120")
    expect(first).to_contain_text("80")
    expect(first).to_contain_text("200")
    expect(first.get_by_role("link")).to_have_count(0)  # a TPS row opens no internal page
    unverified = tps_rows.filter(has_text="TPS 002")  # submitted, not verified: not shown
    expect(unverified).to_contain_text("–")
    expect(unverified).not_to_contain_text("777")
    expect(page.locator("table.recap tfoot")).to_contain_text("1/2")
    check_public_page(page, live_server, personal, usernames)
    assert problems == []


def check_public_page(page, live_server, personal: list[str], usernames: list[str]) -> None:
    text = page.locator("body").inner_text()
    html = page.content()
    assert "Hanya formulir yang sudah diverifikasi." in text
    for content in (text, html):
        assert SIXTEEN_DIGITS.search(content) is None
        for value in personal:
            assert value.lower() not in content.lower()
        for name in usernames:
            assert name.lower() not in content.lower()
    for word in ("R5", "Temuan", "Riwayat perubahan"):
        assert word not in text
    links = page_links(page)
    assert any("/publik/uji/" in link for link in links)  # the collection itself works
    for link in links:
        path = urlsplit(link).path if link.startswith("http") else link
        assert not path.startswith(("/pemilihan/", "/admin/", "/pengguna/")), link
        assert "/pemilihan/" not in link, link
        if link.startswith("http"):
            assert link.startswith(live_server.url), link
