"""The polling-station result form (C.Hasil-KWK, "C1-KWK" until 2018) as plain data.

This module is pure: it knows the form's sections, rows and fields and the voter-category
schemes, and nothing about the database. Rules, recap arithmetic, readers and writers all
speak in the field names defined here, so one word means one box on the paper form.

Every "L/P/J" row of the form becomes three fields: ``<row>_men`` (L), ``<row>_women`` (P)
and ``<row>_total`` (J). The three voter categories are numbered 1..3 because their names
change with the election year (see ``SCHEMES``); ``all`` is the form's "jumlah" row.
A value of ``None`` means "not entered", never zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

SEXES = ("men", "women", "total")
SEX_LABELS = {
    "men": pgettext_lazy("L/P/J", "L"),
    "women": pgettext_lazy("L/P/J", "P"),
    "total": pgettext_lazy("L/P/J", "J"),
}

CATEGORY_KEYS = ("1", "2", "3")


@dataclass(frozen=True)
class VoterScheme:
    """The three voter categories of one election year, in form order."""

    code: str
    categories: tuple[str, str, str]
    descriptions: tuple[str, str, str]


SCHEMES: dict[str, VoterScheme] = {
    "2018": VoterScheme(
        "2018",
        ("DPT", "DPPh", "DPTb"),
        (
            _("Daftar Pemilih Tetap"),
            _("Daftar Pemilih Pindahan"),
            _("Daftar Pemilih Tambahan (pemilih dengan KTP-el)"),
        ),
    ),
    "2024": VoterScheme(
        "2024",
        ("DPT", "DPTb", "DPK"),
        (
            _("Daftar Pemilih Tetap"),
            _("Daftar Pemilih Tambahan (pindahan)"),
            _("Daftar Pemilih Khusus (pemilih dengan KTP-el)"),
        ),
    ),
}

# Rows of section I and II that carry L/P/J.
REGISTERED_ROWS = tuple(f"registered_{c}" for c in CATEGORY_KEYS) + ("registered_all",)
VOTED_ROWS = tuple(f"voted_{c}" for c in CATEGORY_KEYS) + ("voted_all",)
DISABLED_ROWS = ("disabled_registered", "disabled_voted")
LPJ_ROWS = REGISTERED_ROWS + VOTED_ROWS + DISABLED_ROWS

BALLOT_FIELDS = ("ballots_received", "ballots_damaged", "ballots_unused", "ballots_used")
VOTE_TOTAL_FIELDS = ("valid_votes", "invalid_votes", "total_votes")

LPJ_FIELDS = tuple(f"{row}_{sex}" for row in LPJ_ROWS for sex in SEXES)
FIELDS: tuple[str, ...] = LPJ_FIELDS + BALLOT_FIELDS + VOTE_TOTAL_FIELDS
"""Every numeric box on the form except the per-pair votes, in form order."""

SECTIONS = (
    ("I", _("Data pemilih dan pengguna hak pilih"), REGISTERED_ROWS + VOTED_ROWS),
    ("II", _("Data pemilih disabilitas"), DISABLED_ROWS),
    ("III", _("Data penggunaan surat suara"), BALLOT_FIELDS),
    ("IV", _("Data suara sah dan tidak sah"), VOTE_TOTAL_FIELDS),
)


@dataclass(frozen=True)
class SheetNumbers:
    """The numbers on one form: ``fields`` by field name, ``votes`` by ballot number.

    Absent keys and ``None`` values both mean "not entered".
    """

    fields: Mapping[str, int | None] = field(default_factory=dict)
    votes: Mapping[int, int | None] = field(default_factory=dict)

    def get(self, name: str) -> int | None:
        return self.fields.get(name)

    def as_dict(self) -> dict:
        """A JSON-ready snapshot (ballot numbers become strings)."""
        fields = self.fields
        return {
            "fields": {k: v for k in FIELDS if (v := fields.get(k)) is not None},
            "votes": {str(k): v for k, v in sorted(self.votes.items()) if v is not None},
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> SheetNumbers:
        return cls(
            fields=dict(data.get("fields", {})),
            votes={int(k): v for k, v in data.get("votes", {}).items()},
        )


def row_label(row: str, scheme: VoterScheme) -> str:
    """Indonesian label of an L/P/J row or a single field, as printed on the form."""
    if row.startswith(("registered_", "voted_")):
        kind, key = row.split("_", 1)
        what = _("Pemilih terdaftar") if kind == "registered" else _("Pengguna hak pilih")
        if key == "all":
            total = _("jumlah")  # a literal call, so that makemessages finds it
            return f"{what} — {total}"
        return f"{what} {scheme.categories[int(key) - 1]}"
    return str(FIELD_LABELS[row])


FIELD_LABELS = {
    "disabled_registered": _("Pemilih disabilitas terdaftar"),
    "disabled_voted": _("Pemilih disabilitas yang menggunakan hak pilih"),
    "ballots_received": _("Surat suara diterima (termasuk cadangan)"),
    "ballots_damaged": _("Surat suara dikembalikan karena rusak/keliru coblos"),
    "ballots_unused": _("Surat suara tidak digunakan"),
    "ballots_used": _("Surat suara digunakan"),
    "valid_votes": _("Jumlah suara sah"),
    "invalid_votes": _("Jumlah suara tidak sah"),
    "total_votes": _("Jumlah suara sah dan tidak sah"),
}


def field_label(name: str, scheme: VoterScheme) -> str:
    """Indonesian label of one field, e.g. ``Pemilih terdaftar DPT (L)``."""
    for sex in SEXES:
        suffix = f"_{sex}"
        if name.endswith(suffix) and name[: -len(suffix)] in LPJ_ROWS:
            return f"{row_label(name[: -len(suffix)], scheme)} ({SEX_LABELS[sex]})"
    return str(FIELD_LABELS[name])


def merge_numbers(old: SheetNumbers, new: SheetNumbers) -> SheetNumbers:
    """``new`` laid over ``old``: boxes ``new`` leaves unentered keep their old value."""
    fields = {k: v for k, v in old.fields.items() if v is not None}
    fields.update({k: v for k, v in new.fields.items() if v is not None})
    votes = {k: v for k, v in old.votes.items() if v is not None}
    votes.update({k: v for k, v in new.votes.items() if v is not None})
    return SheetNumbers(fields=fields, votes=votes)


def diff_numbers(old: SheetNumbers, new: SheetNumbers) -> list[tuple[str, int | None, int | None]]:
    """Boxes whose value differs, as (key, old, new); pair votes are keyed ``votes:<n>``."""
    before, after = old.fields, new.fields
    changes = [(f, before.get(f), after.get(f)) for f in FIELDS if before.get(f) != after.get(f)]
    for n in sorted(set(old.votes) | set(new.votes)):
        if old.votes.get(n) != new.votes.get(n):
            changes.append((f"votes:{n}", old.votes.get(n), new.votes.get(n)))
    return changes
