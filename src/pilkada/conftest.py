"""Fixtures shared by every app's tests."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils import translation

from pilkada.audit.seal import allow_flush
from pilkada.demo.generate import region_rows
from pilkada.elections.services import create_election, upsert_pairs
from pilkada.regions.models import PollingStation, Region
from pilkada.regions.services import upsert_regions, upsert_stations

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True, scope="session")
def immediate_tasks():
    """Background jobs run at once, inside the test that enqueues them: no worker needed.
    Tests of the real database queue override ``TASKS`` with the database backend and run
    the worker themselves (``web/tests/test_dpt_upload.py``)."""
    with override_settings(TASKS=IMMEDIATE_TASKS):
        yield


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts and ends in the default language (Indonesian).

    The language middleware and ``translation.activate`` set the language of the whole
    thread; without this, one test's request in English would make the next one English.
    """
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def log_flushable(request):
    """Transactional tests end by emptying every table with DELETE, which SQLite's change-log
    trigger refuses; let those tests' flush through (see ``audit.seal``). The flag stays set
    until the next test's set-up, because the flush runs after every fixture of the test has
    been torn down. Tests of the seal itself are ordinary (rolled-back) tests: sealed."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    allow_flush(bool(transactional))


@pytest.fixture(autouse=True)
def dashboards_follow_at_once(settings):
    """Tests see a dashboard change as soon as the data does (the lag has its own test)."""
    settings.PILKADA_DASHBOARD_LAG = 0


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters and cached pages live in process memory: each test starts with
    none (ids repeat across rolled-back tests, so a cached page could be another test's)."""
    from django.core.cache import caches

    caches["ratelimit"].clear()
    caches["default"].clear()


@pytest.fixture
def demo(db):
    """The simulated Gunung Mas demo election, loaded through the services."""
    from pilkada.demo.load import load_demo

    election, _ = load_demo(voters=False)
    return election


@pytest.fixture
def gumas_regions(db) -> None:
    """The official regions of Kabupaten Gunung Mas (shipped with the package)."""
    upsert_regions([{"kode": r["kode"], "nama": r["nama"]} for r in region_rows()])


@pytest.fixture
def small_area(gumas_regions) -> list[PollingStation]:
    """Five TPS in two kecamatan (Sepang, Kurun) with known voter counts."""
    upsert_stations(
        [
            {"kode_desa": "62.10.01.1001", "nomor_tps": "001", "dpt_l": 100, "dpt_p": 110},
            {"kode_desa": "62.10.01.1001", "nomor_tps": "002", "dpt_l": 120, "dpt_p": 90},
            {"kode_desa": "62.10.01.2002", "nomor_tps": "001", "dpt_l": 200, "dpt_p": 210},
            {"kode_desa": "62.10.02.1012", "nomor_tps": "001", "dpt_l": 150, "dpt_p": 160},
            {"kode_desa": "62.10.02.1012", "nomor_tps": "002", "dpt_l": 130, "dpt_p": 140},
        ]
    )
    return list(PollingStation.objects.select_related("desa").order_by("desa__code", "number"))


@pytest.fixture
def election(gumas_regions):
    """A bupati election over Gunung Mas with two candidate pairs."""
    e = create_election(
        name="Pemilihan Bupati Uji",
        kind="bupati",
        region_code="62.10",
        polling_date="2024-11-27",
        code="uji",
    )
    upsert_pairs(
        e,
        [
            {
                "nomor_urut": 1,
                "nama_calon": "Calon Satu",
                "nama_wakil": "Wakil Satu",
                "partai": "Partai A",
            },
            {"nomor_urut": 2, "nama_calon": "Calon Dua", "nama_wakil": "Wakil Dua", "partai": ""},
        ],
    )
    return e


@pytest.fixture
def region(db):
    def make(code: str, name: str = "Wilayah Uji") -> Region:
        from pilkada.regions.codes import level_of

        return Region.objects.create(code=code, name=name, level=level_of(code))

    return make
