"""Tests of the pure recap arithmetic: R15 as properties, a hand-computed example, edge cases.

No database: ``compute`` only sees plain ``Station``/``SheetRecord`` values.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pilkada.core.numbers import format_int, format_percent
from pilkada.recap.compute import (
    NATIONAL,
    SHARE_PLACES,
    RecapRow,
    SheetRecord,
    Station,
    combine,
    rollup,
)
from pilkada.regions.codes import split_sirekap_tps_id
from pilkada.tallies.form import FIELDS, SheetNumbers

KAB = "62.10"
TURNOUT_FIELDS = ("voted_all_total", "registered_all_total")
COUNTERS = (
    "tps_total",
    "tps_reported",
    "sheets",
    "sheets_with_errors",
    "registered",
    "turnout_voted",
    "turnout_registered",
)
PROPERTY_SETTINGS = settings(max_examples=1000, deadline=None)
DESA = ("1001", "1012", "2001", "2002", "2010")


# --- generated elections ---------------------------------------------------------------------

maybe_count = st.one_of(st.none(), st.integers(0, 900))
# Each station: no sheet (None), or a sheet with has_errors False/True.
sheet_presence = st.sampled_from([None, False, True])
registered_voters = st.integers(0, 600)
tps_count = st.integers(1, 3)


def sheet_numbers(ballot_numbers):
    # Keys lean towards the two turnout fields so that turnout sums are exercised often.
    names = st.one_of(st.sampled_from(FIELDS), st.sampled_from(TURNOUT_FIELDS))
    return st.builds(
        SheetNumbers,
        fields=st.dictionaries(names, maybe_count, max_size=4),
        votes=st.dictionaries(st.sampled_from(ballot_numbers), maybe_count),
    )


@st.composite
def elections(draw):
    """(ballot numbers, stations, sheets) of a kabupaten 62.10, plus a few foreign stations
    and sheets (other kabupaten) that a recap of 62.10 must ignore.

    Desa numbers repeat across kecamatan (62.10.01.2001 and 62.10.02.2001), so rows must be
    keyed by the whole code, not by the last segment.
    """
    ballot_numbers = tuple(
        sorted(draw(st.lists(st.integers(1, 7), min_size=1, max_size=4, unique=True)))
    )
    desa_codes = draw(
        st.lists(
            st.tuples(st.sampled_from(["01", "02", "07", "12"]), st.sampled_from(DESA)),
            min_size=1,
            max_size=7,
            unique=True,
        )
    )
    stations = [
        Station(f"{KAB}.{kec}.{desa}", f"{tps:03d}", draw(registered_voters))
        for kec, desa in desa_codes
        for tps in range(1, draw(tps_count) + 1)
    ]
    for kab in draw(st.lists(st.sampled_from(["62.11", "62.01", "63.10"]), unique=True)):
        stations.append(Station(f"{kab}.01.2001", "001", draw(registered_voters)))
    numbers_of = sheet_numbers(ballot_numbers)  # built once per election: drawing is cheaper
    sheets = []
    for s in stations:
        has_errors = draw(sheet_presence)
        if has_errors is not None:
            numbers = draw(numbers_of)
            sheets.append(SheetRecord(s.desa_code, s.number, numbers, has_errors))
    if draw(st.booleans()):  # a foreign sheet with no station at all is ignored too
        sheets.append(SheetRecord("63.01.01.2001", "001", SheetNumbers(), False))
    return ballot_numbers, stations, sheets


def reference_row(code, stations, sheets, ballot_numbers) -> RecapRow:
    """A deliberately naive recap row: filter everything for ``code``, then sum field by field.

    ``code`` is a region code (prefix match) or a Sirekap TPS id.
    """
    if "." in code:
        mine = [s for s in stations if s.desa_code == code or s.desa_code.startswith(code + ".")]
    else:
        desa, number = split_sirekap_tps_id(code)
        mine = [s for s in stations if (s.desa_code, s.number) == (desa, number)]
    keys = {(s.desa_code, s.number) for s in mine}
    own = [sh for sh in sheets if (sh.desa_code, sh.number) in keys]
    fields = {}
    for name in FIELDS:
        entered = [sh.numbers.fields.get(name) for sh in own]
        entered = [v for v in entered if v is not None]
        if entered:
            fields[name] = sum(entered)
    votes = {}
    for n in ballot_numbers:
        entered = [sh.numbers.votes.get(n) for sh in own]
        entered = [v for v in entered if v is not None]
        if entered:
            votes[n] = sum(entered)
    with_turnout = [
        sh for sh in own if all(sh.numbers.fields.get(f) is not None for f in TURNOUT_FIELDS)
    ]
    return RecapRow(
        code=code,
        fields=fields,
        votes=votes,
        tps_total=len(mine),
        tps_reported=sum(
            all(sh.numbers.votes.get(n) is not None for n in ballot_numbers) for sh in own
        ),
        sheets=len(own),
        sheets_with_errors=sum(sh.has_errors for sh in own),
        registered=sum(s.registered for s in mine),
        turnout_voted=sum(sh.numbers.fields["voted_all_total"] for sh in with_turnout),
        turnout_registered=sum(sh.numbers.fields["registered_all_total"] for sh in with_turnout),
    )


def assert_same_row(actual: RecapRow, expected: RecapRow) -> None:
    """Field by field, vote by vote and counter by counter (clearer failures than ``==``)."""
    assert actual.code == expected.code
    assert actual.fields == expected.fields
    assert actual.votes == expected.votes
    for counter in COUNTERS:
        assert getattr(actual, counter) == getattr(expected, counter), counter
    assert actual == expected


def group_by(rows, parent_of):
    groups = defaultdict(list)
    for row in rows:
        groups[parent_of(row.code)].append(row)
    return groups


# --- R15 and friends as properties -----------------------------------------------------------


@PROPERTY_SETTINGS
@given(elections(), st.sampled_from(["kecamatan", "desa", "tps"]))
def test_total_is_the_sum_of_the_rows_and_rows_match_a_naive_recap(election, level):
    ballot_numbers, stations, sheets = election
    recap = rollup(stations, sheets, within=KAB, level=level, ballot_numbers=ballot_numbers)

    assert recap.total.code == KAB
    assert_same_row(recap.total, combine(KAB, recap.rows))  # R15
    assert_same_row(recap.total, reference_row(KAB, stations, sheets, ballot_numbers))
    for row in recap.rows:
        assert_same_row(row, reference_row(row.code, stations, sheets, ballot_numbers))

    # One row per region (or TPS) with stations under 62.10, sorted, nothing foreign.
    own = [s for s in stations if s.desa_code.startswith(KAB + ".")]
    if level == "tps":
        expected_codes = {s.desa_code.replace(".", "") + s.number for s in own}
    else:
        depth = {"kecamatan": 3, "desa": 4}[level]
        expected_codes = {".".join(s.desa_code.split(".")[:depth]) for s in own}
    assert [r.code for r in recap.rows] == sorted(expected_codes)
    # Derived values follow from the sums.
    assert recap.total.valid_total == sum(r.valid_total for r in recap.rows)


@PROPERTY_SETTINGS
@given(elections())
def test_each_level_is_the_sum_of_the_level_below(election):
    ballot_numbers, stations, sheets = election

    def at(level, within=KAB):
        return rollup(stations, sheets, within=within, level=level, ballot_numbers=ballot_numbers)

    tps, desa, kecamatan = at("tps"), at("desa"), at("kecamatan")
    for upper, lower, parent_of in (
        (kecamatan, desa, lambda code: code.rsplit(".", 1)[0]),
        (desa, tps, lambda code: split_sirekap_tps_id(code)[0]),
    ):
        groups = group_by(lower.rows, parent_of)
        assert [r.code for r in upper.rows] == sorted(groups)
        for row in upper.rows:
            assert_same_row(row, combine(row.code, groups[row.code]))
        assert_same_row(upper.total, lower.total)

    # A recap within one kecamatan has that kecamatan's row as its total.
    for row in kecamatan.rows:
        inner = at("desa", within=row.code)
        assert_same_row(inner.total, row)
        assert inner.rows == [r for r in desa.rows if r.code.startswith(row.code + ".")]


@PROPERTY_SETTINGS
@given(st.data())
def test_arrival_order_does_not_matter(data):
    ballot_numbers, stations, sheets = data.draw(elections())
    level = data.draw(st.sampled_from(["kecamatan", "desa", "tps"]))
    shuffled_stations = data.draw(st.permutations(stations))
    shuffled_sheets = data.draw(st.permutations(sheets))
    shuffled_ballots = data.draw(st.permutations(ballot_numbers))

    expected = rollup(stations, sheets, within=KAB, level=level, ballot_numbers=ballot_numbers)
    actual = rollup(
        shuffled_stations,
        shuffled_sheets,
        within=KAB,
        level=level,
        ballot_numbers=shuffled_ballots,
    )
    assert actual.rows == expected.rows
    assert actual.total == expected.total
    # Even the dicts' order is canonical: fields in form order, votes by ballot number.
    for row in [*actual.rows, actual.total]:
        assert list(row.fields) == [f for f in FIELDS if f in row.fields]
        assert list(row.votes) == sorted(row.votes)


@PROPERTY_SETTINGS
@given(st.dictionaries(st.integers(1, 9), st.integers(0, 10**9), min_size=1, max_size=6))
def test_shares_sum_to_exactly_one_and_are_within_one_unit_of_the_exact_fraction(votes):
    row = RecapRow("62.10", votes=votes)
    shares = row.shares
    total = sum(votes.values())
    if total == 0:
        assert shares == {}
        return
    assert set(shares) == set(votes)
    assert sum(shares.values()) == 1  # under the default decimal context
    assert sum(Fraction(s) for s in shares.values()) == 1  # and exactly
    unit = Fraction(1, 10**SHARE_PLACES)
    for n, share in shares.items():
        exact = Fraction(votes[n], total)
        assert abs(Fraction(share) - exact) < unit
        if (exact / unit).denominator == 1:  # representable: not touched
            assert Fraction(share) == exact
        assert 0 <= share <= 1


# --- a hand-computed example ------------------------------------------------------------------
#
# Two pairs, two kecamatan, three desa, five TPS:
#
#   station                 DPT  sheet
#   A 62.10.01.2001 / 001   300  votes 150 / 90, registered_all 300, voted_all 244,
#                                valid 240, invalid 4
#   B 62.10.01.2001 / 002   250  votes 100 / 60 only
#   C 62.10.01.2002 / 001   200  votes 80 / (none), voted_all 150; has errors
#   D 62.10.02.1001 / 001   400  votes 100 / 200, registered_all 400, voted_all 300, valid 300
#   E 62.10.02.1001 / 002   350  no sheet

A = ("62.10.01.2001", "001")
B = ("62.10.01.2001", "002")
C = ("62.10.01.2002", "001")
D = ("62.10.02.1001", "001")
E = ("62.10.02.1001", "002")

HAND_STATIONS = [
    Station(*A, 300),
    Station(*B, 250),
    Station(*C, 200),
    Station(*D, 400),
    Station(*E, 350),
]
HAND_SHEETS = [
    SheetRecord(
        *A,
        SheetNumbers(
            fields={
                "registered_all_total": 300,
                "voted_all_total": 244,
                "valid_votes": 240,
                "invalid_votes": 4,
                "ballots_received": None,
            },
            votes={1: 150, 2: 90},
        ),
        False,
    ),
    SheetRecord(*B, SheetNumbers(votes={1: 100, 2: 60}), False),
    SheetRecord(*C, SheetNumbers(fields={"voted_all_total": 150}, votes={1: 80, 2: None}), True),
    SheetRecord(
        *D,
        SheetNumbers(
            fields={
                "registered_all_total": 400,
                "voted_all_total": 300,
                "valid_votes": 300,
                "invalid_votes": None,
            },
            votes={1: 100, 2: 200},
        ),
        False,
    ),
]


def hand(level, within=KAB):
    return rollup(HAND_STATIONS, HAND_SHEETS, within=within, level=level, ballot_numbers=(1, 2))


def test_hand_computed_kecamatan_recap():
    recap = hand("kecamatan")
    assert recap.level == "kecamatan" and recap.within == KAB and recap.ballot_numbers == (1, 2)
    kec1, kec2 = recap.rows

    assert kec1 == RecapRow(
        code="62.10.01",
        fields={
            "registered_all_total": 300,
            "voted_all_total": 394,
            "valid_votes": 240,
            "invalid_votes": 4,
        },
        votes={1: 330, 2: 150},
        tps_total=3,
        tps_reported=2,  # A and B; C lacks pair 2
        sheets=3,
        sheets_with_errors=1,
        registered=750,
        turnout_voted=244,  # only A entered both totals
        turnout_registered=300,
    )
    assert kec1.valid_total == 480
    assert kec1.shares == {1: Decimal("0.6875"), 2: Decimal("0.3125")}  # 11/16, 5/16
    assert kec1.turnout == Decimal("0.8133333333333333333333333333")  # 61/75, 28 digits
    assert kec1.turnout_fraction == Fraction(61, 75)

    assert kec2 == RecapRow(
        code="62.10.02",
        fields={"registered_all_total": 400, "voted_all_total": 300, "valid_votes": 300},
        votes={1: 100, 2: 200},
        tps_total=2,
        tps_reported=1,
        sheets=1,
        sheets_with_errors=0,
        registered=750,
        turnout_voted=300,
        turnout_registered=400,
    )
    # 1/3 and 2/3: cut at 28 places, the missing unit goes to the larger remainder.
    assert kec2.shares == {1: Decimal("0." + "3" * 28), 2: Decimal("0." + "6" * 27 + "7")}
    assert kec2.turnout == Decimal("0.75")

    total = recap.total
    assert total == RecapRow(
        code=KAB,
        fields={
            "registered_all_total": 700,
            "voted_all_total": 694,
            "valid_votes": 540,
            "invalid_votes": 4,
        },
        votes={1: 430, 2: 350},
        tps_total=5,
        tps_reported=3,
        sheets=4,
        sheets_with_errors=1,
        registered=1500,
        turnout_voted=544,
        turnout_registered=700,
    )
    assert total.valid_total == 780
    shares = total.shares
    assert abs(Fraction(shares[1]) - Fraction(43, 78)) < Fraction(1, 10**28)
    assert abs(Fraction(shares[2]) - Fraction(35, 78)) < Fraction(1, 10**28)
    assert shares[1] + shares[2] == 1
    assert [format_percent(shares[1]), format_percent(shares[2])] == ["55,13 %", "44,87 %"]
    # 544/700 = 136/175 = 0.777142857142857142857142857142..., 28 significant digits.
    assert total.turnout == Decimal("0.7771428571428571428571428571")
    assert format_percent(total.turnout) == "77,71 %"


def test_hand_computed_desa_and_tps_rows():
    desa = {r.code: r for r in hand("desa").rows}
    assert list(desa) == ["62.10.01.2001", "62.10.01.2002", "62.10.02.1001"]

    d1 = desa["62.10.01.2001"]
    assert (d1.tps_total, d1.tps_reported, d1.sheets, d1.registered) == (2, 2, 2, 550)
    assert d1.votes == {1: 250, 2: 150}
    assert d1.shares == {1: Decimal("0.625"), 2: Decimal("0.375")}

    d2 = desa["62.10.01.2002"]  # only C: a partial sheet
    assert (d2.tps_total, d2.tps_reported, d2.sheets, d2.sheets_with_errors) == (1, 0, 1, 1)
    assert d2.votes == {1: 80}  # pair 2 never entered: absent, not 0
    assert d2.shares == {1: Decimal(1)}
    assert d2.fields == {"voted_all_total": 150}
    assert d2.turnout is None and d2.turnout_voted == 0

    tps = {r.code: r for r in hand("tps").rows}
    assert list(tps) == [
        "6210012001001",
        "6210012001002",
        "6210012002001",
        "6210021001001",
        "6210021001002",
    ]
    assert tps["6210021001002"] == RecapRow("6210021001002", tps_total=1, registered=350)
    assert tps["6210021001002"].shares == {}
    assert tps["6210021001002"].turnout is None
    assert tps["6210012001002"].fields == {}  # a sheet with only votes
    assert (tps["6210012001002"].sheets, tps["6210012001002"].tps_reported) == (1, 1)


def test_hand_computed_recap_within_a_kecamatan_and_at_province_level():
    inner = hand("desa", within="62.10.02")
    assert [r.code for r in inner.rows] == ["62.10.02.1001"]
    assert inner.total == RecapRow(**{**vars(hand("kecamatan").rows[1]), "code": "62.10.02"})

    province = rollup(
        HAND_STATIONS, HAND_SHEETS, within="62", level="kabkota", ballot_numbers=(1, 2)
    )
    assert [r.code for r in province.rows] == [KAB]
    assert province.rows[0] == RecapRow(**{**vars(hand("kecamatan").total), "code": KAB})
    assert province.total.code == "62"


def test_national_recap_per_provinsi():
    stations = [*HAND_STATIONS, Station("63.01.01.2001", "001", 10)]
    sheets = [*HAND_SHEETS, SheetRecord("63.01.01.2001", "001", SheetNumbers(votes={1: 7}), False)]
    recap = rollup(stations, sheets, within=NATIONAL, level="provinsi", ballot_numbers=(1, 2))
    assert [r.code for r in recap.rows] == ["62", "63"]
    assert recap.rows[0] == RecapRow(**{**vars(hand("kecamatan").total), "code": "62"})
    assert recap.rows[1] == RecapRow("63", votes={1: 7}, tps_total=1, sheets=1, registered=10)
    assert recap.total.code == NATIONAL
    assert recap.total.votes == {1: 437, 2: 350}


def test_never_entered_fields_stay_absent():
    sheets = [SheetRecord(*A, SheetNumbers(fields={"invalid_votes": None}, votes={}), False)]
    recap = rollup(HAND_STATIONS, sheets, within=KAB, level="kecamatan", ballot_numbers=(1, 2))
    assert recap.total.fields == {}
    assert recap.total.votes == {}
    assert recap.total.shares == {}
    assert recap.total.valid_total == 0
    assert (recap.total.sheets, recap.total.tps_reported) == (1, 0)
    # A zero that was entered is a value, kept as 0.
    sheets = [SheetRecord(*A, SheetNumbers(fields={"invalid_votes": 0}, votes={1: 0, 2: 0}), False)]
    recap = rollup(HAND_STATIONS, sheets, within=KAB, level="kecamatan", ballot_numbers=(1, 2))
    assert recap.total.fields == {"invalid_votes": 0}
    assert recap.total.votes == {1: 0, 2: 0}
    assert recap.total.tps_reported == 1
    assert recap.total.shares == {}  # no valid votes: nothing to share


def test_no_stations_no_rows():
    recap = rollup([], [], within=KAB, level="desa", ballot_numbers=(1, 2))
    assert recap.rows == []
    assert recap.total == RecapRow(KAB)
    assert recap.total.turnout is None


# --- errors -----------------------------------------------------------------------------------


def test_sheet_at_unknown_station_is_an_error():
    stray = SheetRecord("62.10.02.1001", "009", SheetNumbers(votes={1: 5}), False)
    with pytest.raises(ValueError, match=r"62\.10\.02\.1001 TPS 009"):
        hand_with(stray)


def test_sheet_outside_the_area_is_ignored():
    foreign = SheetRecord("62.11.01.2001", "001", SheetNumbers(votes={1: 5}), False)
    assert hand_with(foreign) == hand("kecamatan")


def hand_with(*extra):
    return rollup(
        HAND_STATIONS,
        [*HAND_SHEETS, *extra],
        within=KAB,
        level="kecamatan",
        ballot_numbers=(1, 2),
    )


@pytest.mark.parametrize(
    "stations, sheets, kwargs, message",
    [
        ([*HAND_STATIONS, HAND_STATIONS[0]], [], {}, "listed twice"),
        (HAND_STATIONS, [*HAND_SHEETS, HAND_SHEETS[0]], {}, "two sheets"),
        (
            HAND_STATIONS,
            [SheetRecord(*A, SheetNumbers(votes={3: 1}), False)],
            {},
            "ballot number 3",
        ),
        ([Station("62.10.01", "001", 1)], [], {}, "not a desa code"),
        ([], [], {"level": "rt"}, "unknown recap level"),
        ([], [], {"level": "kabkota"}, "not below"),
        ([], [], {"within": "62.1"}, "invalid region code"),
    ],
)
def test_caller_errors(stations, sheets, kwargs, message):
    arguments = {"within": KAB, "level": "desa", "ballot_numbers": (1, 2), **kwargs}
    with pytest.raises(ValueError, match=message):
        rollup(stations, sheets, **arguments)


# --- formatting -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, places, text",
    [
        (Decimal("0.4567"), 2, "45,67 %"),
        (Decimal("0.45675"), 2, "45,68 %"),  # half up
        (Decimal("0.45665"), 2, "45,67 %"),
        (Decimal(1), 2, "100,00 %"),
        (Decimal(0), 2, "0,00 %"),
        (Decimal("-0.00001"), 2, "0,00 %"),
        (Decimal("12.345678"), 2, "1.234,57 %"),
        (Decimal("0.4567"), 0, "46 %"),
        (Decimal("0.4567"), 1, "45,7 %"),
        (Decimal("0." + "3" * 28), 2, "33,33 %"),
        (Decimal("0." + "6" * 27 + "7"), 3, "66,667 %"),
        (None, 2, "–"),
    ],
)
def test_format_percent(value, places, text):
    assert format_percent(value, places) == text


@pytest.mark.parametrize(
    "n, text",
    [(0, "0"), (999, "999"), (89540, "89.540"), (1234567, "1.234.567"), (-1234, "-1.234")],
)
def test_format_int(n, text):
    assert format_int(n) == text


# --- scale ------------------------------------------------------------------------------------


def test_province_scale_sums():
    """A Jawa-Barat-size province (~74,000 TPS) rolls up to exact totals (speed: bench/)."""
    stations = []
    for i in range(74_000):
        d = i // 10  # 7,400 desa of 10 TPS, spread over 27 kabupaten of 40 kecamatan
        kab, kec, desa = 1 + d % 27, 1 + (d // 27) % 40, 1001 + d // 1080
        stations.append(Station(f"32.{kab:02d}.{kec:02d}.{desa}", f"{1 + i % 10:03d}", 300))
    numbers = SheetNumbers(fields=dict.fromkeys(FIELDS, 1), votes={1: 100, 2: 80, 3: 20})
    sheets = [SheetRecord(s.desa_code, s.number, numbers, False) for s in stations]

    recap = rollup(stations, sheets, within="32", level="kabkota", ballot_numbers=(1, 2, 3))

    n = len(stations)
    assert recap.total.tps_total == recap.total.tps_reported == recap.total.sheets == n
    assert recap.total.votes == {1: 100 * n, 2: 80 * n, 3: 20 * n}
    assert recap.total.fields == dict.fromkeys(FIELDS, n)
    assert recap.total.shares == {1: Decimal("0.5"), 2: Decimal("0.4"), 3: Decimal("0.1")}
    assert len(recap.rows) == 27
