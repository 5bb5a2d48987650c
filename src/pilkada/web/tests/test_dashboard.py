"""Dashboards: internal (every sheet, findings) and public (verified sheets only, no personal
data), their self-refreshing part, the election list, and constant query counts."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilkada.access.models import Role
from pilkada.core import middleware
from pilkada.core.testing.users import make_user
from pilkada.recap.selectors import election_recap
from pilkada.regions.models import PollingStation
from pilkada.regions.services import upsert_stations
from pilkada.tallies.form import SheetNumbers
from pilkada.tallies.models import SheetStatus
from pilkada.tallies.services import save_sheet, set_status
from pilkada.web import dashboard

KURUN = "62.10.02"
KURUN_DESA = "62.10.02.1012"

# Queries per page, whatever the number of regions, TPS and sheets (see test below). Internal
# pages (signed-in operator): session, user, the user's assignments, election, area check,
# TPS, sheets, votes, pairs (×2 in the recap, ×1 for the page), region names, breadcrumbs,
# change-log head. Public pages: the same without session, user and assignments.
QUERIES = {
    "internal-top": 14,
    "internal-kecamatan": 14,
    "internal-desa": 14,
    "internal-live": 14,
    "public-top": 11,
    "public-kecamatan": 11,
    "public-desa": 11,
    "public-live": 11,
}

PAGES = {
    "internal-top": ("web:recap-top", ["uji"], ""),
    "internal-kecamatan": ("web:recap", ["uji", KURUN], ""),
    "internal-desa": ("web:recap", ["uji", KURUN_DESA], ""),
    "internal-live": ("web:recap-top", ["uji"], "?bagian=isi"),
    "public-top": ("web:public", ["uji"], ""),
    "public-kecamatan": ("web:public-region", ["uji", KURUN], ""),
    "public-desa": ("web:public-region", ["uji", KURUN_DESA], ""),
    "public-live": ("web:public-region", ["uji", KURUN], "?bagian=isi"),
}


def enter(election, station, votes, fields=None, *, user=None):
    return save_sheet(
        election=election,
        station=station,
        expected_version=None,
        numbers=SheetNumbers(fields=fields or {}, votes=votes),
        user=user,
    ).sheet


def verify(sheet, user):
    return set_status(sheet, SheetStatus.VERIFIED, expected_version=sheet.version, user=user)


@pytest.fixture
def verifier(db, gumas_regions):
    return make_user("siti.pengawas", Role.SUPERVISOR, "62.10")


@pytest.fixture
def results(election, small_area, verifier):
    """Sepang Simin TPS 001 verified (120/80), Kurun TPS 001 submitted with a rule error
    (999/1 against 160 valid votes), Kurun TPS 002 a draft with a warning only."""
    author = make_user("budi.saksi", Role.WITNESS, stations=small_area)
    verified = enter(
        election,
        small_area[0],
        {1: 120, 2: 80},
        {"valid_votes": 200, "invalid_votes": 3},
        user=author,
    )
    verify(verified, verifier)
    wrong = enter(election, small_area[3], {1: 999, 2: 1}, {"valid_votes": 160}, user=author)
    set_status(wrong, SheetStatus.SUBMITTED, expected_version=wrong.version, user=author)
    enter(election, small_area[4], {1: 10, 2: 20}, {"ballots_received": 1}, user=author)
    return small_area


@pytest.fixture
def operator_client(client, gumas_regions, monkeypatch):
    # No session write during a measured request, however slow the machine.
    monkeypatch.setattr(middleware, "SEEN_RESOLUTION", 10**9)
    client.force_login(make_user("op.kab", Role.OPERATOR, "62.10"))
    return client


def page(client, name, args, query=""):
    htmx = {"HTTP_HX_REQUEST": "true"} if "bagian=isi" in query else {}
    response = client.get(reverse(name, args=args) + query, **htmx)
    assert response.status_code == 200
    return response.content.decode()


# --- query counts --------------------------------------------------------------------------


def grow(election, verifier):
    """Add 18 TPS in 9 more desa of 3 kecamatan (and 3 more TPS in Kurun's desa), each with a
    sheet: some verified, some with errors or warnings."""
    desas = [
        "62.10.01.2003", "62.10.01.2004", "62.10.02.2002", "62.10.02.2003", "62.10.02.2004",
        "62.10.03.1005", "62.10.03.2002", "62.10.04.1001", "62.10.04.2002",
    ]  # fmt: skip
    rows = [
        {"kode_desa": d, "nomor_tps": f"{n:03d}", "dpt_l": 100, "dpt_p": 100}
        for d in desas
        for n in (1, 2)
    ] + [
        {"kode_desa": KURUN_DESA, "nomor_tps": f"{n:03d}", "dpt_l": 90, "dpt_p": 90}
        for n in (3, 4, 5)
    ]
    upsert_stations(rows)
    added = PollingStation.objects.select_related("desa").filter(
        desa__code__in=[*desas, KURUN_DESA], number__in=["001", "002", "003", "004", "005"]
    )
    for i, station in enumerate(added.exclude(desa__code=KURUN_DESA, number__in=["001", "002"])):
        if i % 3 == 0:
            enter(election, station, {1: 50, 2: 40}, {"valid_votes": 1})  # R5 error
        elif i % 3 == 1:
            verify(enter(election, station, {1: 30, 2: 60}), verifier)
        else:
            enter(election, station, {1: 5, 2: 6}, {"ballots_received": 2})  # R11 warning


def count_queries(client, name, args, query):
    """Queries of the page computed anew (not served from the dashboard cache)."""
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        page(client, name, args, query)
    return len(queries)


def test_query_counts_are_pinned_and_do_not_grow_with_the_area(
    client, operator_client, election, results, verifier
):
    from django.test import Client

    anonymous = Client()

    def counts():
        found = {}
        for key, (name, args, query) in PAGES.items():
            who = anonymous if key.startswith("public") else operator_client
            page(who, name, args, query)  # warm up: first-request work is not the page's
            found[key] = count_queries(who, name, args, query)
        return found

    small = counts()
    assert PollingStation.objects.count() == 5
    grow(election, verifier)
    assert PollingStation.objects.count() == 26
    large = counts()
    assert small == large == QUERIES


# --- public dashboard -----------------------------------------------------------------------


def test_public_pages_need_no_login_and_count_only_verified_sheets(client, election, results):
    top = page(client, "web:public", ["uji"])
    assert "Hanya formulir yang sudah diverifikasi" in top
    assert "1 dari 5" in top  # only Sepang Simin TPS 001 is verified
    assert "120 suara (60,00 %)" in top and "80 suara (40,00 %)" in top
    assert "999" not in top  # Kurun TPS 001 is only submitted
    kec = page(client, "web:public-region", ["uji", KURUN])
    assert "0 dari 2" in kec and "999" not in kec and "Belum ada suara sah" in kec
    desa = page(client, "web:public-region", ["uji", "62.10.01.1001"])
    assert "TPS 001" in desa and "TPS 002" in desa and "120" in desa
    assert reverse("web:public-region", args=["uji", "62.10.01"]) in top


def test_public_pages_show_no_personal_data_findings_or_internal_links(client, election, results):
    for name, args in [
        ("web:public", ["uji"]),
        ("web:public-region", ["uji", KURUN]),
        ("web:public-region", ["uji", KURUN_DESA]),
        ("web:public-region", ["uji", "62.10.01.1001"]),
    ]:
        html = page(client, name, args)
        assert "budi.saksi" not in html and "siti.pengawas" not in html
        assert "TPS dengan temuan" not in html and "R5" not in html and "R11" not in html
        assert "Bermasalah" not in html and "kesalahan" not in html.lower()
        assert "/pemilihan/" not in html  # no internal page, no internal download
        assert not re.search(r"(?<![0-9A-Za-z])\d{16}(?![0-9A-Za-z])", html)  # no NIK-like
        assert "riwayat" not in html.lower()


def test_public_page_of_unknown_or_foreign_region_is_404(client, election, small_area):
    assert client.get(reverse("web:public", args=["tidak-ada"])).status_code == 404
    for region in ("63.01", "62.10.99", "6210021012001", "62.10.02.1012.001"):
        response = client.get(reverse("web:public-region", args=["uji", region]))
        assert response.status_code == 404, region


def test_recap_can_count_only_some_statuses(election, results):
    every = election_recap(election, level="kecamatan")
    published = election_recap(election, level="kecamatan", statuses=[SheetStatus.VERIFIED])
    assert every.total.votes == {1: 1129, 2: 101} and every.total.sheets == 3
    assert published.total.votes == {1: 120, 2: 80} and published.total.sheets == 1
    assert published.total.tps_total == every.total.tps_total == 5
    assert published.total.tps_reported == 1 and published.total.sheets_with_errors == 0


# --- internal dashboard ---------------------------------------------------------------------


def test_internal_dashboard_counts_every_sheet_and_lists_tps_with_findings(
    operator_client, election, results
):
    top = page(operator_client, "web:recap-top", ["uji"])
    assert "3 dari 5" in top and "(60,00 %)" in top
    assert "1.129 suara" in top  # 120 + 999 + 10, every status counts
    assert "TPS dengan temuan" in top and "2 TPS di wilayah ini" in top
    sheet = reverse("web:sheet", args=["uji", "6210021012001"])
    warned = reverse("web:sheet", args=["uji", "6210021012002"])
    assert sheet in top and warned in top and "R5" in top and "R11" in top
    assert top.index(sheet) < top.index(warned)  # errors first
    assert "<time datetime=" in top and "WIB" in top
    sepang = page(operator_client, "web:recap", ["uji", "62.10.01"])
    assert "Tidak ada TPS dengan temuan di wilayah ini." in sepang


def test_findings_list_is_capped_with_a_count(operator_client, election, results, monkeypatch):
    monkeypatch.setattr(dashboard, "FINDINGS_CAP", 1)
    top = page(operator_client, "web:recap-top", ["uji"])
    assert "2 TPS di wilayah ini" in top and "Ditampilkan 1 yang pertama" in top
    assert reverse("web:sheet", args=["uji", "6210021012001"]) in top
    assert 'id="temuan-6210021012002"' not in top


def test_summary_cards_and_chart(operator_client, election, results):
    kec = page(operator_client, "web:recap", ["uji", "62.10.01"])
    assert "1 dari 3" in kec and "(33,33 %)" in kec
    assert '<figure class="chart">' in kec and "<figcaption>" in kec
    assert 'width="600"' in kec and 'width="400"' in kec  # 60 % and 40 % of 1000
    assert "Suara tidak sah" in kec and ">3<" in kec


def test_live_part_is_fetched_alone_and_refreshes_itself(operator_client, election, results):
    full = page(operator_client, "web:recap", ["uji", KURUN])
    live_url = reverse("web:recap", args=["uji", KURUN]) + "?bagian=isi"
    assert f'hx-get="{live_url}"' in full and 'hx-trigger="every 30s"' in full
    assert 'hx-swap="outerHTML"' in full
    live = page(operator_client, "web:recap", ["uji", KURUN], "?bagian=isi")
    assert live.startswith('<div id="dasbor-isi"') and live.rstrip().endswith("</div>")
    assert "<html" not in live and "<h1>" not in live and "Unduh rekap" not in live
    assert "TPS dengan temuan" in live and 'hx-trigger="every 30s"' in live
    # Without htmx (e.g. back from the login page after the session ended): the whole page.
    plain = operator_client.get(live_url)
    assert "HX-Request" in plain["Vary"]
    assert "<h1>" in plain.content.decode() and 'id="dasbor-isi"' in plain.content.decode()
    still = page(operator_client, "web:recap", ["uji", KURUN], "?otomatis=tidak")
    assert "hx-trigger" not in still and "Nyalakan pembaruan otomatis" in still
    public_live = page(operator_client, "web:public", ["uji"], "?bagian=isi")
    assert public_live.startswith('<div id="dasbor-isi"') and "TPS dengan temuan" not in public_live


def test_scoped_operator_starts_in_their_kecamatan(client, election, small_area):
    client.force_login(make_user("op.kurun", Role.OPERATOR, KURUN))
    response = client.get(reverse("web:recap-top", args=["uji"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:recap", args=["uji", KURUN])
    assert client.get(response["Location"]).status_code == 200
    assert client.get(reverse("web:recap", args=["uji", "62.10.01"])).status_code == 403
    live = reverse("web:recap", args=["uji", "62.10.01"]) + "?bagian=isi"
    assert client.get(live).status_code == 403


# --- election list --------------------------------------------------------------------------


def test_election_list_links_where_each_user_starts(client, election, small_area):
    client.force_login(make_user("op.kurun", Role.OPERATOR, KURUN))
    html = page(client, "web:home", [])
    assert reverse("web:recap", args=["uji", KURUN]) in html and "Dasbor internal Kurun" in html
    assert reverse("web:public", args=["uji"]) in html
    assert "TPS tugas Anda" not in html


def test_election_list_shows_a_witness_their_tps(client, election, small_area):
    from pilkada.elections.services import create_election

    create_election(
        name="Pilgub Uji", kind="gubernur", region_code="62", polling_date="2024-11-27", code="gub"
    )
    client.force_login(make_user("saksi", Role.WITNESS, stations=[small_area[3]]))
    html = page(client, "web:home", [])
    assert html.count("TPS tugas Anda") == 2  # the TPS lies in both elections' areas
    assert reverse("web:entry", args=["uji", "6210021012001"]) in html
    assert reverse("web:entry", args=["gub", "6210021012001"]) in html
    assert "TPS 001 Kurun" in html
    assert "Dasbor internal" not in html  # a witness sees only their own TPS


def test_a_cached_dashboard_follows_every_change(client, election, small_area, settings):
    """The second view of an unchanged page is served from the cache; a save moves the
    change log's head, so the next view is computed again and shows the new votes."""
    settings.PILKADA_DASHBOARD_LAG = 0
    url = reverse("web:public", args=["uji"])
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert len(second.captured_queries) < len(first.captured_queries)
    outcome = save_sheet(
        election=election,
        station=small_area[0],
        expected_version=None,
        numbers=SheetNumbers(fields={"valid_votes": 4321}, votes={1: 4000, 2: 321}),
    )
    assert "4.321" not in client.get(url).content.decode()  # not verified: not published
    set_status(outcome.sheet, SheetStatus.VERIFIED, expected_version=1,
               user=make_user("pengawas-cache", Role.SUPERVISOR, "62.10"))  # fmt: skip
    assert "4.000" in client.get(url).content.decode()


def test_a_dashboard_lags_the_data_by_at_most_the_set_seconds(client, election, small_area,
                                                             settings):  # fmt: skip
    settings.PILKADA_DASHBOARD_LAG = 3600
    url = reverse("web:public", args=["uji"])
    client.get(url)
    outcome = save_sheet(
        election=election,
        station=small_area[0],
        expected_version=None,
        numbers=SheetNumbers(fields={"valid_votes": 4321}, votes={1: 4000, 2: 321}),
    )
    set_status(outcome.sheet, SheetStatus.VERIFIED, expected_version=1,
               user=make_user("pengawas-lag", Role.SUPERVISOR, "62.10"))  # fmt: skip
    assert "4.000" not in client.get(url).content.decode()  # within the lag: the kept page
    settings.PILKADA_DASHBOARD_LAG = 0
    assert "4.000" in client.get(url).content.decode()
