"""A recap as a report: rows of plain values, independent of the output format."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from pilkada.core.numbers import format_percent
from pilkada.recap.compute import Recap, RecapRow
from pilkada.regions import codes
from pilkada.tallies.form import FIELDS, field_label
from pilkada.tallies.headers import field_headers, pair_header
from pilkada.tallies.imports import TPS_COLUMN

TPS_INFO_COLUMNS = ("desa", "nomor_tps")  # read and left alone by the result import


def row_dict(row: RecapRow, name: str, ballot_numbers) -> dict:
    """A JSON-ready description of one recap row (shares as exact decimal strings)."""
    shares = row.shares
    turnout = row.turnout
    return {
        "kode": row.code,
        "nama": name,
        "tps_total": row.tps_total,
        "tps_masuk": row.tps_reported,
        "formulir": row.sheets,
        "formulir_bermasalah": row.sheets_with_errors,
        "dpt_tps": row.registered,
        "suara": {str(n): row.votes.get(n, 0) for n in ballot_numbers},
        "persentase": {str(n): str(shares[n]) if n in shares else None for n in ballot_numbers},
        "partisipasi": str(turnout) if turnout is not None else None,
        "isian": {f: row.fields[f] for f in FIELDS if f in row.fields},
    }


def recap_dict(recap: Recap, names: dict[str, str]) -> dict:
    return {
        "wilayah": recap.within,
        "nama_wilayah": names.get(recap.within, ""),
        "tingkat": recap.level,
        "nomor_urut": list(recap.ballot_numbers),
        "baris": [row_dict(r, names.get(r.code, ""), recap.ballot_numbers) for r in recap.rows],
        "jumlah": row_dict(recap.total, names.get(recap.within, ""), recap.ballot_numbers),
    }


def flat_headers(ballot_numbers) -> list[str]:
    return (
        ["kode", "nama", "tps_masuk", "tps_total", "dpt_tps"]
        + [f"suara_paslon_{n}" for n in ballot_numbers]
        + [f"persen_paslon_{n}" for n in ballot_numbers]
        + [
            "suara_sah",
            "suara_tidak_sah",
            "pengguna_hak_pilih",
            "partisipasi",
            "formulir_bermasalah",
        ]
    )


def flat_row(row: RecapRow, name: str, ballot_numbers, *, display: bool) -> list:
    """One row for a table (``display``: Indonesian-formatted percentages) or CSV (exact)."""
    shares, turnout = row.shares, row.turnout

    def pct(value):
        if value is None:
            return ""
        return format_percent(value) if display else str(value)

    return (
        [row.code, name, row.tps_reported, row.tps_total, row.registered]
        + [row.votes.get(n, 0) for n in ballot_numbers]
        + [pct(shares.get(n)) for n in ballot_numbers]
        + [
            row.valid_total,
            row.fields.get("invalid_votes", ""),
            row.fields.get("voted_all_total", ""),
            pct(turnout),
            row.sheets_with_errors,
        ]
    )


@dataclass(frozen=True)
class FormLine:
    """One row of a recap in the layout of the KPU recap forms (D.Hasil-KWK).

    ``values`` holds one number per child region and ``total`` the total column; ``kind`` is
    ``count`` (an int, summed across) or ``share`` (a Decimal fraction, not summed).
    ``share_of`` names the count lines a share is computed from (numerator, denominator),
    so a writer can express it as a formula.
    """

    label: str
    kind: str
    values: list
    total: object
    share_of: tuple[int, int] | None = None
    pair: int | None = None  # the ballot number, on a pair's vote line


def form_lines(recap: Recap, scheme, pairs) -> list[FormLine]:
    """The recap as the form's rows down the side, children across, total at the end."""
    rows, total = recap.rows, recap.total
    lines: list[FormLine] = []

    def count(label, getter, pair=None):
        lines.append(FormLine(label, "count", [getter(r) for r in rows], getter(total), pair=pair))
        return len(lines) - 1

    count(_("Jumlah TPS"), lambda r: r.tps_total)
    count(_("TPS masuk"), lambda r: r.tps_reported)
    count(_("DPT menurut data TPS"), lambda r: r.registered)
    for name in FIELDS:
        if any(name in r.fields for r in rows):
            count(field_label(name, scheme), lambda r, n=name: r.fields.get(n, 0))
    vote_lines = {}
    for pair in pairs:
        vote_lines[pair.number] = count(
            _("Suara %(n)d. %(name)s") % {"n": pair.number, "name": pair.display_name},
            lambda r, n=pair.number: r.votes.get(n, 0),
            pair=pair.number,
        )
    valid = count(_("Jumlah suara sah paslon"), lambda r: r.valid_total)
    for pair in pairs:
        lines.append(
            FormLine(
                _("Persentase %(n)d. %(name)s") % {"n": pair.number, "name": pair.display_name},
                "share",
                [r.shares.get(pair.number) for r in rows],
                total.shares.get(pair.number),
                share_of=(vote_lines[pair.number], valid),
            )
        )
    lines.append(FormLine(_("Partisipasi"), "share", [r.turnout for r in rows], total.turnout))
    lines.append(
        FormLine(
            _("Formulir dengan kesalahan"),
            "count",
            [r.sheets_with_errors for r in rows],
            total.sheets_with_errors,
        )
    )
    return lines


def tps_headers(scheme, ballot_numbers) -> list[str]:
    """Headers of the TPS appendix: the flat result layout that ``pilkada import hasil`` reads
    (TPS id, desa, TPS number, one column per box of the form, one per pair)."""
    return [
        TPS_COLUMN,
        *TPS_INFO_COLUMNS,
        *field_headers(scheme).values(),
        *(pair_header(n) for n in ballot_numbers),
    ]


def tps_rows(stations, checked, scheme, ballot_numbers) -> Iterator[tuple[list[str], list]]:
    """One row per TPS of ``stations``, in their order: its text cells (TPS id, desa name, TPS
    number) and its numbers in the order of :func:`tps_headers` (None: box not entered)."""
    fields = list(field_headers(scheme))
    by_station = {c.station.pk: c.numbers for c in checked}
    empty = [None] * (len(fields) + len(ballot_numbers))
    for station in stations:
        desa = station.desa
        texts = [codes.sirekap_tps_id(desa.code, station.number), desa.name, station.number]
        numbers = by_station.get(station.pk)
        if numbers is None:
            yield texts, empty
        else:
            yield texts, [*map(numbers.fields.get, fields), *map(numbers.votes.get, ballot_numbers)]
