"""Shared shapes of the import pipeline's back half: problems, summaries, rejection."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from pilkada.audit.chain import Origin
from pilkada.dataio.errors import FileError
from pilkada.dataio.isolated import parse_isolated


@dataclass(frozen=True)
class RowProblem:
    """A problem a service found in row ``index`` (position in the rows it was given)."""

    index: int
    column: str
    message: str


def file_notes(ignored_columns: list[str], skipped_sheets: list[tuple[str, str]]) -> str:
    """What an import left unread in the file: unknown columns and sheets without a header."""
    text = ""
    if ignored_columns:
        text += " " + _("Kolom diabaikan: %(c)s.") % {"c": ", ".join(ignored_columns)}
    for sheet, reason in skipped_sheets:
        text += " " + _("Lembar '%(s)s' tidak dibaca: %(r)s.") % {"s": sheet, "r": reason}
    return text


@dataclass
class ImportSummary:
    """What an import did (or, in a dry run, would do)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_total_rows: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    skipped_sheets: list[tuple[str, str]] = field(default_factory=list)  # (sheet, reason)

    def describe(self) -> str:
        text = _("%(c)d baru, %(u)d diubah, %(n)d tidak berubah.") % {
            "c": self.created,
            "u": self.updated,
            "n": self.unchanged,
        }
        if self.skipped_total_rows:
            text += " " + _("%(n)d baris JUMLAH/TOTAL dilewati.") % {"n": self.skipped_total_rows}
        return text + file_notes(self.ignored_columns, self.skipped_sheets)


MAX_MESSAGES = 1000


class ImportRejected(Exception):
    """A file that was not imported at all; ``messages`` name file, sheet, cell and problem."""

    def __init__(self, messages: list[str]):
        self.count = len(messages)
        self.messages = messages[:MAX_MESSAGES]
        if self.count > MAX_MESSAGES:
            self.messages.append(
                _("… dan %(n)d kesalahan lain.") % {"n": self.count - MAX_MESSAGES}
            )
        super().__init__("\n".join(self.messages))


def file_sha256(path) -> str:
    """The SHA-256 of a file's bytes, as the change log records an import's source."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class _DryRun(Exception):
    """Raised inside the transaction of a dry run so that everything is rolled back."""


def parse_or_reject(spec, path, *, isolated: bool = False):
    """Parse a file with ``spec``; any cell error, or no data row at all, rejects the file.

    ``isolated``: parse in a child process with memory and time limits (uploads to the web
    server; see :mod:`pilkada.dataio.isolated`).
    """
    if isolated:
        try:
            result = parse_isolated(spec, Path(path))
        except FileError as exc:
            raise ImportRejected([str(exc)]) from None
    else:
        result = spec.parse_file(Path(path))
    if result.errors:
        raise ImportRejected([str(e) for e in result.errors])
    if not result.rows:
        raise ImportRejected(
            [_("%(f)s: tidak ada baris data di bawah judul kolom.") % {"f": result.file}]
        )
    return result


def run_import(
    path,
    spec,
    validate: Callable[[list[dict]], list[RowProblem]],
    upsert: Callable[..., ImportSummary],
    *,
    dry_run: bool = False,
    isolated: bool = False,
) -> ImportSummary:
    """The back half of every import: parse, validate all rows, then one upsert, which is
    given the file's :class:`~pilkada.audit.chain.Origin` for the change log.

    Nothing is written unless every cell parses and every row validates; a dry run does the
    whole upsert inside a transaction and rolls it back, so its summary is exact.
    """
    result = parse_or_reject(spec, path, isolated=isolated)
    rows = [r.values for r in result.rows]
    problems = validate(rows)
    if problems:
        raise ImportRejected(
            [result.describe(result.rows[p.index], p.column, p.message) for p in problems]
        )
    origin = Origin(
        source="file",
        file=result.file,
        sha256=file_sha256(path),
        locations=[(r.location.sheet, r.location.row) for r in result.rows],
    )
    summary = ImportSummary()
    try:
        with transaction.atomic():
            summary = upsert(rows, origin=origin)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    summary.skipped_total_rows = len(result.skipped_total_rows)
    summary.ignored_columns = list(result.ignored_columns)
    summary.skipped_sheets = list(result.skipped_sheets)
    return summary
