import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from pilkada.tallies.form import SheetNumbers
from pilkada.tallies.models import ChangeSource
from pilkada.tallies.services import Source, save_sheet


@pytest.fixture
def user_client(client, db):
    client.force_login(get_user_model().objects.create_superuser("admin", "", "rahasia-uji-123"))
    return client


@pytest.fixture
def reported(election, small_area):
    kurun1 = small_area[3]
    save_sheet(
        election=election,
        station=kurun1,
        expected_version=None,
        numbers=SheetNumbers(fields={"valid_votes": 160}, votes={1: 826, 2: 50}),
        source=Source(kind=ChangeSource.FILE, file="kurun.xlsx", sheet="Kurun", row=7),
    )
    save_sheet(
        election=election,
        station=kurun1,
        expected_version=1,
        numbers=SheetNumbers(votes={1: 100}),
        source=Source(note="koreksi OCR"),
    )
    return kurun1


@pytest.mark.parametrize(
    "name,args",
    [
        ("web:recap-top", ["uji"]),
        ("web:recap", ["uji", "62.10.02"]),
        ("web:sheet", ["uji", "6210021012001"]),
    ],
)
def test_pages_require_login(client, election, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_election_list_is_public_and_links_the_public_dashboard(client, election):
    page = client.get(reverse("web:home"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Pemilihan Bupati Uji" in html and reverse("web:public", args=["uji"]) in html
    assert reverse("web:recap-top", args=["uji"]) not in html


def test_login_page_is_indonesian(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Kata sandi" in response.content.decode()


def test_drill_down_from_kabupaten_to_tps(user_client, election, reported):
    top = user_client.get(reverse("web:recap-top", args=["uji"])).content.decode()
    assert "Kurun" in top and "Sepang" in top
    assert reverse("web:recap", args=["uji", "62.10.02"]) in top
    kec = user_client.get(reverse("web:recap", args=["uji", "62.10.02"])).content.decode()
    assert reverse("web:recap", args=["uji", "62.10.02.1012"]) in kec
    desa = user_client.get(reverse("web:recap", args=["uji", "62.10.02.1012"])).content.decode()
    sheet_url = reverse("web:sheet", args=["uji", "6210021012001"])
    assert sheet_url in desa and "TPS 001" in desa
    page = user_client.get(sheet_url).content.decode()
    assert "R5" in page  # 100 + 50 votes against 160 valid votes
    assert "koreksi OCR" in page and "kurun.xlsx" in page
    assert "826" in page and "100" in page  # the diff shows the old and the new value


def test_unknown_scope_is_404(user_client, election):
    assert user_client.get(reverse("web:recap", args=["uji", "63.01"])).status_code == 404
    assert user_client.get(reverse("web:recap-top", args=["tidak-ada"])).status_code == 404
    assert user_client.get(reverse("web:sheet", args=["uji", "123"])).status_code == 404


def test_national_election_drills_from_provinces(user_client, small_area):
    from pilkada.elections.services import create_election

    create_election(
        name="Pilpres Uji", kind="presiden", region_code="", polling_date="2024-02-14", code="pp"
    )
    top = user_client.get(reverse("web:recap-top", args=["pp"])).content.decode()
    assert "Kalimantan Tengah" in top and reverse("web:recap", args=["pp", "62"]) in top
    assert "Rekapitulasi Indonesia</h2>" in top
    prov = user_client.get(reverse("web:recap", args=["pp", "62"]))
    assert prov.status_code == 200 and "Kabupaten Gunung Mas" in prov.content.decode()


def test_indonesian_by_default_even_for_an_english_browser(client, db):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page.status_code == 200
    assert '<html lang="id">' in page.content.decode()
    client.cookies["django_language"] = "en"
    assert '<html lang="en">' in client.get(reverse("login")).content.decode()


def test_recap_page_publishes_the_change_log_head(user_client, election, reported):
    from pilkada.audit.chain import head

    page = user_client.get(reverse("web:recap-top", args=["uji"])).content.decode()
    current = head()
    assert current.last_id > 0 and f"#{current.last_id} <code>{current.hash}</code>" in page
