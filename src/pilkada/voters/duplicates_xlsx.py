"""The duplicate-voter report as a workbook: the pairs ("Pemilih ganda") and what the tiers mean
("Ringkasan"). NIKs are masked unless full values are asked for, allowed, and recorded."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from pilkada.core.numbers import format_int
from pilkada.voters import privacy
from pilkada.voters.duplicates import (
    GROUP_CAP,
    TIER_MEANINGS,
    TIERS,
    DuplicateReport,
)

FULL_NIK_ACTION = "export_duplicates_full_nik"
# One voter's columns: the frame's field, its header, its width; written once per side.
SIDE = [
    ("nik", lambda: _("NIK"), 19),
    ("name", lambda: _("Nama"), 30),
    ("birth_date", lambda: _("Tanggal lahir"), 13),
    ("birth_place", lambda: _("Tempat lahir"), 18),
    ("sex", lambda: _("Jenis kelamin"), 8),
    ("tps", lambda: _("TPS"), 15),
    ("list_number", lambda: _("No. urut"), 8),
    ("region_name", lambda: _("Desa/kelurahan"), 22),
]
LEAD = [
    ("tier", lambda: _("Tingkat"), 8),
    ("score", lambda: _("Skor"), 7),
    ("reason", lambda: _("Alasan"), 48),
]


def write_duplicates_workbook(
    report: DuplicateReport, path, *, full_nik: bool = False, user=None, source: str = "cli"
) -> int:
    """Write ``report`` to ``path``; returns the pairs written.

    ``full_nik`` needs ``privacy.may_see_full(user)`` (``user`` None: the command line) and is
    recorded as an access before a byte is written, so that a failed write is over-recorded
    rather than a written file unrecorded. Text is never read as a formula or a link.
    """
    pairs = report.pairs
    if full_nik:
        if not privacy.may_see_full(user):
            raise PermissionDenied(_("Anda tidak berhak melihat NIK lengkap."))
        people = pairs["id_a"].append(pairs["id_b"])
        privacy.record_access(
            action=FULL_NIK_ACTION,
            subject=_("pemilih ganda %(election)s %(region)s → %(file)s")
            % {
                "election": report.election.code,
                "region": report.region_code or report.election.area_code,
                "file": Path(path).name,
            },
            rows=people.n_unique(),
            user=user,
            source=source,
        )
    wb = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    formats = {
        "bold": wb.add_format({"bold": True}),
        "head": wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1}),
        "group": wb.add_format({"bold": True, "align": "center", "border": 1}),
        "date": wb.add_format({"num_format": "dd-mm-yyyy"}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
    }
    written = _pairs_sheet(wb, formats, report, full_nik)
    _summary_sheet(wb, formats, report, full_nik)
    wb.close()
    return written


def _pairs_sheet(wb, formats, report: DuplicateReport, full_nik: bool) -> int:
    ws = wb.add_worksheet(_("Pemilih ganda"))
    pairs = report.pairs
    side = [(f, h, w) for f, h, w in SIDE if f"{f}_a" in pairs.columns or f == "region_name"]
    columns = LEAD + [(f"{f}_a", h, w) for f, h, w in side] + [(f"{f}_b", h, w) for f, h, w in side]
    for c, (_field, _title, width) in enumerate(columns):
        ws.set_column(c, c, width)
    first_b = len(LEAD) + len(side)
    ws.merge_range(0, len(LEAD), 0, first_b - 1, _("Pemilih A"), formats["group"])
    ws.merge_range(0, first_b, 0, len(columns) - 1, _("Pemilih B"), formats["group"])
    for c, (_field, title, _width) in enumerate(columns):
        ws.write_string(1, c, title(), formats["head"])
    ws.freeze_panes(2, 0)
    names = [field for field, _title, _width in columns]
    fallback = {"region_name_a": "region_a", "region_name_b": "region_b"}
    present = [n if n in pairs.columns else fallback[n] for n in names]
    show = (lambda v: v) if full_nik else privacy.mask
    row = 1
    for row, values in enumerate(pairs.select(present).iter_rows(), start=2):
        for c, (name, value) in enumerate(zip(names, values, strict=True)):
            if value is None or value == "":
                continue
            if name.startswith("nik_"):
                ws.write_string(row, c, show(value))
            elif name.startswith("birth_date_"):
                ws.write_datetime(row, c, value, formats["date"])
            elif isinstance(value, int):
                ws.write_number(row, c, value)
            else:
                ws.write_string(row, c, str(value))
    ws.autofilter(1, 0, row, len(columns) - 1)
    ws.activate()
    return row - 1


def _summary_sheet(wb, formats, report: DuplicateReport, full_nik: bool) -> None:
    ws = wb.add_worksheet(_("Ringkasan"))
    ws.set_column(0, 0, 14)
    ws.set_column(1, 1, 70)
    ws.set_column(2, 2, 16)
    election = report.election
    if report.region_code:
        area = f"{report.region_code} {report.region_name}".strip()
    else:
        area = f"{election.area_code} {election.area_name}".strip()
    lines = [
        _("Pemilih ganda (DPT ganda) — %(election)s") % {"election": election.name},
        _("Wilayah: %(area)s") % {"area": area},
        _("Pemilih diperiksa: %(n)s") % {"n": format_int(report.voters)},
        _("NIK lengkap (aksesnya dicatat)")
        if full_nik
        else _("NIK disamarkan: empat digit terakhir ditulis ****"),
        _("Dibuat: %(when)s") % {"when": timezone.localtime().strftime("%d-%m-%Y %H:%M %Z")},
    ]
    for r, text in enumerate(lines):
        ws.write_string(r, 0, text, formats["bold"] if r == 0 else None)
    top = len(lines) + 1
    for c, title in enumerate((_("Tingkat"), _("Arti"), _("Jumlah pasangan"))):
        ws.write_string(top, c, title, formats["head"])
    for r, tier in enumerate(TIERS, start=top + 1):
        ws.write_number(r, 0, tier)
        ws.write_string(r, 1, str(TIER_MEANINGS[tier]), formats["wrap"])
        ws.write_number(r, 2, report.counts.get(tier, 0))
    notes = [
        _(
            "Skor 0–100: kemiripan nama setelah ejaan, gelar dan spasi diseragamkan; +5 bila "
            "tempat lahir sama, -10 bila berbeda, -15 bila jenis kelamin berbeda, -20 bila "
            "tanggal lahir berbeda. Makin tinggi, makin mungkin orang yang sama."
        ),
        _(
            "Setiap pasangan perlu diperiksa di lapangan sebelum pemilih dicoret. NIK yang "
            "dipakai lebih dari %(cap)s pemilih ditulis sebagai pasangan setiap anggotanya "
            "dengan anggota pertama."
        )
        % {"cap": GROUP_CAP},
    ]
    for r, text in enumerate(notes, start=top + len(TIERS) + 2):
        ws.write_string(r, 0, text)
