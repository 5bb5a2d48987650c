"""Deny by default: roles, regions and TPS decide; every view declares its rule; refusals
are logged."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pilkada.access.decorators import ACCESS_ATTRIBUTE
from pilkada.access.models import Assignment, Refusal, Role
from pilkada.access.policy import Action, allows, may_somewhere, station_filter
from pilkada.core.testing.users import make_user


def test_a_user_without_assignments_may_do_nothing(db):
    user = make_user("kosong")
    assert not any(may_somewhere(user, a) for a in Action)


def test_operator_of_a_kecamatan_acts_inside_it_only(small_area):
    op = make_user("op", Role.OPERATOR, "62.10.02")
    kurun, sepang = small_area[3], small_area[0]
    assert allows(op, Action.ENTER, station=kurun)
    assert not allows(op, Action.ENTER, station=sepang)
    assert allows(op, Action.VIEW, region="62.10.02.1012")
    assert not allows(op, Action.VIEW, region="62.10")  # the kabupaten above is not theirs
    assert not allows(op, Action.MANAGE)
    allowed = station_filter(op, Action.UPLOAD)
    assert allowed(kurun.desa.code, kurun.pk) and not allowed(sepang.desa.code, sepang.pk)


def test_witness_enters_only_at_their_tps_and_never_verifies(small_area):
    witness = make_user("saksi", Role.WITNESS, stations=[small_area[3]])
    assert allows(witness, Action.ENTER, station=small_area[3])
    assert not allows(witness, Action.ENTER, station=small_area[4])
    assert not allows(witness, Action.VERIFY, station=small_area[3])
    assert not allows(witness, Action.VIEW, region="62.10.02.1012")  # a TPS is not a region


def test_supervisor_reads_and_verifies_but_does_not_enter(small_area):
    sup = make_user("pengawas", Role.SUPERVISOR, "62.10")
    assert allows(sup, Action.VERIFY, station=small_area[0])
    assert allows(sup, Action.VIEW_DPT, region="62.10.01")
    assert not allows(sup, Action.ENTER, station=small_area[0])
    assert not allows(sup, Action.UPLOAD, region="62.10")


def test_assignment_must_fit_its_role(small_area):
    from django.db import IntegrityError, transaction

    user = make_user("x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(user=user, role=Role.WITNESS, region=small_area[0].desa)


def _views(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name in ("admin",) or "i18n" in str(entry.pattern):
                continue  # Django's own admin (staff only) and language switch
            yield from _views(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_every_view_declares_who_may_open_it(db):
    undeclared = [route for route, view in _views() if not hasattr(view, ACCESS_ATTRIBUTE)]
    assert undeclared == []


def test_a_refusal_is_a_logged_403_with_its_reason(client, election, small_area, caplog):
    user = make_user("op", Role.OPERATOR, "62.10.02")
    client.force_login(user)
    response = client.get(reverse("web:recap", args=["uji", "62.10.01"]))
    assert response.status_code == 403
    assert "di luar wilayah tugas Anda" in response.content.decode()
    refusal = Refusal.objects.get()
    assert (refusal.user, refusal.path) == (user, "/pemilihan/uji/wilayah/62.10.01/")
    assert "403 GET /pemilihan/uji/wilayah/62.10.01/" in caplog.text
