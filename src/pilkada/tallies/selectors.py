"""Reads of result sheets: numbers in bulk and rule findings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from pilkada.elections.models import Election
from pilkada.regions.models import PollingStation
from pilkada.regions.selectors import within_q
from pilkada.tallies.form import FIELDS, SheetNumbers
from pilkada.tallies.models import PairVote, TallySheet
from pilkada.tallies.rules import Finding, RuleContext, check_sheet


@dataclass(frozen=True)
class CheckedSheet:
    sheet: TallySheet
    station: PollingStation
    numbers: SheetNumbers
    findings: list[Finding]

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)


def stations_within(election: Election, within: str | None = None):
    """The TPS of an election's area (optionally only those under region ``within``)."""
    scope = within_q("desa__code", within or election.area_code)
    return PollingStation.objects.filter(scope).select_related("desa")


def ballot_numbers(election: Election) -> tuple[int, ...]:
    return tuple(election.pairs.order_by("number").values_list("number", flat=True))


def rule_context(election: Election, station: PollingStation, numbers: tuple[int, ...]):
    return RuleContext(
        scheme=election.scheme,
        voter_limit=election.voter_limit,
        reserve_percent=election.reserve_percent,
        ballot_numbers=numbers,
        tps_registered=station.registered_total,
    )


def checked_sheets(
    election: Election, within: str | None = None, *, stations: Iterable | None = None
) -> list[CheckedSheet]:
    """Every sheet of the election (under ``within``) with its numbers and findings.

    Three queries whatever the number of sheets: sheets with their TPS, all votes, pairs.
    ``stations``: the TPS of the same area, already read with their desa (``stations_within``);
    the sheets then take their TPS from there instead of reading them a second time.
    """
    code = within or election.area_code
    query = TallySheet.objects.filter(
        within_q("polling_station__desa__code", code), election=election
    ).order_by("polling_station__desa__code", "polling_station__number")
    if stations is None:
        sheets = list(query.select_related("polling_station__desa"))
    else:
        by_id = {station.pk: station for station in stations}
        sheets = list(query)
        for sheet in sheets:
            sheet.polling_station = by_id[sheet.polling_station_id]
    votes: dict[int, dict[int, int]] = defaultdict(dict)
    for sheet_id, number, count in PairVote.objects.filter(
        within_q("sheet__polling_station__desa__code", code), sheet__election=election
    ).values_list("sheet_id", "pair__number", "votes"):
        votes[sheet_id][number] = count
    numbers_of_pairs = ballot_numbers(election)
    result = []
    for sheet in sheets:
        numbers = SheetNumbers(
            fields={f: getattr(sheet, f) for f in FIELDS}, votes=votes.get(sheet.pk, {})
        )
        station = sheet.polling_station
        findings = check_sheet(numbers, rule_context(election, station, numbers_of_pairs))
        result.append(CheckedSheet(sheet, station, numbers, findings))
    return result


def finding_rows(checked: list[CheckedSheet], *, errors_only: bool = False) -> list[tuple]:
    """One row per finding: TPS code, desa, TPS number, rule, kind in words, message."""
    return [
        (
            c.station.sirekap_id,
            c.station.desa.name,
            c.station.number,
            f.rule,
            _("kesalahan") if f.severity == "error" else _("peringatan"),
            f.message,
        )
        for c in checked
        for f in c.findings
        if not errors_only or f.severity == "error"
    ]


def finding_headers() -> list[str]:
    return [_("Kode TPS"), _("Desa/Kelurahan"), _("TPS"), _("Aturan"), _("Jenis"), _("Pesan")]


def sheet_history(sheet: TallySheet):
    return sheet.revisions.select_related("created_by").order_by("version")
