"""Shared shapes of the import pipeline's back half: problems, summaries, rejection."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class RowProblem:
    """A problem a service found in row ``index`` (position in the rows it was given)."""

    index: int
    column: str
    message: str


@dataclass
class ImportSummary:
    """What an import did (or, in a dry run, would do)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_total_rows: int = 0
    ignored_columns: list[str] = field(default_factory=list)

    def describe(self) -> str:
        text = _("%(c)d baru, %(u)d diubah, %(n)d tidak berubah.") % {
            "c": self.created,
            "u": self.updated,
            "n": self.unchanged,
        }
        if self.skipped_total_rows:
            text += " " + _("%(n)d baris JUMLAH/TOTAL dilewati.") % {"n": self.skipped_total_rows}
        if self.ignored_columns:
            text += " " + _("Kolom diabaikan: %(c)s.") % {"c": ", ".join(self.ignored_columns)}
        return text


class ImportRejected(Exception):
    """A file that was not imported at all; ``messages`` name file, sheet, cell and problem."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))
