"""Edits in the admin are logged; the log is read-only there."""

from django.urls import reverse

from pilkada.audit.chain import verify
from pilkada.audit.models import ChangeLogEntry


def test_an_admin_edit_and_delete_are_logged(admin_client, small_area):
    station = small_area[0]
    url = reverse("admin:regions_pollingstation_change", args=[station.pk])
    form = {"desa": station.desa_id, "number": "001", "registered_men": 101,
            "registered_women": 110, "address": ""}  # fmt: skip
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = ChangeLogEntry.objects.filter(source="admin").get()
    assert (entry.action, entry.username, entry.entity) == (
        "update",
        "admin",
        "regions.pollingstation",
    )
    assert (entry.old["registered_men"], entry.new["registered_men"]) == (100, 101)
    assert entry.request.startswith(f"POST {url}")
    delete = reverse("admin:regions_pollingstation_delete", args=[small_area[4].pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    gone = ChangeLogEntry.objects.filter(source="admin", action="delete").get()
    assert gone.old["number"] == "002" and gone.new is None
    assert verify().ok


def test_the_log_cannot_be_edited_in_the_admin(admin_client, small_area):
    entry = ChangeLogEntry.objects.first()
    assert admin_client.get(reverse("admin:audit_changelogentry_changelist")).status_code == 200
    change = admin_client.post(
        reverse("admin:audit_changelogentry_change", args=[entry.pk]), {"username": "x"}
    )
    assert change.status_code == 403
    entry.refresh_from_db()
    assert entry.username != "x"
    delete = reverse("admin:audit_changelogentry_delete", args=[entry.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403


def test_the_changelist_delete_action_is_logged_per_object(admin_client, small_area):
    url = reverse("admin:regions_pollingstation_changelist")
    chosen = [small_area[3].pk, small_area[4].pk]
    response = admin_client.post(
        url, {"action": "delete_selected", "_selected_action": chosen, "post": "yes"}
    )
    assert response.status_code == 302
    deleted = ChangeLogEntry.objects.filter(source="admin", action="delete")
    assert sorted(int(e.entity_id) for e in deleted) == sorted(chosen)
    assert verify().ok
