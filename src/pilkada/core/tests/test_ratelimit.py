"""Rate limits: failed sign-ins per address, NIK look-ups per user, and the decorator the API
will use. The limits are made small and the clock is frozen: the tests count responses."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.core.cache import caches
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from pilkada.core import ratelimit
from pilkada.core.ratelimit import Rate, parse_rate, rate_limited

PASSWORD = "rahasia-uji-123"
NIK = "3201234567890001"


@pytest.fixture(autouse=True)
def limits(settings, monkeypatch):
    settings.PILKADA_RATE_LIMITS = {"login": "3/h", "nik": "3/h", "api": "2/h"}
    settings.AXES_FAILURE_LIMIT = 100  # these tests are about the address-wide limit
    clock = {"now": 3600.0 * 500_000}  # the start of an hour window
    monkeypatch.setattr(ratelimit, "_clock", lambda: clock["now"])
    caches[settings.PILKADA_RATELIMIT_CACHE].clear()
    yield clock
    caches[settings.PILKADA_RATELIMIT_CACHE].clear()


@pytest.fixture
def log():
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    logger = logging.getLogger("pilkada.ratelimit")
    logger.addHandler(handler)
    yield buffer
    logger.removeHandler(handler)


def _login(client, username, password="salah", path=None, **extra):
    return client.post(
        path or reverse("login"), {"username": username, "password": password}, **extra
    )


def test_rates_are_read_like_django_ratelimit():
    assert parse_rate("20/m") == Rate(20, 60)
    assert parse_rate("100/5m") == Rate(100, 300)
    assert parse_rate("3/10") == Rate(3, 10)
    assert parse_rate("1/h") == Rate(1, 3600)
    with pytest.raises(ValueError):
        parse_rate("banyak")


def test_failed_logins_from_one_address_are_limited_whatever_the_names(
    client, django_user_model, log
):
    django_user_model.objects.create_user("operator", password=PASSWORD)
    statuses = [_login(client, f"tebakan{n}").status_code for n in range(3)]
    assert statuses == [200, 200, 200]
    refused = _login(client, "operator", PASSWORD)  # even the right password
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Terlalu banyak percobaan masuk yang gagal dari alamat ini" in page
    assert int(refused["Retry-After"]) == 3600
    assert "_auth_user_id" not in client.session
    line = log.getvalue().strip()
    assert line == "429 POST /masuk/ scope=login user=- address=127.0.0.1"
    # another address is not affected
    other = _login(client, "operator", PASSWORD, REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 302


def test_the_limit_ends_with_its_window(client, django_user_model, limits):
    django_user_model.objects.create_user("operator", password=PASSWORD)
    for n in range(3):
        _login(client, f"tebakan{n}")
    assert _login(client, "operator", PASSWORD).status_code == 429
    limits["now"] += 3600
    assert _login(client, "operator", PASSWORD).status_code == 302


def test_successful_logins_do_not_count(client, django_user_model):
    """An office behind one router: many operators sign in at once from one address."""
    for n in range(6):
        django_user_model.objects.create_user(f"operator{n}", password=PASSWORD)
        assert _login(client, f"operator{n}", PASSWORD).status_code == 302
        client.logout()
    assert _login(client, "operator0", PASSWORD).status_code == 302


def test_failures_on_the_admin_login_count_too(client, django_user_model):
    django_user_model.objects.create_superuser("admin", password=PASSWORD)
    admin_login = reverse("admin:login")
    for n in range(3):
        assert _login(client, f"tebakan{n}", path=admin_login).status_code == 200
    assert _login(client, "admin", PASSWORD, path=admin_login).status_code == 429
    assert _login(client, "admin", PASSWORD).status_code == 429


def test_nik_look_ups_are_limited_per_user(client, django_user_model, log):
    first = django_user_model.objects.create_superuser("pertama", password=PASSWORD)
    second = django_user_model.objects.create_superuser("kedua", password=PASSWORD)
    url = reverse("admin:voters_voter_changelist")
    client.force_login(first)
    statuses = [client.get(url, {"q": NIK}).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    refused = client.get(url, {"q": NIK})
    assert refused.status_code == 429
    assert "Terlalu banyak pencarian data pemilih" in refused.content.decode()
    # other requests of the same user go on; searches by name are not look-ups by NIK
    assert client.get(url, {"q": "Budi"}).status_code == 200
    assert client.get(url).status_code == 200
    # another user has their own count
    client.force_login(second)
    assert client.get(url, {"q": NIK}).status_code == 200
    text = log.getvalue()
    assert f"429 GET /admin/voters/voter/ scope=nik user={first.pk} address=127.0.0.1" in text
    assert NIK not in text and NIK[:12] not in text and "pertama" not in text


@pytest.mark.parametrize(
    "query",
    [
        {"q": NIK},
        {"q": "3201 2345 6789 0001"},
        {"nik": "3201"},
        {"nik__startswith": "32"},
        {"nkk": NIK},
        {"cari": f"nik {NIK}"},
    ],
)
def test_what_counts_as_a_nik_look_up(query):
    assert ratelimit.looks_up_nik(RequestFactory().get("/", query))


@pytest.mark.parametrize(
    "query",
    [
        {"nik": "penuh"},  # the full-NIK download switch
        {"wilayah": "62.10.01.1001"},
        {"q": "Budi Santoso"},
        {"q": "621001100100"},  # a TPS code
        {},
    ],
)
def test_what_does_not(query):
    assert not ratelimit.looks_up_nik(RequestFactory().get("/", query))


def test_probing_the_admin_for_nik_digits_is_counted(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("admin", password=PASSWORD))
    url = reverse("admin:voters_voter_changelist")
    # refused by the admin itself (the filter is not allowed), and counted
    assert [client.get(url, {"nik__startswith": "3"}).status_code for _ in range(3)] == [400] * 3
    assert client.get(url, {"nik__startswith": "3"}).status_code == 429


def _request(user=None, **headers):
    request = RequestFactory().get("/api/pemilih/", **headers)
    request.user = user
    return request


def test_the_decorator_limits_a_view_per_user(django_user_model):
    @rate_limited("api")
    def view(request):
        return HttpResponse("ok")

    one = django_user_model.objects.create_user("satu")
    two = django_user_model.objects.create_user("dua")
    assert [view(_request(one)).status_code for _ in range(3)] == [200, 200, 429]
    assert view(_request(two)).status_code == 200
    refused = view(_request(one, HTTP_ACCEPT="application/json"))
    assert refused.status_code == 429 and refused["Content-Type"] == "application/json"
    body = json.loads(refused.content)
    assert body["retry_after"] == 3600 and "Terlalu banyak permintaan" in body["error"]


def test_a_request_is_counted_once_per_scope(django_user_model):
    @rate_limited("nik")
    @rate_limited("nik")
    def view(request):
        return HttpResponse("ok")

    user = django_user_model.objects.create_user("satu")
    assert [view(_request(user)).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_a_scope_without_a_rate_is_not_limited(settings, django_user_model):
    settings.PILKADA_RATE_LIMITS = {"api": None}

    @rate_limited("api")
    def view(request):
        return HttpResponse("ok")

    user = django_user_model.objects.create_user("satu")
    assert {view(_request(user)).status_code for _ in range(10)} == {200}


def test_an_ipv6_client_is_counted_by_its_64_block():
    request = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:3:4:5:6")
    assert ratelimit.client_address(request) == "2001:db8:1:2::"
