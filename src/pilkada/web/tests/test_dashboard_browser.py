"""The public dashboard in a real browser: it refreshes itself without a reload, breaks no
rule of the content security policy, and fits a 360 px wide phone."""

import pytest
from playwright.sync_api import expect

from pilkada.access.models import Role
from pilkada.core.testing.users import make_user
from pilkada.tallies.form import SheetNumbers
from pilkada.tallies.models import SheetStatus
from pilkada.tallies.services import save_sheet, set_status
from pilkada.web import dashboard

pytestmark = pytest.mark.django_db(transaction=True)


def publish(election, station, votes, verifier):
    sheet = save_sheet(
        election=election,
        station=station,
        expected_version=None,
        numbers=SheetNumbers(votes=votes),
    ).sheet
    set_status(sheet, SheetStatus.VERIFIED, expected_version=sheet.version, user=verifier)


def test_public_dashboard_refreshes_itself_without_a_reload(
    page, live_server, election, small_area, monkeypatch
):
    monkeypatch.setattr(dashboard, "REFRESH_SECONDS", 1)  # the live server runs in-process
    verifier = make_user("pengawas", Role.SUPERVISOR, "62.10")
    publish(election, small_area[0], {1: 120, 2: 80}, verifier)
    problems = []

    def on_console(message):
        if message.type == "error" and "favicon" not in message.location.get("url", ""):
            problems.append(message.text)

    page.on("console", on_console)
    page.goto(f"{live_server.url}/publik/uji/")
    reported = page.locator(".stat").first
    expect(reported).to_contain_text("1 dari 5")
    page.evaluate("window.keptAcrossRefresh = true")
    publish(election, small_area[3], {1: 10, 2: 30}, verifier)
    expect(reported).to_contain_text("2 dari 5", timeout=15_000)
    expect(page.locator("figure.chart")).to_contain_text("130 suara")
    assert page.evaluate("window.keptAcrossRefresh") is True  # swapped in place, no reload
    assert page.locator("#dasbor-isi").count() == 1
    assert problems == []  # no CSP violation, no script error


def test_public_dashboard_fits_a_small_phone(browser, live_server, election, small_area):
    context = browser.new_context(locale="id-ID", viewport={"width": 360, "height": 740})
    phone = context.new_page()
    try:
        phone.goto(f"{live_server.url}/publik/uji/wilayah/62.10.01.1001/")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        boxes = [phone.locator(".stat").nth(i).bounding_box() for i in range(2)]
        assert boxes[0]["x"] == boxes[1]["x"] and boxes[1]["y"] > boxes[0]["y"]  # stacked
        table = phone.locator(".scroll").first
        assert table.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    finally:
        context.close()
