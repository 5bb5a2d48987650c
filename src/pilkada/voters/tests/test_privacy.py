"""NIK and NKK stay masked where people look at voters: the admin, messages, the helpers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from pilkada.audit.models import AccessRecord
from pilkada.voters.privacy import mask, may_see_full, record_access
from pilkada.voters.tests.factories import add_voters


def test_mask_keeps_all_but_the_last_four_digits():
    assert mask("3273014508850001") == "327301450885****"
    assert mask("") == ""
    assert mask("123") == "***"


@pytest.mark.django_db
def test_full_values_need_the_permission_and_access_is_recorded():
    users = get_user_model().objects
    clerk = users.create_user("petugas", password="x")
    assert not may_see_full(clerk)
    clerk.user_permissions.add(Permission.objects.get(codename="view_full_nik"))
    clerk = users.get(pk=clerk.pk)  # permissions are cached per instance
    assert may_see_full(clerk) and may_see_full(None)
    record_access(action="export_dpt_full_nik", subject="DPT uji", rows=12, user=clerk,
                  source="web")  # fmt: skip
    entry = AccessRecord.objects.get()
    assert (entry.username, entry.rows, entry.source) == ("petugas", 12, "web")


def test_admin_shows_voters_masked(client, election, small_area):
    voter = add_voters(election, small_area[0], [
        {"name": "SITI AMINAH", "birth_date": dt.date(1985, 8, 5), "sex": "P"}
    ])[0]  # fmt: skip
    admin = get_user_model().objects.create_superuser("admin", password="x")
    client.force_login(admin)
    listing = client.get("/admin/voters/voter/").content.decode()
    assert "SITI AMINAH" in listing and mask(voter.nik) in listing
    assert voter.nik not in listing
    detail = client.get(f"/admin/voters/voter/{voter.pk}/change/").content.decode()
    assert mask(voter.nik) in detail and voter.nik not in detail and voter.nkk not in detail


def test_admin_refuses_filters_that_would_reveal_the_nik(client, election, small_area):
    voter = add_voters(election, small_area[0], [
        {"name": "SITI AMINAH", "birth_date": dt.date(1985, 8, 5), "sex": "P"}
    ])[0]  # fmt: skip
    admin = get_user_model().objects.create_superuser("admin", password="x")
    client.force_login(admin)
    probe = client.get(f"/admin/voters/voter/?nik__startswith={voter.nik[:13]}")
    assert probe.status_code in (302, 400) or "SITI AMINAH" not in probe.content.decode()
