"""Reads of the voter list: statistics per region, for every recap level.

The numbers come from one aggregate query grouped by polling station (plus one for the TPS of
the area and one for region names); the roll-up to regions is plain Python over those per-TPS
counts (:func:`rollup`), so the query count does not grow with the number of regions or TPS.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q

from pilkada.elections.models import Election
from pilkada.recap.compute import RECAP_LEVELS
from pilkada.recap.selectors import validate_scope
from pilkada.regions import codes
from pilkada.regions.models import Region
from pilkada.regions.selectors import within_q
from pilkada.tallies.selectors import stations_within
from pilkada.voters.models import Disability, Sex, Voter

STATS_LEVELS = RECAP_LEVELS
"""The same level names as ``pilkada recap --level``: provinsi, kabkota, kecamatan, desa, tps."""

FIRST_TIME_AGE_LIMIT = 22
"""A voter younger than this on polling day is a first-time voter (pemilih pemula): five years
earlier, at the previous election of the same kind, they were at most 16 and could not vote."""


def years_before(day: dt.date, years: int) -> dt.date:
    """``day`` moved back ``years`` calendar years; 29 February becomes 28 February.

    Someone born on 29 February has their birthday on 1 March in other years (as
    ``voters.cells.age_on`` counts it), so on ``years_before(day, n)`` or earlier is exactly
    "at least ``n`` years old on ``day``", in leap years too.
    """
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February into a year without one
        return day.replace(year=day.year - years, day=28)


def first_time_born_after(polling_day: dt.date) -> dt.date:
    """First-time voters are those born *after* this day: younger than 22 on polling day.

    That is the 17-21-year-olds, plus the rare married voter under 17 (married voters may vote
    at any age, and they too could not vote five years earlier). Comparing birth dates with one
    fixed day works the same on SQLite and PostgreSQL, unlike SQL date arithmetic.
    """
    return years_before(polling_day, FIRST_TIME_AGE_LIMIT)


@dataclass
class VoterCounts:
    """Counts of one region (or TPS) of the voter statistics, or of their total."""

    code: str
    """Region code; for level ``tps`` the Sirekap TPS id (``6210021012003``), as in the recap."""
    name: str = ""
    tps: int = 0
    """TPS of the region in the TPS registry."""
    tps_with_voters: int = 0
    """TPS of the region that have at least one voter on the list."""
    voters: int = 0
    men: int = 0
    women: int = 0
    disability: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Disability.values, 0))
    """Voters per ``Disability`` category (every category present, in the choices' order)."""
    first_time: int = 0
    """First-time voters: born after ``first_time_born_after(polling day)``."""
    registry_men: int = 0
    """``PollingStation.registered_men`` summed: the TPS registry's DPT, for comparison."""
    registry_women: int = 0

    @property
    def disabled(self) -> int:
        """Voters with any disability."""
        return sum(self.disability.values())

    @property
    def registry_voters(self) -> int:
        return self.registry_men + self.registry_women

    @property
    def difference(self) -> int:
        """Voters on the list minus the TPS registry's DPT (0 when they agree)."""
        return self.voters - self.registry_voters

    def add(self, other: VoterCounts) -> None:
        self.tps += other.tps
        self.tps_with_voters += other.tps_with_voters
        self.voters += other.voters
        self.men += other.men
        self.women += other.women
        for key, value in other.disability.items():
            self.disability[key] += value
        self.first_time += other.first_time
        self.registry_men += other.registry_men
        self.registry_women += other.registry_women


@dataclass(frozen=True)
class StationCounts:
    """One TPS with its registry numbers and the counts of its voters (all 0 without any)."""

    desa_code: str
    number: str
    name: str
    counts: VoterCounts


@dataclass
class VoterStats:
    """Voter statistics of one region at one level: a row per region (or TPS), and the total."""

    level: str
    within: str
    """The region code the statistics cover (``""``: a national election's whole area)."""
    polling_day: dt.date
    first_time_born_after: dt.date
    rows: list[VoterCounts]
    """One row per region at ``level`` that has a TPS in the registry, sorted by code."""
    total: VoterCounts


def rollup(stations: Iterable[StationCounts], *, level: str) -> list[VoterCounts]:
    """Sum per-TPS counts into one row per region at ``level`` (or per TPS), sorted by code.

    Pure: no database. A region appears when it has a TPS among ``stations``.
    """
    if level not in STATS_LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {STATS_LEVELS}")
    segments = STATS_LEVELS.index(level) + 1
    rows: dict[str, VoterCounts] = {}
    for station in stations:
        if level == "tps":
            code = codes.sirekap_tps_id(station.desa_code, station.number)
        else:
            code = ".".join(station.desa_code.split(".")[:segments])
        row = rows.get(code)
        if row is None:
            row = rows[code] = VoterCounts(code, name=station.name if level == "tps" else "")
        row.add(station.counts)
    return [rows[code] for code in sorted(rows)]


def _combined(code: str, name: str, rows: Iterable[VoterCounts]) -> VoterCounts:
    total = VoterCounts(code, name=name)
    for row in rows:
        total.add(row)
    return total


def voter_stats(election: Election, *, within: str | None = None, level: str) -> VoterStats:
    """The voter list of ``election`` counted per region at ``level`` under ``within``
    (default: the election's whole area); raises ``RecapError`` for a region outside the area,
    an unknown region or a level not below it (same rules as the recap).

    Per row: TPS in the registry and TPS with voters, voters by sex, per disability category,
    first-time voters (see :func:`first_time_born_after`), and the registry's DPT by sex.
    Four queries whatever the size of the area.
    """
    within = validate_scope(election, within, level)
    born_after = first_time_born_after(election.polling_date)
    per_station = (
        Voter.objects.filter(within_q("polling_station__desa__code", within), election=election)
        .order_by()
        .values("polling_station_id")
        .annotate(
            voters=Count("id"),
            men=Count("id", filter=Q(sex=Sex.MAN)),
            women=Count("id", filter=Q(sex=Sex.WOMAN)),
            first_time=Count("id", filter=Q(birth_date__gt=born_after)),
            **{
                f"disability_{value}": Count("id", filter=Q(disability=value))
                for value in Disability.values
            },
        )
    )
    by_station = {row["polling_station_id"]: row for row in per_station}
    stations = []
    for station in stations_within(election, within).order_by("desa__code", "number"):
        counts = VoterCounts(
            "",
            tps=1,
            registry_men=station.registered_men,
            registry_women=station.registered_women,
        )
        found = by_station.get(station.pk)
        if found is not None and found["voters"]:
            counts.tps_with_voters = 1
            counts.voters, counts.men, counts.women = found["voters"], found["men"], found["women"]
            counts.first_time = found["first_time"]
            counts.disability = {v: found[f"disability_{v}"] for v in Disability.values}
        stations.append(StationCounts(station.desa.code, station.number, str(station), counts))
    rows = rollup(stations, level=level)
    # by prefix and level rather than a list of codes: a province has thousands of desa
    wanted = Q(code=within) | (within_q("code", within) & Q(level=level))
    names = dict(Region.objects.filter(wanted).values_list("code", "name"))
    for row in rows:
        row.name = row.name or names.get(row.code, "")
    area_name = names.get(within, "") if within else election.area_name
    return VoterStats(
        level=level,
        within=within,
        polling_day=election.polling_date,
        first_time_born_after=born_after,
        rows=rows,
        total=_combined(within, area_name, rows),
    )
