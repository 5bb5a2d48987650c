"""A dashboard refreshing itself is not activity, and an ended session reloads the page."""

import time

from django.urls import reverse

from pilkada.core.middleware import AUTO_REFRESH, SEEN, STARTED
from pilkada.core.testing.users import make_user


def _signed_in(client, seen_ago: int):
    client.force_login(make_user("admin", superuser=True))
    session = client.session
    now = int(time.time())
    session[STARTED] = now - seen_ago
    session[SEEN] = now - seen_ago
    session.save()
    return now - seen_ago


def test_automatic_refresh_does_not_count_as_activity(client, election):
    seen = _signed_in(client, seen_ago=120)
    url = reverse("web:recap-top", args=["uji"]) + "?bagian=isi"
    response = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER=AUTO_REFRESH)
    assert response.status_code == 200
    assert client.session[SEEN] == seen
    client.get(reverse("web:recap-top", args=["uji"]))  # the user opens a page: activity
    assert client.session[SEEN] > seen


def test_refresh_after_the_session_ended_reloads_the_whole_page(client, election, settings):
    settings.PILKADA_SESSION_IDLE = 60
    _signed_in(client, seen_ago=61)
    url = reverse("web:recap-top", args=["uji"]) + "?bagian=isi"
    response = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER=AUTO_REFRESH)
    assert response.status_code == 204 and response["HX-Refresh"] == "true"
    assert "_auth_user_id" not in client.session
