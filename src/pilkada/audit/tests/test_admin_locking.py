"""Admin edits of master data check the state they read: a save or delete from a page that no
longer shows the stored data is refused with what changed, and nothing is written."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilkada.audit.admin import VERSION_FIELD
from pilkada.audit.chain import verify
from pilkada.audit.models import ChangeLogEntry
from pilkada.elections.models import CandidatePair, Election
from pilkada.regions.models import PollingStation, Region

STALE = "Data ini sudah diubah orang lain sejak Anda membukanya"
RELOAD = "Muat ulang halaman lalu ulangi."


def _value(value):
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return str(value)


def _form_data(page) -> dict:
    """What the browser would send back from an admin change page, unchanged."""
    data = {}
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += list(formset.forms)
        management = formset.management_form
        data.update(
            {management.add_prefix(n): _value(management[n].value()) for n in management.fields}
        )
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
                continue
            data[form.add_prefix(name)] = _value(value)
    data[VERSION_FIELD] = _version(page)
    return data


def _version(page) -> str:
    found = re.search(rf'name="{VERSION_FIELD}" value="([^"]+)"', page.content.decode())
    assert found, "the page carries no version"
    return found.group(1)


def _errors(response) -> str:
    return " ".join(response.context["adminform"].form.non_field_errors())


def test_a_save_from_a_stale_page_is_refused_and_the_newer_value_kept(admin_client, small_area):
    station = small_area[0]
    url = reverse("admin:regions_pollingstation_change", args=[station.pk])
    page = admin_client.get(url)
    form = _form_data(page)
    # another administrator saves first
    PollingStation.objects.filter(pk=station.pk).update(registered_men=105, address="Balai desa")
    form["registered_women"] = "111"
    with CaptureQueriesContext(connection) as queries:
        refused = admin_client.post(url, form)
    assert refused.status_code == 200
    if connection.features.has_select_for_update:  # PostgreSQL; SQLite locks at BEGIN
        assert any("FOR UPDATE" in q["sql"] for q in queries.captured_queries)
    message = _errors(refused)
    assert message.startswith(STALE) and message.endswith(RELOAD), message
    assert "DPT laki-laki '100' → '105'" in message
    assert "alamat (kosong) → 'Balai desa'" in message
    assert "DPT perempuan" not in message  # only what others changed
    station.refresh_from_db()
    assert (station.registered_men, station.registered_women, station.address) == (
        105,
        110,
        "Balai desa",
    )
    assert not ChangeLogEntry.objects.filter(source="admin").exists()
    # the page shown again keeps the state first read: saving it again is refused again
    assert _version(refused) == form[VERSION_FIELD]
    assert STALE in _errors(admin_client.post(url, form))


def test_a_save_from_a_fresh_page_goes_through_and_is_logged(admin_client, small_area):
    station = small_area[0]
    url = reverse("admin:regions_pollingstation_change", args=[station.pk])
    form = _form_data(admin_client.get(url))
    form["registered_women"] = "111"
    saved = admin_client.post(url, form)
    assert saved.status_code == 302, _errors(saved)
    station.refresh_from_db()
    assert station.registered_women == 111
    entry = ChangeLogEntry.objects.filter(source="admin").get()
    assert (entry.action, entry.old["registered_women"], entry.new["registered_women"]) == (
        "update",
        110,
        111,
    )
    assert verify().ok


def test_a_forged_version_is_refused(admin_client, small_area):
    station = small_area[0]
    url = reverse("admin:regions_pollingstation_change", args=[station.pk])
    form = _form_data(admin_client.get(url))
    form[VERSION_FIELD] = form[VERSION_FIELD][:-3] + "abc"
    refused = admin_client.post(url, {**form, "registered_men": "1"})
    assert refused.status_code == 200 and "tidak sah" in _errors(refused)
    station.refresh_from_db()
    assert station.registered_men == 100


def test_a_version_of_another_object_is_refused(admin_client, small_area):
    first, second = small_area[0], small_area[1]
    token = _form_data(
        admin_client.get(reverse("admin:regions_pollingstation_change", args=[first.pk]))
    )[VERSION_FIELD]
    url = reverse("admin:regions_pollingstation_change", args=[second.pk])
    form = {**_form_data(admin_client.get(url)), VERSION_FIELD: token, "registered_men": "1"}
    refused = admin_client.post(url, form)
    assert refused.status_code == 200 and "tidak sah" in _errors(refused)


def test_a_region_renamed_meanwhile_is_named_in_the_refusal(admin_client, gumas_regions):
    region = Region.objects.get(code="62.10.01")
    url = reverse("admin:regions_region_change", args=[region.pk])
    form = _form_data(admin_client.get(url))
    Region.objects.filter(pk=region.pk).update(name="Sepang Baru")
    form["name"] = "Sepang Simpang"
    refused = admin_client.post(url, form)
    assert f"nama '{region.name}' → 'Sepang Baru'" in _errors(refused)
    region.refresh_from_db()
    assert region.name == "Sepang Baru"


def test_a_candidate_pair_changed_meanwhile_blocks_the_election_page(admin_client, election):
    url = reverse("admin:elections_election_change", args=[election.pk])
    form = _form_data(admin_client.get(url))
    CandidatePair.objects.filter(election=election, number=2).update(head_name="Calon Baru")
    form["name"] = "Pemilihan Bupati Uji Ulang"
    refused = admin_client.post(url, form)
    message = _errors(refused)
    assert STALE in message
    assert "pasangan calon '02. Calon Dua – Wakil Dua': nama calon 'Calon Dua' → 'Calon Baru'" in (
        message
    )
    election.refresh_from_db()
    assert election.name == "Pemilihan Bupati Uji"
    assert CandidatePair.objects.get(election=election, number=2).head_name == "Calon Baru"


def test_an_unchanged_election_page_saves_with_its_pairs(admin_client, election):
    url = reverse("admin:elections_election_change", args=[election.pk])
    form = _form_data(admin_client.get(url))
    form["name"] = "Pemilihan Bupati Uji Ulang"
    form["pairs-0-head_name"] = "Calon Satu Baru"
    saved = admin_client.post(url, form)
    assert saved.status_code == 302, _errors(saved)
    assert Election.objects.get(pk=election.pk).name == "Pemilihan Bupati Uji Ulang"
    assert CandidatePair.objects.get(election=election, number=1).head_name == "Calon Satu Baru"
    logged = ChangeLogEntry.objects.filter(source="admin").order_by("id")
    assert [e.entity for e in logged] == ["elections.election", "elections.candidatepair"]


def test_a_delete_confirmed_on_a_stale_page_is_refused(admin_client, small_area):
    station = small_area[4]
    url = reverse("admin:regions_pollingstation_delete", args=[station.pk])
    version = _version(admin_client.get(url))
    PollingStation.objects.filter(pk=station.pk).update(registered_women=141)
    refused = admin_client.post(url, {"post": "yes", VERSION_FIELD: version}, follow=True)
    assert PollingStation.objects.filter(pk=station.pk).exists()
    page = refused.content.decode()
    assert STALE in page and "DPT perempuan &#x27;140&#x27; → &#x27;141&#x27;" in page
    assert refused.redirect_chain[-1][0] == url  # back to the confirmation, with fresh data
    assert not ChangeLogEntry.objects.filter(source="admin").exists()
    # confirmed again on the fresh page: deleted and logged
    fresh = _version(refused)
    assert admin_client.post(url, {"post": "yes", VERSION_FIELD: fresh}).status_code == 302
    assert not PollingStation.objects.filter(pk=station.pk).exists()
    assert ChangeLogEntry.objects.filter(source="admin", action="delete").count() == 1


def test_a_bulk_delete_confirmed_on_a_stale_page_is_refused(admin_client, small_area):
    url = reverse("admin:regions_pollingstation_changelist")
    chosen = [small_area[3].pk, small_area[4].pk]
    ask = {"action": "delete_selected", "_selected_action": chosen}
    version = _version(admin_client.post(url, ask))
    PollingStation.objects.filter(pk=chosen[1]).update(address="Pindah ke SD 2")
    refused = admin_client.post(url, {**ask, "post": "yes", VERSION_FIELD: version}, follow=True)
    page = refused.content.decode()
    assert STALE in page and "TPS 002" in page and "Pindah ke SD 2" in page
    assert PollingStation.objects.filter(pk__in=chosen).count() == 2
    version = _version(admin_client.post(url, ask))
    done = admin_client.post(url, {**ask, "post": "yes", VERSION_FIELD: version})
    assert done.status_code == 302
    assert not PollingStation.objects.filter(pk__in=chosen).exists()
    assert ChangeLogEntry.objects.filter(source="admin", action="delete").count() == 2
    assert verify().ok
