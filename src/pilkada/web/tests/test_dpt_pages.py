"""The voter-list pages: permission, masked NIK everywhere, recorded full-value downloads."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from pilkada.access.models import Role
from pilkada.audit.models import AccessRecord
from pilkada.core.testing.users import make_user
from pilkada.voters.privacy import mask
from pilkada.voters.tests.factories import add_voters


@pytest.fixture
def listed(election, small_area):
    """Two voters at a TPS in Kurun, one of them again (same NIK) at a TPS in Sepang."""
    kurun = [s for s in small_area if s.desa.code == "62.10.02.1012"][0]
    sepang = small_area[0]
    siti = {"name": "SITI AMINAH", "birth_date": dt.date(1985, 8, 5), "sex": "P"}
    budi = {"name": "BUDI", "birth_date": dt.date(1970, 1, 2), "sex": "L"}
    first = add_voters(election, kurun, [siti, budi])
    add_voters(election, sepang, [{**siti, "nik": first[0].nik}])
    return first


def user_with(*codenames, role=Role.SUPERVISOR):
    """A supervisor of the whole kabupaten (``role=None``: no role), with ``codenames``."""
    return make_user("petugas", role, "62.10" if role else None, perms=codenames)


def test_pages_need_the_read_permission(client, listed):
    client.force_login(user_with(role=None))
    assert client.get("/pemilihan/uji/dpt/").status_code == 403
    assert client.get("/pemilihan/uji/dpt/ganda/").status_code == 403
    assert client.get("/pemilihan/uji/dpt/dpt.xlsx").status_code == 403


def test_stats_drill_down_to_tps(client, listed):
    client.force_login(user_with())
    top = client.get("/pemilihan/uji/dpt/").content.decode()
    assert "3 pemilih" in top and "Kurun" in top
    kec = client.get("/pemilihan/uji/dpt/wilayah/62.10.02/").content.decode()
    assert "2 pemilih" in kec
    tps = client.get("/pemilihan/uji/dpt/wilayah/62.10.02.1012/").content.decode()
    assert "TPS 001" in tps


def test_duplicates_page_masks_nik(client, listed):
    client.force_login(user_with())
    page = client.get("/pemilihan/uji/dpt/ganda/").content.decode()
    assert "SITI AMINAH" in page and mask(listed[0].nik) in page
    assert listed[0].nik not in page
    assert "nik=penuh" not in page  # no full-value link without the permission
    assert client.get("/pemilihan/uji/dpt/ganda.xlsx?nik=penuh").status_code == 403
    assert not AccessRecord.objects.exists()


def test_list_download_masked_by_default_full_only_recorded(client, listed):
    client.force_login(user_with("view_full_nik"))
    masked = client.get("/pemilihan/uji/dpt/dpt.xlsx?wilayah=62.10.02")
    cells = _cells(masked.content)
    assert mask(listed[0].nik) in cells and listed[0].nik not in cells
    assert not AccessRecord.objects.exists()
    full = client.get("/pemilihan/uji/dpt/dpt.xlsx?wilayah=62.10.02&nik=penuh")
    assert listed[0].nik in _cells(full.content)
    record = AccessRecord.objects.get()
    assert (record.username, record.source, record.rows) == ("petugas", "web", 2)


def _cells(content: bytes) -> set:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return {v for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row}
