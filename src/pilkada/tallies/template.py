"""The result entry workbook a desk sends to each kecamatan (``pilkada template hasil``).

One sheet per kecamatan, one row per TPS, pre-filled and locked: TPS code, desa, number,
registered voters and the sheet's current version. Editable: one column per box of the form
(canonical headers from ``tallies.headers``, so ``pilkada import hasil`` reads the file back
as it is) and one per candidate pair, with data validation (whole numbers from 0 to the TPS
limit). Check columns hold formulas that say in words which rule R1–R9 a row breaks, so a
typist sees it offline. An instructions sheet comes first; sheets print landscape, fitted to
the page width.
"""

from __future__ import annotations

import re
from collections import defaultdict

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _
from xlsxwriter.utility import xl_col_to_name

from pilkada.elections.selectors import pairs_of
from pilkada.regions.models import Region
from pilkada.tallies.form import CATEGORY_KEYS, FIELDS, LPJ_ROWS, SEXES, field_label
from pilkada.tallies.headers import field_headers, pair_header
from pilkada.tallies.imports import ELECTION_COLUMN, INFO_COLUMNS, TPS_COLUMN, VERSION_COLUMN
from pilkada.tallies.selectors import checked_sheets, stations_within

LABEL_ROW, HEADER_ROW, FIRST_DATA_ROW = 2, 3, 4  # 0-based; rows 0–1: title and stamp
FIXED = (TPS_COLUMN, *INFO_COLUMNS, VERSION_COLUMN, ELECTION_COLUMN)


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:28] or "TPS"
    candidate, n = base, 2
    while candidate.lower() in used:
        candidate, n = f"{base[:25]} {n}", n + 1
    used.add(candidate.lower())
    return candidate


class _Row:
    """Cell references of one data row, by canonical header."""

    def __init__(self, columns: dict[str, int], excel_row: int):
        self.columns, self.n = columns, excel_row

    def __getitem__(self, header: str) -> str:
        return f"{xl_col_to_name(self.columns[header])}{self.n}"


def _checks(headers: dict[str, str], pair_headers: list[str]) -> list[tuple[str, str, object]]:
    """(column title, message in words, condition builder) for rules R1–R9."""

    def entered(r, *names):
        return f"COUNT({','.join(r[n] for n in names)})={len(names)}"

    def h(field):
        return headers[field]

    def r1(r):
        parts = []
        for row in LPJ_ROWS:
            m, w, t = (h(f"{row}_{s}") for s in SEXES)
            parts.append(f"AND({entered(r, m, w, t)},{r[m]}+{r[w]}<>{r[t]})")
        return "OR(" + ",".join(parts) + ")"

    def sums(kind):
        def build(r):
            parts = []
            for sex in SEXES:
                cats = [h(f"{kind}_{c}_{sex}") for c in CATEGORY_KEYS]
                total = h(f"{kind}_all_{sex}")
                parts.append(
                    f"AND({entered(r, *cats, total)},{'+'.join(r[c] for c in cats)}<>{r[total]})"
                )
            return "OR(" + ",".join(parts) + ")"

        return build

    def r4(r):
        parts = []
        for key in (*CATEGORY_KEYS, "all"):
            for sex in SEXES:
                v, g = h(f"voted_{key}_{sex}"), h(f"registered_{key}_{sex}")
                parts.append(f"AND({entered(r, v, g)},{r[v]}>{r[g]})")
        return "OR(" + ",".join(parts) + ")"

    def r5(r):
        valid = h("valid_votes")
        return (
            f"AND({entered(r, *pair_headers, valid)},"
            f"{'+'.join(r[p] for p in pair_headers)}<>{r[valid]})"
        )

    def equal(total, *parts):
        def build(r):
            names = [h(p) for p in parts]
            return (
                f"AND({entered(r, *names, h(total))},"
                f"{'+'.join(r[n] for n in names)}<>{r[h(total)]})"
            )

        return build

    checks = [
        ("cek_r1", _("R1: L + P tidak sama dengan J"), r1),
        ("cek_r2", _("R2: jumlah pemilih terdaftar ≠ jumlah kategori"), sums("registered")),
        ("cek_r3", _("R3: jumlah pengguna hak pilih ≠ jumlah kategori"), sums("voted")),
        ("cek_r4", _("R4: pengguna hak pilih melebihi pemilih terdaftar"), r4),
        (
            "cek_r6",
            _("R6: suara sah + tidak sah ≠ jumlah suara"),
            equal("total_votes", "valid_votes", "invalid_votes"),
        ),
        (
            "cek_r7",
            _("R7: jumlah suara ≠ pengguna hak pilih"),
            equal("voted_all_total", "total_votes"),
        ),
        (
            "cek_r8",
            _("R8: surat suara diterima ≠ rusak + tidak digunakan + digunakan"),
            equal("ballots_received", "ballots_damaged", "ballots_unused", "ballots_used"),
        ),
        (
            "cek_r9",
            _("R9: surat suara digunakan ≠ pengguna hak pilih"),
            equal("voted_all_total", "ballots_used"),
        ),
    ]
    if pair_headers:
        checks.insert(4, ("cek_r5", _("R5: jumlah suara paslon ≠ suara sah"), r5))
    return checks


class NoStations(Exception):
    """The area has no TPS to make a workbook for."""

    def __init__(self):
        super().__init__(_("Tidak ada TPS di wilayah ini; impor TPS lebih dulu."))


def entry_workbook_for(path, election, within: str | None = None) -> int:
    """Write the entry workbook of ``election`` for the TPS under region ``within`` (default:
    the whole election), pre-filled with the stored sheets. Returns the TPS rows written."""
    stations = list(stations_within(election, within).order_by("desa__code", "number"))
    if not stations:
        raise NoStations()
    sheets = {
        c.station.pk: (c.sheet, dict(c.numbers.votes)) for c in checked_sheets(election, within)
    }
    kecamatan = dict(
        Region.objects.filter(code__in={s.desa.code[:8] for s in stations}).values_list(
            "code", "name"
        )
    )
    return write_entry_workbook(
        path,
        election=election,
        pairs=pairs_of(election),
        stations=stations,
        sheets_by_station=sheets,
        kecamatan_names=kecamatan,
    )


def write_entry_workbook(
    path, *, election, pairs, stations, sheets_by_station, kecamatan_names
) -> int:
    """Write the workbook; ``stations`` are PollingStations with ``desa`` loaded,
    ``sheets_by_station`` maps a station id to its (sheet, votes by ballot number).

    Returns the number of TPS rows written.
    """
    headers = field_headers(election.scheme)
    pair_headers = [pair_header(p.number) for p in pairs]
    inputs = [headers[f] for f in FIELDS] + pair_headers
    labels = {headers[f]: field_label(f, election.scheme) for f in FIELDS}
    labels.update({pair_header(p.number): f"{p.number}. {p.display_name}" for p in pairs})
    checks = _checks(headers, pair_headers)
    columns = {name: i for i, name in enumerate([*FIXED, *inputs, *(c[0] for c in checks)])}

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    f = {
        "title": wb.add_format({"bold": True, "font_size": 13}),
        "label": wb.add_format(
            {
                "bold": True,
                "text_wrap": True,
                "valign": "top",
                "bg_color": "#DDE6F0",
                "border": 1,
                "font_size": 9,
            }
        ),
        "header": wb.add_format({"font_color": "#555555", "font_size": 8, "border": 1}),
        "fixed": wb.add_format({"bg_color": "#F2F2F2", "border": 1, "num_format": "@"}),
        "input": wb.add_format({"locked": False, "border": 1, "bg_color": "#FFFDE7"}),
        "check": wb.add_format({"font_color": "#B3261E", "border": 1}),
    }
    stamp = _("%(election)s — dibuat %(when)s") % {
        "election": election.name,
        "when": timezone.localtime().strftime("%d-%m-%Y %H:%M:%S %Z"),
    }
    _instructions(wb, f, election, stamp)
    limit = election.voter_limit
    by_kecamatan = defaultdict(list)
    for station in stations:
        by_kecamatan[station.desa.code[:8]].append(station)
    names = kecamatan_names
    used: set[str] = {_("petunjuk")}
    for kec in sorted(by_kecamatan):
        ws = wb.add_worksheet(_sheet_name(names.get(kec) or kec, used))
        ws.write_string(0, 0, stamp, f["title"])
        ws.write_string(
            1, 0, _("Kecamatan %(name)s (%(code)s)") % {"name": names.get(kec, ""), "code": kec}
        )
        # Not "Kode TPS": that is an alias of kode_tps and would make this the header row.
        fixed_labels = [
            _("TPS (Sirekap)"),
            _("Desa/Kelurahan"),
            _("Nomor TPS"),
            _("DPT data TPS"),
            _("Versi formulir"),
            _("Kode pemilihan"),
        ]
        for name, col in columns.items():
            label = dict(zip(FIXED, fixed_labels, strict=True)).get(name) or labels.get(name)
            label = label or next(c[1] for c in checks if c[0] == name)
            ws.write_string(LABEL_ROW, col, label, f["label"])
            ws.write_string(HEADER_ROW, col, name, f["header"])
        for i, station in enumerate(by_kecamatan[kec]):
            r = FIRST_DATA_ROW + i
            sheet, votes = sheets_by_station.get(station.pk, (None, {}))
            ws.write_string(r, 0, station.sirekap_id, f["fixed"])
            ws.write_string(r, 1, station.desa.name, f["fixed"])
            ws.write_string(r, 2, station.number, f["fixed"])
            ws.write_number(r, 3, station.registered_total, f["fixed"])
            if sheet is not None:
                ws.write_number(r, 4, sheet.version, f["fixed"])
            else:
                ws.write_blank(r, 4, None, f["fixed"])
            ws.write_string(r, 5, election.code, f["fixed"])
            for name in inputs:
                col = columns[name]
                value = _current(sheet, votes, name, headers)
                if value is None:
                    ws.write_blank(r, col, None, f["input"])
                else:
                    ws.write_number(r, col, value, f["input"])
            row_refs = _Row(columns, r + 1)
            for name, message, build in checks:
                ws.write_formula(
                    r, columns[name], f'=IF({build(row_refs)},"{message}","")', f["check"], ""
                )
        last = FIRST_DATA_ROW + len(by_kecamatan[kec]) - 1
        first_input, last_input = columns[inputs[0]], columns[inputs[-1]]
        ws.data_validation(
            FIRST_DATA_ROW,
            first_input,
            last,
            last_input,
            {
                "validate": "integer",
                "criteria": "between",
                "minimum": 0,
                "maximum": limit + limit // 10,
                "error_title": _("Angka tidak sah"),
                "error_message": _("Isi bilangan bulat 0 sampai %(max)d.")
                % {"max": limit + limit // 10},
            },
        )
        ws.set_column(0, 0, 15)
        ws.set_column(1, 1, 20)
        ws.set_column(2, 4, 8)
        ws.set_column(5, 5, 16)
        ws.set_column(first_input, last_input, 9)
        ws.set_column(last_input + 1, last_input + len(checks), 28)
        ws.set_row(LABEL_ROW, 60)
        ws.freeze_panes(FIRST_DATA_ROW, 3)
        ws.protect("", {"format_columns": True, "format_rows": True, "autofilter": True})
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(LABEL_ROW, HEADER_ROW)
        ws.set_header("&L" + stamp.replace("&", "&&"))
    wb.close()
    return len(stations)


def _current(sheet, votes: dict[int, int], header: str, headers: dict[str, str]):
    if sheet is None:
        return None
    if header.startswith("suara_paslon_"):
        return votes.get(int(header.rsplit("_", 1)[1]))
    field = next(f for f, h in headers.items() if h == header)
    return getattr(sheet, field)


def _instructions(wb, f, election, stamp: str) -> None:
    ws = wb.add_worksheet(_("Petunjuk"))
    lines = [
        stamp,
        "",
        _("Cara mengisi buku kerja hasil TPS (formulir C.Hasil)"),
        _("1. Setiap lembar berisi satu kecamatan; setiap baris satu TPS."),
        _("2. Isi hanya sel berwarna kuning, salin angka dari formulir C.Hasil TPS."),
        _("3. Kosongkan sel yang belum diketahui: sel kosong berarti belum diisi, bukan nol."),
        _("4. Kolom pemeriksaan (merah) menyebut aturan yang dilanggar baris itu."),
        _("5. Jangan mengubah kode TPS, nama kolom, atau urutan lembar."),
        _(
            "6. Kirim kembali berkas ini; impor dengan: pilkada import hasil --election %(code)s "
            "BERKAS"
        )
        % {"code": election.code},
    ]
    if election.is_simulated:
        lines.insert(1, _("DATA SIMULASI — bukan data pemilihan sebenarnya."))
    for i, text in enumerate(lines):
        ws.write_string(i, 0, text, f["title"] if i in (0, 2) else None)
    ws.set_column(0, 0, 110)
    ws.protect()
