"""A recap as a report: rows of plain values, independent of the output format."""

from __future__ import annotations

from pilkada.core.numbers import format_percent
from pilkada.recap.compute import Recap, RecapRow
from pilkada.tallies.form import FIELDS


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
