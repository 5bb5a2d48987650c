"""One recap export for the command line and the web: the data read once, then written as
the KPU-layout workbook (Rekap, Temuan, Lampiran TPS) or as CSV."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from pilkada.elections.models import Election
from pilkada.elections.selectors import pairs_of
from pilkada.recap.report import FormLine, form_lines, tps_headers, tps_rows
from pilkada.recap.selectors import RecapWithSheets, election_recap_with_sheets, region_names
from pilkada.recap.xlsx import write_recap_csv, write_recap_workbook


@dataclass(frozen=True)
class RecapExport:
    election: Election
    data: RecapWithSheets
    title: str
    columns: list[str]
    lines: list[FormLine]
    ballot_numbers: tuple[int, ...]


def prepare(election: Election, *, within: str | None, level: str) -> RecapExport:
    """Read and compute everything an export writes; raises ``RecapError`` for a bad scope."""
    # The TPS and sheets the recap reads are kept for the Temuan and Lampiran sheets.
    data = election_recap_with_sheets(election, within=within, level=level)
    recap = data.recap
    names = region_names(recap)
    pairs = pairs_of(election)
    columns = [
        f"{names.get(r.code, '')} ({r.code})".strip() if names.get(r.code) else r.code
        for r in recap.rows
    ]
    area = f"{names.get(recap.within, '')} ({recap.within})" if recap.within else election.area_name
    title = _("Rekapitulasi hasil %(area)s per %(level)s") % {"area": area, "level": level}
    return RecapExport(
        election,
        data,
        title,
        columns,
        form_lines(recap, election.scheme, pairs),
        tuple(p.number for p in pairs),
    )


def to_csv(export: RecapExport, stream) -> None:
    write_recap_csv(stream, columns=export.columns, lines=export.lines)


def to_xlsx(export: RecapExport, path) -> None:
    scheme, numbers, data = export.election.scheme, export.ballot_numbers, export.data
    write_recap_workbook(
        path,
        election=export.election,
        title=export.title,
        columns=export.columns,
        lines=export.lines,
        findings=[c for c in data.checked if c.findings],
        tps_headers=tps_headers(scheme, numbers),
        tps_rows=tps_rows(data.stations, data.checked, scheme, numbers),
    )
