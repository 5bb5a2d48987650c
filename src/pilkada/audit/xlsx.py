"""The change log as a workbook (``pilkada audit export``): one row per entry, in order."""

from __future__ import annotations

import json

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from pilkada.audit.chain import head
from pilkada.audit.models import ChangeLogEntry

COLUMNS = [
    ("id", lambda: _("No.")),
    ("created_at", lambda: _("Waktu")),
    ("username", lambda: _("Pengguna")),
    ("action", lambda: _("Tindakan")),
    ("entity", lambda: _("Jenis data")),
    ("entity_id", lambda: _("Id data")),
    ("label", lambda: _("Data")),
    ("old", lambda: _("Nilai lama")),
    ("new", lambda: _("Nilai baru")),
    ("source", lambda: _("Sumber")),
    ("source_file", lambda: _("Berkas")),
    ("source_sha256", lambda: _("SHA-256 berkas")),
    ("source_sheet", lambda: _("Lembar")),
    ("source_row", lambda: _("Baris")),
    ("request", lambda: _("Permintaan")),
    ("note", lambda: _("Catatan")),
    ("prev_hash", lambda: _("Hash sebelumnya")),
    ("hash", lambda: _("Hash")),
]


def write_log_workbook(path) -> int:
    """Write every entry; returns how many. Text is always written as text, never a formula."""
    wb = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    bold = wb.add_format({"bold": True})
    ws = wb.add_worksheet(_("Catatan perubahan"))
    current = head()
    ws.write_string(
        0,
        0,
        _("Catatan perubahan Pilkada — dibuat %(when)s — ujung rantai #%(id)s %(hash)s")
        % {
            "when": timezone.localtime().strftime("%d-%m-%Y %H:%M:%S %Z"),
            "id": current.last_id,
            "hash": current.hash,
        },
        bold,
    )
    for c, (_name, title) in enumerate(COLUMNS):
        ws.write_string(2, c, title(), bold)
    ws.freeze_panes(3, 0)
    count = 0
    names = [name for name, _title in COLUMNS]
    for count, values in enumerate(
        ChangeLogEntry.objects.order_by("id").values(*names).iterator(2000), start=1
    ):
        row = 2 + count
        for c, name in enumerate(names):
            value = values[name]
            if value is None or value == "":
                continue
            if name == "created_at":
                value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S.%f")
            elif name in ("old", "new"):
                value = json.dumps(value, ensure_ascii=False, sort_keys=True)
            if isinstance(value, int):
                ws.write_number(row, c, value)
            else:
                ws.write_string(row, c, str(value))
    wb.close()
    return count
