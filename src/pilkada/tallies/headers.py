"""Canonical spreadsheet headers of the result form's boxes, per voter scheme.

The flat result layout (one row per TPS) names each box with a lower-case Indonesian header:
``dpt_l`` … ``dpt`` for the DPT row, ``php_dpt`` for voters from the DPT who voted,
``pengguna_hak_pilih`` for all who voted, ``suara_paslon_1`` for pair 1's votes, and so on.
Category headers follow the election's scheme (``dptb``/``dpk`` in 2024, ``dpph``/``dptb`` in
2018/2020). Pure: no database.
"""

from __future__ import annotations

from pilkada.tallies.form import BALLOT_FIELDS, CATEGORY_KEYS, SEXES, VOTE_TOTAL_FIELDS, VoterScheme

SEX_SUFFIX = {"men": "_l", "women": "_p", "total": ""}

SINGLE_HEADERS = {
    "ballots_received": "surat_suara_diterima",
    "ballots_damaged": "surat_suara_rusak",
    "ballots_unused": "surat_suara_tidak_digunakan",
    "ballots_used": "surat_suara_digunakan",
    "valid_votes": "suara_sah",
    "invalid_votes": "suara_tidak_sah",
    "total_votes": "suara_total",
}

ALIASES = {
    "suara_sah": ("jumlah suara sah",),
    "suara_tidak_sah": ("jumlah suara tidak sah",),
    "suara_total": ("jumlah suara sah dan tidak sah", "jumlah suara"),
    "pengguna_hak_pilih": ("php", "jumlah pengguna hak pilih"),
    "pemilih": ("jumlah pemilih",),
}

PAIR_PREFIX = "suara_paslon_"


def _row_headers(scheme: VoterScheme) -> dict[str, str]:
    """Header stem of every L/P/J row."""
    stems = {}
    for key, name in zip(CATEGORY_KEYS, scheme.categories, strict=True):
        stems[f"registered_{key}"] = name.lower()
        stems[f"voted_{key}"] = f"php_{name.lower()}"
    stems["registered_all"] = "pemilih"
    stems["voted_all"] = "pengguna_hak_pilih"
    stems["disabled_registered"] = "disabilitas"
    stems["disabled_voted"] = "php_disabilitas"
    return stems


def field_headers(scheme: VoterScheme) -> dict[str, str]:
    """Form field name → canonical header, in form order."""
    headers = {}
    for row, stem in _row_headers(scheme).items():
        for sex in SEXES:
            headers[f"{row}_{sex}"] = stem + SEX_SUFFIX[sex]
    for name in BALLOT_FIELDS + VOTE_TOTAL_FIELDS:
        headers[name] = SINGLE_HEADERS[name]
    return headers


def pair_header(number: int) -> str:
    return f"{PAIR_PREFIX}{number}"
