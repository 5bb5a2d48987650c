"""Recap arithmetic (rekapitulasi berjenjang) as pure functions: no database, no models.

A recap sums the result sheets of an election's polling stations (TPS) region by region, at one
level below the region it covers: per kabupaten/kota, kecamatan, desa or per TPS. Rule R15 says
every recap level is the sum of its children, row by row; here that holds by construction,
because a total is ``combine`` of its rows and ``combine`` is plain addition of every counter.

Numbers:

- Counts are ``int``. A form field that no sheet of a row entered is *absent* from
  ``RecapRow.fields`` (never 0), like ``None`` on a sheet means "not entered".
- Shares and turnout are ``Decimal`` and are not rounded for display; use ``format_percent``
  for that. They are computed exactly with integers/``Fraction`` and only then turned into
  ``Decimal``: exact whenever the fraction has a short enough decimal expansion, otherwise
  within 10**-28 (shares, which then still add up to exactly 1, see ``RecapRow.shares``) or to
  28 significant digits (turnout, ``TURNOUT_CONTEXT``). ``RecapRow.turnout_fraction`` is exact.

Regions are identified by their Kemendagri codes (``pilkada.regions.codes``): a row's key is the
prefix of a station's desa code with as many segments as the level has. Only regions that have
at least one station among the stations passed in appear as rows: ``rollup`` has no region list,
so a desa without a TPS in the registry is simply not there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Context, Decimal
from fractions import Fraction

from pilkada.regions import codes
from pilkada.tallies.form import FIELDS, SheetNumbers

RECAP_LEVELS = (*codes.LEVELS, "tps")
"""Levels a recap's rows can be at; ``tps`` means one row per polling station."""

SHARE_PLACES = 28
"""Decimal places of ``RecapRow.shares``.

28 places keep every share and every partial sum of shares (all in [0, 1]) within 28
significant digits, so adding shares up under Python's default decimal context (precision 28)
is exact and the sum is exactly 1.
"""

TURNOUT_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)
"""Turnout is exact when it has at most 28 significant digits, else correctly rounded to 28."""

NATIONAL = ""
"""``within`` for a recap of every station passed in (e.g. per provinsi); its total's code."""

_VOTED = "voted_all_total"
_REGISTERED = "registered_all_total"


@dataclass(frozen=True)
class Station:
    """One polling station (TPS) of the election's area."""

    desa_code: str
    """Dotted desa/kelurahan code, e.g. ``62.10.02.1012``."""
    number: str
    """TPS number as text, e.g. ``003``; must be spelt as on the sheets (no normalising here)."""
    registered: int
    """Registered voters (DPT count in the TPS registry)."""


@dataclass(frozen=True)
class SheetRecord:
    """One result sheet (C.Hasil-KWK) of one station."""

    desa_code: str
    number: str
    numbers: SheetNumbers
    has_errors: bool
    """Whether the rule checks found errors (computed by the caller)."""


@dataclass
class RecapRow:
    """One row (or the total) of a recap: sums over the stations of one region or one TPS."""

    code: str
    """Region code, or for level ``tps`` the Sirekap TPS id (``6210021012003``)."""
    fields: dict[str, int] = field(default_factory=dict)
    """Sum per form field over the sheets that entered it, in form order; never-entered fields
    are absent."""
    votes: dict[int, int] = field(default_factory=dict)
    """Sum of valid votes per ballot number over the sheets that entered a vote for it, in
    ballot-number order; a ballot number no sheet entered is absent."""
    tps_total: int = 0
    """Stations in this row's area."""
    tps_reported: int = 0
    """Stations whose sheet has a vote entered for every ballot number of the election (with no
    ballot numbers at all, every station with a sheet)."""
    sheets: int = 0
    """Stations with any sheet at all (even one that carries only some votes)."""
    sheets_with_errors: int = 0
    registered: int = 0
    """Sum of ``Station.registered`` (the TPS registry's DPT, not the forms')."""
    turnout_voted: int = 0
    """Sum of ``voted_all_total`` over sheets that entered both it and ``registered_all_total``."""
    turnout_registered: int = 0
    """Sum of ``registered_all_total`` over the same sheets."""

    @property
    def valid_total(self) -> int:
        """Sum of the valid votes of every pair."""
        return sum(self.votes.values())

    @property
    def shares(self) -> dict[int, Decimal]:
        """Each pair's share of the valid votes, ``votes[n] / valid_total``; empty without votes.

        The shares add up to exactly ``Decimal(1)``. A share that has a terminating decimal
        expansion within ``SHARE_PLACES`` places (e.g. 3/8) is exact. Others (e.g. 1/3) cannot
        be an exact ``Decimal``: the exact fractions are cut at ``SHARE_PLACES`` places and the
        missing units of the last place go to the largest remainders (ties: lower ballot
        number), so each share is within 10**-28 of the exact fraction and the sum stays 1.
        Trailing zeros are stripped (1/2 is ``Decimal("0.5")``).
        """
        total = self.valid_total
        if total <= 0 or any(v < 0 for v in self.votes.values()):
            # Nothing to share, or nonsense input (negative votes) where a share means nothing.
            return {}
        scale = 10**SHARE_PLACES
        units: dict[int, int] = {}
        remainders: list[tuple[int, int]] = []
        for number in sorted(self.votes):
            whole, rest = divmod(self.votes[number] * scale, total)
            units[number] = whole
            remainders.append((-rest, number))
        missing = scale - sum(units.values())  # < number of nonzero remainders
        for _rest, number in sorted(remainders)[:missing]:
            units[number] += 1
        return {n: _decimal(u, SHARE_PLACES) for n, u in units.items()}

    @property
    def turnout_fraction(self) -> Fraction | None:
        """Exact turnout, ``turnout_voted / turnout_registered``; None when nothing to divide."""
        if self.turnout_registered == 0:
            return None
        return Fraction(self.turnout_voted, self.turnout_registered)

    @property
    def turnout(self) -> Decimal | None:
        """Turnout as a ``Decimal`` (see ``TURNOUT_CONTEXT``); None when no sheet entered both
        the registered and the voted totals (or they add up to no registered voters)."""
        exact = self.turnout_fraction
        if exact is None:
            return None
        return TURNOUT_CONTEXT.divide(Decimal(exact.numerator), Decimal(exact.denominator))


@dataclass
class Recap:
    """The rows of one region's recap at one level, and their total."""

    level: str
    """Level of the rows: ``provinsi``, ``kabkota``, ``kecamatan``, ``desa`` or ``tps``."""
    within: str
    """The region code the recap covers (``NATIONAL`` for all stations passed in); the rows are
    its descendants at ``level``."""
    ballot_numbers: tuple[int, ...]
    rows: list[RecapRow]
    """One row per region (or TPS) at ``level`` that has a station, sorted by code."""
    total: RecapRow
    """``combine(within, rows)``."""


def _decimal(units: int, places: int) -> Decimal:
    """``units * 10**-places`` as an exact Decimal with trailing zeros stripped."""
    if units == 0:
        return Decimal(0)
    while places > 0 and units % 10 == 0:
        units //= 10
        places -= 1
    sign = 1 if units < 0 else 0
    return Decimal((sign, tuple(int(d) for d in str(abs(units))), -places))


def _everywhere(code: str) -> bool:
    return True


def _row_key_function(within: str, level: str):
    """A function from a station to the code of its recap row at ``level``."""
    if level not in RECAP_LEVELS:
        raise ValueError(f"unknown recap level {level!r}; expected one of {RECAP_LEVELS}")
    if within != NATIONAL and not codes.is_valid_code(within):
        raise ValueError(f"invalid region code {within!r}")
    if within != NATIONAL and RECAP_LEVELS.index(level) <= within.count("."):
        raise ValueError(f"level {level!r} is not below the level of {within!r}")
    if level == "tps":
        return lambda desa_code, number: codes.sirekap_tps_id(desa_code, number)
    segments = RECAP_LEVELS.index(level) + 1
    cache: dict[str, str] = {}

    def key(desa_code: str, number: str) -> str:
        code = cache.get(desa_code)
        if code is None:
            code = cache[desa_code] = ".".join(desa_code.split(".")[:segments])
        return code

    return key


def rollup(
    stations: Iterable[Station],
    sheets: Iterable[SheetRecord],
    *,
    within: str,
    level: str,
    ballot_numbers: Sequence[int],
) -> Recap:
    """Sum ``sheets`` per region (or TPS) at ``level`` under ``within``.

    Stations and sheets outside ``within`` are ignored (``within=NATIONAL`` keeps them all).
    Every region at ``level`` that has a station under ``within`` gets a row, even without any
    sheet (zeros, nothing reported); regions without stations do not appear (``rollup`` only
    knows the stations it is given).

    Raises ``ValueError`` for a malformed ``within`` or a ``level`` not below it, for a station
    whose code is not a desa code or that is listed twice, and for a sheet under ``within`` with
    no matching station, a second sheet for the same station or a vote for a ballot number
    not in ``ballot_numbers``: all of those are caller errors that would make the sums wrong.

    Linear: one pass over the stations, one over the sheets, then one sort of the rows.
    """
    ballot_numbers = tuple(ballot_numbers)
    ballot_set = frozenset(ballot_numbers)
    row_key = _row_key_function(within, level)
    if within == NATIONAL:
        inside = _everywhere
    else:

        def inside(code: str) -> bool:
            return codes.is_within(code, within)

    rows: dict[str, RecapRow] = {}
    station_rows: dict[tuple[str, str], RecapRow] = {}
    for station in stations:
        desa_code = station.desa_code
        if not inside(desa_code):
            continue
        if desa_code.count(".") != 3 or not codes.is_valid_code(desa_code):
            raise ValueError(f"station {desa_code} TPS {station.number}: not a desa code")
        ident = (desa_code, station.number)
        if ident in station_rows:
            raise ValueError(f"station {desa_code} TPS {station.number} is listed twice")
        code = row_key(desa_code, station.number)
        row = rows.get(code)
        if row is None:
            row = rows[code] = RecapRow(code)
        row.tps_total += 1
        row.registered += station.registered
        station_rows[ident] = row

    seen: set[tuple[str, str]] = set()
    for sheet in sheets:
        ident = (sheet.desa_code, sheet.number)
        row = station_rows.get(ident)
        if row is None:
            if inside(sheet.desa_code):
                raise ValueError(
                    f"sheet for {sheet.desa_code} TPS {sheet.number} has no matching station"
                )
            continue
        if ident in seen:
            raise ValueError(f"two sheets for {sheet.desa_code} TPS {sheet.number}")
        seen.add(ident)

        numbers = sheet.numbers
        row.sheets += 1
        if sheet.has_errors:
            row.sheets_with_errors += 1

        sums = row.fields
        entered = numbers.fields
        for name, value in entered.items():
            if value is not None:
                sums[name] = sums.get(name, 0) + value
        voted, registered = entered.get(_VOTED), entered.get(_REGISTERED)
        if voted is not None and registered is not None:
            row.turnout_voted += voted
            row.turnout_registered += registered

        votes = row.votes
        complete = 0
        for number, value in numbers.votes.items():
            if value is None:
                continue
            if number not in ballot_set:
                raise ValueError(
                    f"sheet for {sheet.desa_code} TPS {sheet.number} has votes for ballot "
                    f"number {number!r}, not one of {ballot_numbers}"
                )
            votes[number] = votes.get(number, 0) + value
            complete += 1
        if complete == len(ballot_set):  # keys are unique, so every ballot number has a vote
            row.tps_reported += 1

    ordered = [_in_form_order(rows[code]) for code in sorted(rows)]
    return Recap(
        level=level,
        within=within,
        ballot_numbers=ballot_numbers,
        rows=ordered,
        total=combine(within, ordered),
    )


def _in_form_order(row: RecapRow) -> RecapRow:
    """Reorder a row's dicts in place: fields in form order (unknown names dropped), votes by
    ballot number."""
    sums = row.fields
    row.fields = {name: sums[name] for name in FIELDS if name in sums}
    row.votes = dict(sorted(row.votes.items()))
    return row


def combine(code: str, rows: Iterable[RecapRow]) -> RecapRow:
    """The sum of ``rows`` as a row with ``code``: every counter, field and vote added up.

    A field (or ballot number) is present in the result when it is present in any row; the
    derived values (shares, turnout) follow from the sums, so R15 holds for them too.
    """
    total = RecapRow(code)
    sums: dict[str, int] = {}
    votes: dict[int, int] = {}
    for row in rows:
        for name, value in row.fields.items():
            sums[name] = sums.get(name, 0) + value
        for number, value in row.votes.items():
            votes[number] = votes.get(number, 0) + value
        total.tps_total += row.tps_total
        total.tps_reported += row.tps_reported
        total.sheets += row.sheets
        total.sheets_with_errors += row.sheets_with_errors
        total.registered += row.registered
        total.turnout_voted += row.turnout_voted
        total.turnout_registered += row.turnout_registered
    total.fields = sums
    total.votes = votes
    return _in_form_order(total)
