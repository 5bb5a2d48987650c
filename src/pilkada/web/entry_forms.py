"""The result-entry form of one TPS: one input per box of the paper C.Hasil form.

Field names are those of :mod:`pilkada.tallies.form` (``registered_1_men`` …) plus
``votes_<n>`` for the valid votes of pair ``n``. Every box is a non-negative whole number
or empty ("not entered", never zero). Each box also has a short code as on the paper form
(``I.1``, ``IV.3``) that error messages and findings use to point at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from pilkada.tallies.form import (
    FIELDS,
    LPJ_ROWS,
    SECTIONS,
    SEX_LABELS,
    SEXES,
    SheetNumbers,
    VoterScheme,
    field_label,
    row_label,
)

MAX_BOX = 2_147_483_647  # the largest value a PositiveIntegerField holds on every database

SEX_WORDS = {
    "men": pgettext_lazy("sex", "Laki-laki"),
    "women": pgettext_lazy("sex", "Perempuan"),
    "total": pgettext_lazy("sex", "Jumlah"),
}

VERSION_FIELD = "versi"
REASON_FIELD = "alasan"


def vote_field(number: int) -> str:
    """The form field of pair ``number``'s valid votes."""
    return f"votes_{number}"


def field_for_key(key: str) -> str:
    """The form field of a ``Finding.fields``/``diff_numbers`` key (``votes:2`` → ``votes_2``)."""
    if key.startswith("votes:"):
        return vote_field(int(key.split(":", 1)[1]))
    return key


def pair_label(pair) -> str:
    return _("Suara sah paslon nomor urut %(n)d (%(name)s)") % {
        "n": pair.number,
        "name": pair.display_name,
    }


class BoxField(forms.Field):
    """One box: empty (``None``) or a whole number from 0 to :data:`MAX_BOX`.

    Only ASCII digits are accepted: "1.234" or "12,5" are refused rather than guessed.
    """

    widget = forms.TextInput

    def __init__(self, *, box: str, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.box = box

    def widget_attrs(self, widget):
        return {
            **super().widget_attrs(widget),
            "inputmode": "numeric",
            "pattern": "[0-9]*",
            "autocomplete": "off",
            "maxlength": "10",
        }

    def to_python(self, value):
        text = (value or "").strip() if isinstance(value, str) else value
        if text in self.empty_values:
            return None
        text = str(text)
        if not (text.isascii() and text.isdigit()):
            raise ValidationError(
                _("Kotak %(box)s: harus bilangan bulat ≥ 0.") % {"box": self.box}, code="invalid"
            )
        number = int(text)
        if number > MAX_BOX:
            raise ValidationError(
                _("Kotak %(box)s: angka terlalu besar.") % {"box": self.box}, code="max_value"
            )
        return number


@dataclass
class Cell:
    bound: forms.BoundField
    sex: str | None  # "men", "women", "total"; None for a single-value row
    sex_word: str = ""
    sex_letter: str = ""


@dataclass
class Row:
    name: str  # the L/P/J row or the single field
    code: str  # "I.1"
    label: str
    cells: list[Cell] = field(default_factory=list)

    @property
    def dom_id(self) -> str:
        return f"row-{self.name}"


@dataclass
class Section:
    key: str
    title: str
    lpj: bool
    rows: list[Row] = field(default_factory=list)


def _layout_rows(pairs) -> list[tuple[str, str, str, str, list[tuple[str, str | None]]]]:
    """(section key, section title, row name, box code, [(field, sex)]) in paper-form order."""
    out = []
    for key, title, rows in SECTIONS:
        entries = []
        if key == "IV":  # votes per pair come first in section IV, then the totals
            entries += [(f"pair-{p.number}", [(vote_field(p.number), None)]) for p in pairs]
        for row in rows:
            if row in LPJ_ROWS:
                entries.append((row, [(f"{row}_{sex}", sex) for sex in SEXES]))
            else:
                entries.append((row, [(row, None)]))
        for index, (row, fields) in enumerate(entries, start=1):
            out.append((key, title, row, f"{key}.{index}", fields))
    return out


class SheetEntryForm(forms.Form):
    """Every box of one TPS's form, the version the user read, and a reason for the change."""

    def __init__(self, *args, election, pairs, **kwargs):
        super().__init__(*args, **kwargs)
        self.scheme: VoterScheme = election.scheme
        self.pairs = list(pairs)
        self.boxes: dict[str, str] = {}  # field name → "I.1 Laki-laki"
        self._sections: list[tuple] = _layout_rows(self.pairs)
        by_number = {p.number: p for p in self.pairs}
        for _key, _title, _row, code, cells in self._sections:
            for name, sex in cells:
                box = f"{code} {SEX_WORDS[sex]}" if sex else code
                self.boxes[name] = box
                if name.startswith("votes_"):
                    label = pair_label(by_number[int(name.split("_", 1)[1])])
                else:
                    label = field_label(name, self.scheme)
                self.fields[name] = BoxField(box=box, label=label)
        self.fields[VERSION_FIELD] = forms.IntegerField(
            required=False,
            min_value=1,
            widget=forms.HiddenInput,
            error_messages={"invalid": gettext_lazy("Versi formulir yang dibaca tidak sah.")},
        )
        self.fields[REASON_FIELD] = forms.CharField(
            required=False,
            max_length=1000,
            label=gettext_lazy("Alasan koreksi"),
            widget=forms.Textarea(attrs={"rows": 2}),
        )

    @classmethod
    def initial_for(cls, numbers: SheetNumbers | None, version: int | None) -> dict:
        """Initial values showing a stored sheet (or an empty form for a new one)."""
        initial: dict = {VERSION_FIELD: version}
        if numbers is not None:
            initial.update({f: numbers.get(f) for f in FIELDS})
            initial.update({vote_field(n): v for n, v in numbers.votes.items()})
        return initial

    def box_fields(self) -> list[str]:
        return list(self.boxes)

    def numbers(self) -> SheetNumbers:
        """The boxes as numbers; boxes that failed validation count as not entered."""
        data = getattr(self, "cleaned_data", {})
        return SheetNumbers(
            fields={f: data.get(f) for f in FIELDS},
            votes={p.number: data.get(vote_field(p.number)) for p in self.pairs},
        )

    def box_errors(self) -> list[str]:
        """Every box's errors, in form order (the messages already name the box)."""
        return [str(e) for name in self.boxes for e in self.errors.get(name, [])]

    def box_of(self, key: str) -> str:
        """The box code of a ``Finding.fields`` key, e.g. ``I.1 Laki-laki``."""
        return self.boxes.get(field_for_key(key), key)

    def sections(self) -> list[Section]:
        """The boxes grouped as on the paper form, ready for the template."""
        out: list[Section] = []
        titles = {key: title for key, title, _rows in SECTIONS}
        by_number = {p.number: p for p in self.pairs}
        for key, _title, row, code, cells in self._sections:
            if not out or out[-1].key != key:
                out.append(Section(key=key, title=str(titles[key]), lpj=key in _LPJ_SECTIONS))
            if row.startswith("pair-"):
                label = pair_label(by_number[int(row.split("-", 1)[1])])
            elif row in LPJ_ROWS:
                label = row_label(row, self.scheme)
            else:
                label = field_label(row, self.scheme)
            out[-1].rows.append(
                Row(
                    name=row,
                    code=code,
                    label=label,
                    cells=[
                        Cell(
                            bound=self[name],
                            sex=sex,
                            sex_word=str(SEX_WORDS[sex]) if sex else "",
                            sex_letter=str(SEX_LABELS[sex]) if sex else "",
                        )
                        for name, sex in cells
                    ],
                )
            )
        return out


_LPJ_SECTIONS = frozenset(key for key, _title, rows in SECTIONS if set(rows) & set(LPJ_ROWS))
