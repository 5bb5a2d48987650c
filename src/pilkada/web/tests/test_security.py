"""Login back-off, session limits, security headers and the deployment check."""

import os
import subprocess
import sys
import time

from django.urls import reverse

from pilkada.core.middleware import SEEN, STARTED

PASSWORD = "rahasia-uji-123"


def test_five_wrong_passwords_lock_the_login_even_for_the_right_one(client, django_user_model):
    django_user_model.objects.create_user("operator", password=PASSWORD)
    url = reverse("login")
    for _ in range(5):
        wrong = client.post(url, {"username": "operator", "password": "salah"})
        assert wrong.status_code in (200, 429)
    locked = client.post(url, {"username": "operator", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan masuk" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_right_password_before_the_limit_resets_the_count(client, django_user_model):
    django_user_model.objects.create_user("operator", password=PASSWORD)
    url = reverse("login")
    for _ in range(4):
        client.post(url, {"username": "operator", "password": "salah"})
    assert client.post(url, {"username": "operator", "password": PASSWORD}).status_code == 302
    client.logout()
    for _ in range(4):
        client.post(url, {"username": "operator", "password": "salah"})
    assert client.post(url, {"username": "operator", "password": PASSWORD}).status_code == 302


def _signed_in(client, django_user_model, **ages):
    client.force_login(django_user_model.objects.create_user("operator"))
    session = client.session
    now = int(time.time())
    session[STARTED] = now - ages.get("started", 0)
    session[SEEN] = now - ages.get("seen", 0)
    session.save()
    return client


def test_an_idle_session_ends(client, django_user_model, settings):
    settings.PILKADA_SESSION_IDLE = 1800
    _signed_in(client, django_user_model, seen=1801)
    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "Sesi berakhir; silakan masuk lagi." in page


def test_a_busy_session_still_ends_at_its_maximum_age(client, django_user_model, settings):
    settings.SESSION_COOKIE_AGE = 12 * 3600
    _signed_in(client, django_user_model, started=12 * 3600 + 1, seen=5)
    assert client.get(reverse("web:home")).status_code == 302


def test_an_active_session_goes_on(client, django_user_model):
    _signed_in(client, django_user_model, started=3600, seen=60)
    assert client.get(reverse("web:home")).status_code == 200


def test_pages_carry_a_content_security_policy_and_other_headers(client, db):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_deployment_check_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "PILKADA_DATA_DIR": str(tmp_path),
        "PILKADA_HTTPS": "1",
        "PILKADA_ALLOWED_HOSTS": "pilkada.kab.go.id",
    }
    for name in ("PILKADA_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"):  # the browser tests set it
        env.pop(name, None)
    child = subprocess.run(
        [sys.executable, "-m", "pilkada.cli", "check", "--deploy"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert child.returncode == 0, child.stdout + child.stderr
    assert "no issues" in child.stdout


def test_the_deployment_check_fails_on_development_settings(tmp_path):
    env = {**os.environ, "PILKADA_DATA_DIR": str(tmp_path), "PILKADA_DEBUG": "1"}
    env.pop("PILKADA_HTTPS", None)
    child = subprocess.run(
        [sys.executable, "-m", "pilkada.cli", "check", "--deploy"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert child.returncode != 0 and "security.W018" in child.stderr + child.stdout


def test_error_pages_are_indonesian_and_show_no_trace_or_data(client, db, settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "pilkada.web.tests.error_urls"
    client.raise_request_exception = False
    missing = client.get("/tidak-ada/")
    assert missing.status_code == 404 and "Halaman tidak ditemukan" in missing.content.decode()
    failed = client.get("/rusak/")
    page = failed.content.decode()
    assert failed.status_code == 500 and "Terjadi kesalahan di server" in page
    assert "Traceback" not in page and "3201234567890001" not in page
    assert "RuntimeError" not in page


def test_a_refusal_is_an_indonesian_403(client, django_user_model, election):
    client.force_login(django_user_model.objects.create_user("pembaca"))
    refused = client.get(reverse("web:upload", args=["uji"]))
    assert refused.status_code == 403
    assert "Anda tidak berhak membuka halaman ini" in refused.content.decode()
