"""Every web view × every role × a place inside and outside the role's scope.

The scope of the scoped roles is Kecamatan Kurun (62.10.02) or one of its TPS; "in" targets
Kurun, "out" targets Sepang (62.10.01). Outcomes:
  ok      the view did its work for the user (200, a redirect other than to the login, or a
          form error such as 400/409/422 that only someone allowed in gets to see)
  login   sent to the login page (not signed in)
  deny    403, logged as a refusal
  hidden  404: someone else's upload, whose existence is not shown
A new view must be added here (the last test fails otherwise).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from pilkada.access.models import Refusal, Role
from pilkada.core.testing.users import make_user
from pilkada.tallies.form import SheetNumbers
from pilkada.tallies.services import save_sheet
from pilkada.voters.tests.factories import add_voters
from pilkada.web.models import JobKind, JobStatus, UploadJob

ROLES = ["anon", "norole", "admin", "operator", "supervisor", "witness"]
KURUN, SEPANG = "62.10.02", "62.10.01"

OK, LOGIN, DENY, HIDDEN = "ok", "login", "deny", "hidden"


def same(outcome):
    return (outcome, outcome)


BOTH_OK, BOTH_DENY = same(OK), same(DENY)


def by_role(anon=LOGIN, norole=DENY, admin=BOTH_OK, operator=BOTH_DENY,
            supervisor=BOTH_DENY, witness=BOTH_DENY):  # fmt: skip
    """Expected (in, out) outcome per role; anonymous and role-less users have no scope."""
    return {
        "anon": same(anon),
        "norole": same(norole),
        "admin": admin,
        "operator": operator,
        "supervisor": supervisor,
        "witness": witness,
    }


PUBLIC = by_role(anon=OK, norole=OK, operator=same(OK), supervisor=same(OK), witness=same(OK))
SCOPED_READ = {"operator": (OK, DENY), "supervisor": (OK, DENY)}  # inside Kurun only
MANAGE = by_role()  # administrators only

# name → (method, expected outcomes). Targets come from ``target()``.
MATRIX = {
    "home": ("GET", PUBLIC),
    "public": ("GET", PUBLIC),
    "public-region": ("GET", PUBLIC),
    # the top page sends a Kurun operator/supervisor to Kurun (ok); a witness has no region
    "recap-top": ("GET", by_role(operator=same(OK), supervisor=same(OK))),
    "recap": ("GET", by_role(**SCOPED_READ)),
    "sheet": ("GET", by_role(**SCOPED_READ, witness=(OK, DENY))),
    "entry": ("GET", by_role(operator=(OK, DENY), witness=(OK, DENY))),
    "entry-check": ("POST", by_role(operator=(OK, DENY), witness=(OK, DENY))),
    "sheet-status": ("POST", by_role(operator=(OK, DENY), supervisor=(OK, DENY))),
    "template": ("GET", by_role(operator=(OK, DENY))),
    "recap-download": ("GET", by_role(**SCOPED_READ)),
    "upload": ("GET", by_role(operator=same(OK))),
    "results-history": ("GET", by_role(operator=same(OK), supervisor=same(OK))),
    # "in" is the operator's own upload, "out" another operator's (in Sepang)
    "results-job": ("GET", by_role(operator=(OK, HIDDEN), supervisor=same(OK))),
    "results-job-decide": ("POST", by_role(operator=(OK, HIDDEN), supervisor=same(DENY))),
    "results-rejects": ("GET", by_role(operator=(OK, HIDDEN), supervisor=same(OK))),
    # the DPT top page sends a Kurun user to Kurun's statistics
    "dpt": ("GET", by_role(operator=same(OK), supervisor=same(OK))),
    "dpt-region": ("GET", by_role(**SCOPED_READ)),
    # duplicate pairs span the whole election: only users whose region covers all of it
    "dpt-duplicates": ("GET", by_role()),
    "dpt-duplicates-download": ("GET", by_role()),
    "dpt-download": ("GET", by_role(**SCOPED_READ)),
    "dpt-upload": ("GET", by_role(operator=same(OK))),
    "dpt-history": ("GET", by_role(operator=same(OK), supervisor=same(OK))),
    "dpt-job": ("GET", by_role(operator=(OK, HIDDEN), supervisor=same(OK))),
    "dpt-job-decide": ("POST", by_role(operator=(OK, HIDDEN))),
    "dpt-rejects": ("GET", by_role(operator=(OK, HIDDEN), supervisor=(DENY, DENY))),
    "users": ("GET", MANAGE),
    "witness-upload": ("GET", MANAGE),
    "witness-confirm": ("POST", by_role(admin=same(HIDDEN))),  # no such upload: 404
    "witness-template": ("GET", MANAGE),
    "witness-credentials": ("GET", by_role(admin=same(HIDDEN))),  # no such file: 404
}


@pytest.fixture
def world(election, small_area, settings, tmp_path):
    """Users of every role, a sheet at a Kurun and at a Sepang TPS, and uploads of both kinds
    by the Kurun operator ("in") and by a Sepang operator ("out"), each with a rejects file."""
    settings.MEDIA_ROOT = tmp_path / "media"
    kurun, sepang = small_area[3], small_area[0]
    admin = make_user("admin", superuser=True)
    users = {
        "norole": make_user("tanpa-peran"),
        "admin": admin,
        "operator": make_user("operator", Role.OPERATOR, KURUN),
        "supervisor": make_user("pengawas", Role.SUPERVISOR, KURUN),
        "witness": make_user("saksi", Role.WITNESS, stations=[kurun]),
    }
    for station in (kurun, sepang):
        save_sheet(
            election=election,
            station=station,
            expected_version=None,
            numbers=SheetNumbers(fields={"valid_votes": 30}, votes={1: 20, 2: 10}),
            user=admin,
        )
    person = {"birth_date": dt.date(1980, 5, 1), "sex": "P"}
    add_voters(election, kurun, [{"name": "SITI", **person}])
    add_voters(election, sepang, [{"name": "BUDI", **person, "nik": "6210014105800009"}])
    other = make_user("operator-sepang", Role.OPERATOR, SEPANG)
    jobs = {}
    for kind in (JobKind.DPT, JobKind.RESULTS):
        for side, uploader in (("in", users["operator"]), ("out", other)):
            rejects = f"tolak-{kind}-{side}.xlsx"
            (settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
            (settings.MEDIA_ROOT / rejects).write_bytes(b"PK")
            jobs[kind, side] = UploadJob.objects.create(
                election=election, user=uploader, kind=kind, file_names=["berkas.xlsx"],
                status=JobStatus.CHECKED, rejects_path=rejects,
            )  # fmt: skip
    return {"users": users, "kurun": kurun, "sepang": sepang, "jobs": jobs}


def target(name: str, side: str, world) -> tuple[str, dict]:
    """The URL (and POST data) of view ``name`` for the "in" or "out" place."""
    region = KURUN if side == "in" else SEPANG
    station = world["kurun"] if side == "in" else world["sepang"]
    tps = station.sirekap_id
    dpt_job = world["jobs"][JobKind.DPT, side].pk
    results_job = world["jobs"][JobKind.RESULTS, side].pk
    urls = {
        "home": (reverse("web:home"), {}),
        "public": (reverse("web:public", args=["uji"]), {}),
        "public-region": (reverse("web:public-region", args=["uji", region]), {}),
        "recap-top": (reverse("web:recap-top", args=["uji"]), {}),
        "recap": (reverse("web:recap", args=["uji", region]), {}),
        "sheet": (reverse("web:sheet", args=["uji", tps]), {}),
        "entry": (reverse("web:entry", args=["uji", tps]), {}),
        "entry-check": (reverse("web:entry-check", args=["uji", tps]), {"votes_1": "5"}),
        "sheet-status": (
            reverse("web:sheet-status", args=["uji", tps]),
            {"aksi": "verifikasi", "versi": "1"},
        ),
        "template": (reverse("web:template", args=["uji"]) + f"?wilayah={region}", {}),
        "recap-download": (
            reverse("web:recap-download", args=["uji"]) + f"?tingkat=desa&wilayah={region}",
            {},
        ),
        "upload": (reverse("web:upload", args=["uji"]), {}),
        "results-history": (reverse("web:results-history", args=["uji"]), {}),
        "results-job": (reverse("web:results-job", args=["uji", results_job]), {}),
        "results-job-decide": (
            reverse("web:results-job-decide", args=["uji", results_job]),
            {"action": "batal"},
        ),
        "results-rejects": (reverse("web:results-rejects", args=["uji", results_job]), {}),
        "dpt": (reverse("web:dpt", args=["uji"]), {}),
        "dpt-region": (reverse("web:dpt-region", args=["uji", region]), {}),
        "dpt-duplicates": (reverse("web:dpt-duplicates", args=["uji"]), {}),
        "dpt-duplicates-download": (reverse("web:dpt-duplicates-download", args=["uji"]), {}),
        "dpt-download": (reverse("web:dpt-download", args=["uji"]) + f"?wilayah={region}", {}),
        "dpt-upload": (reverse("web:dpt-upload", args=["uji"]), {}),
        "dpt-history": (reverse("web:dpt-history", args=["uji"]), {}),
        "dpt-job": (reverse("web:dpt-job", args=["uji", dpt_job]), {}),
        "dpt-job-decide": (
            reverse("web:dpt-job-decide", args=["uji", dpt_job]),
            {"action": "batal"},
        ),
        "dpt-rejects": (reverse("web:dpt-rejects", args=["uji", dpt_job]), {}),
        "users": (reverse("web:users"), {}),
        "witness-upload": (reverse("web:witness-upload"), {}),
        "witness-confirm": (reverse("web:witness-confirm", args=["tidak-ada"]), {}),
        "witness-template": (reverse("web:witness-template"), {}),
        "witness-credentials": (reverse("web:witness-credentials", args=["tidak-ada"]), {}),
    }
    return urls[name]


def outcome(response) -> str:
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    if response.status_code == 403:
        return DENY
    if response.status_code == 404:
        return HIDDEN
    if response.status_code in (200, 302, 400, 409, 422):
        return OK
    return f"HTTP {response.status_code}"


def test_every_view_for_every_role_inside_and_outside_its_scope(world):
    clients = {}
    for role in ROLES:
        clients[role] = Client()
        if role != "anon":
            clients[role].force_login(world["users"][role])
    wrong = []
    for name, (method, expected) in MATRIX.items():
        for role in ROLES:
            for i, side in enumerate(("in", "out")):
                url, data = target(name, side, world)
                client = clients[role]
                refusals = Refusal.objects.count()
                response = client.get(url) if method == "GET" else client.post(url, data)
                got = outcome(response)
                if got != expected[role][i]:
                    wrong.append(f"{name} {role} {side}: {got}, expected {expected[role][i]}")
                if got == DENY and Refusal.objects.count() != refusals + 1:
                    wrong.append(f"{name} {role} {side}: 403 not logged")
    assert wrong == [], "\n".join(wrong)


def test_the_matrix_covers_every_view_of_the_app():
    names = {p.name for p in get_resolver().url_patterns if getattr(p, "name", None)} | {
        p.name
        for r in get_resolver().url_patterns
        if getattr(r, "namespace", None) == "web"
        for p in r.url_patterns
    }
    web_views = {n for n in names if n and n not in ("login", "logout", "set_language")}
    web_views -= {n for n in web_views if not n[0].isalpha()}
    assert len(web_views) >= len(MATRIX) - 1  # the walk found the app's views
    assert web_views - set(MATRIX) == set()
