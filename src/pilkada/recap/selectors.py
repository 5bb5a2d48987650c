"""Recaps of an election read from the database and rolled up by ``recap.compute``."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.utils.translation import gettext as _

from pilkada.elections.models import Election
from pilkada.recap.compute import RECAP_LEVELS, Recap, SheetRecord, Station, rollup
from pilkada.regions import codes
from pilkada.regions.models import PollingStation, Region
from pilkada.tallies.selectors import CheckedSheet, ballot_numbers, checked_sheets, stations_within


class RecapError(ValueError):
    """A recap request that cannot be answered; ``str()`` is the Indonesian message."""


def validate_area(election: Election, within: str | None) -> str:
    """A region code inside the election's area that exists (default: the whole area)."""
    within = (within or election.area_code).strip()
    valid = within == "" or codes.is_valid_code(within)
    if not valid or not codes.is_within(within, election.area_code):
        raise RecapError(
            _("Wilayah '%(code)s' tidak berada dalam wilayah pemilihan %(election)s (%(area)s).")
            % {"code": within, "election": election.name, "area": election.area_name}
        )
    if within and not Region.objects.filter(code=within).exists():
        raise RecapError(_("Wilayah dengan kode '%(code)s' tidak ada.") % {"code": within})
    return within


def validate_scope(election: Election, within: str | None, level: str) -> str:
    """The region code to recap, checked against the election's area and the level."""
    within = validate_area(election, within)
    if level not in RECAP_LEVELS:
        raise RecapError(
            _("Tingkat '%(level)s' tidak dikenal; pilih salah satu: %(levels)s")
            % {"level": level, "levels": ", ".join(RECAP_LEVELS)}
        )
    depth = RECAP_LEVELS.index(level)
    if within and depth <= within.count("."):
        raise RecapError(
            _("Tingkat %(level)s harus di bawah tingkat wilayah %(code)s.")
            % {"level": level, "code": within}
        )
    return within


@dataclass(frozen=True)
class RecapWithSheets:
    """A recap and what it was computed from: every TPS of the area (ordered by desa code,
    then TPS number) and every sheet with its numbers and findings (in the same order)."""

    recap: Recap
    stations: list[PollingStation]
    checked: list[CheckedSheet]


def election_recap_with_sheets(
    election: Election,
    *,
    within: str | None = None,
    level: str,
    statuses: Collection[str] | None = None,
) -> RecapWithSheets:
    """The recap, keeping the TPS and checked sheets it read (for a writer that lists them
    too, without reading them again). A fixed number of queries whatever the area's size.

    ``statuses``: count only the sheets whose status is one of these (``SheetStatus`` values),
    e.g. only verified sheets for a public page; ``None`` (the default) counts every sheet.
    The other sheets are left out entirely (also from ``checked``): their TPS stay in the
    recap as TPS without a sheet, not reported.
    """
    within = validate_scope(election, within, level)
    stations = list(stations_within(election, within).order_by("desa__code", "number"))
    checked = checked_sheets(election, within, stations=stations)
    if statuses is not None:
        wanted = frozenset(statuses)
        checked = [c for c in checked if c.sheet.status in wanted]
    recap = rollup(
        [Station(s.desa.code, s.number, s.registered_total) for s in stations],
        [
            SheetRecord(c.station.desa.code, c.station.number, c.numbers, c.has_errors)
            for c in checked
        ],
        within=within,
        level=level,
        ballot_numbers=ballot_numbers(election),
    )
    return RecapWithSheets(recap, stations, checked)


def election_recap(
    election: Election,
    *,
    within: str | None = None,
    level: str,
    statuses: Collection[str] | None = None,
) -> Recap:
    """The recap of ``within`` at ``level``; ``statuses`` as in ``election_recap_with_sheets``."""
    return election_recap_with_sheets(election, within=within, level=level, statuses=statuses).recap


def region_names(recap: Recap) -> dict[str, str]:
    """Names of the regions a recap's rows and total refer to, by code."""
    wanted = {recap.within} | {r.code for r in recap.rows if r.code[2:3] in ("", ".")}
    return dict(Region.objects.filter(code__in=wanted).values_list("code", "name"))
