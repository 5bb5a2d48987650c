"""Rules R1–R13 of the C.Hasil form: properties over generated sheets, real failures, units."""

import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pilkada.tallies.form import FIELDS, LPJ_ROWS, SCHEMES, SheetNumbers
from pilkada.tallies.rules import (
    ERROR,
    WARNING,
    Finding,
    RuleContext,
    Severity,
    check_sheet,
    expected_ballots,
    has_errors,
    reserve_ballots,
    vote_key,
)
from pilkada.tallies.tests.strategies import SheetCase, arbitrary_sheets, consistent_sheets

PROPERTY = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])

S2018, S2024 = SCHEMES["2018"], SCHEMES["2024"]
ERROR_RULES = {f"R{i}" for i in range(1, 11)}
WARNING_RULES = {"R11", "R13"}


def ctx(**kw) -> RuleContext:
    base = {
        "scheme": S2024,
        "voter_limit": 600,
        "reserve_percent": Decimal("2.5"),
        "ballot_numbers": (1, 2, 3),
        "tps_registered": None,
    }
    return RuleContext(**{**base, **kw})


def check(fields=None, votes=None, **kw) -> list[Finding]:
    return check_sheet(SheetNumbers(fields=fields or {}, votes=votes or {}), ctx(**kw))


def rules(findings) -> list[str]:
    return [f.rule for f in findings]


def only(findings, rule) -> Finding:
    matching = [f for f in findings if f.rule == rule]
    assert len(matching) == 1, findings
    return matching[0]


def rule_order(finding: Finding) -> int:
    return int(finding.rule[1:])


# Properties -------------------------------------------------------------------------------


@PROPERTY
@given(consistent_sheets())
def test_consistent_sheet_has_no_errors(case: SheetCase):
    findings = check_sheet(case.numbers, case.ctx)
    assert not has_errors(findings), findings
    assert {f.rule for f in findings} <= {"R11", "R12", "R13"}
    dpt = case.numbers.get("registered_1_total")
    if case.ctx.tps_registered in (None, dpt):
        assert "R13" not in rules(findings)
    if case.numbers.get("ballots_received") == expected_ballots(dpt, case.ctx.reserve_percent):
        assert "R11" not in rules(findings)


@PROPERTY
@given(consistent_sheets(), st.data())
def test_changing_any_one_box_is_an_error_naming_that_box(case: SheetCase, data):
    # Every box takes part in an error rule: L/P/J boxes in R1, ballots in R8, the vote
    # totals in R6 and pair votes in R5, so one wrong box is always caught and pointed at.
    key = data.draw(st.sampled_from(case.keys()), label="key")
    old = case.value(key)
    delta = data.draw(st.integers(-old, 1000).filter(lambda d: d != 0), label="delta")
    findings = check_sheet(case.with_value(key, old + delta).numbers, case.ctx)
    assert any(f.severity == ERROR and key in f.fields for f in findings), findings


@PROPERTY
@given(consistent_sheets(), st.integers(1, 1000), st.data())
def test_adding_k_to_any_one_box_is_an_error_naming_that_box(case: SheetCase, k, data):
    key = data.draw(st.sampled_from(case.keys()), label="key")
    findings = check_sheet(case.with_value(key, case.value(key) + k).numbers, case.ctx)
    assert has_errors(findings)
    assert any(f.severity == ERROR and key in f.fields for f in findings), findings


@pytest.mark.parametrize("key", [*FIELDS, "votes:1", "votes:2"])
def test_every_box_takes_part_in_an_error_rule(key):
    case = SheetCase(DURI_KEPA_FIXED, ctx(ballot_numbers=(1, 2), tps_registered=258))
    assert check_sheet(case.numbers, case.ctx) == []
    findings = check_sheet(case.with_value(key, case.value(key) + 1).numbers, case.ctx)
    assert any(f.severity == ERROR and key in f.fields for f in findings), findings


@PROPERTY
@given(st.one_of(consistent_sheets(), arbitrary_sheets()), st.data())
def test_dropping_boxes_never_raises_nor_blames_a_dropped_box(case: SheetCase, data):
    keys = case.keys()
    dropped = data.draw(st.sets(st.sampled_from(keys)) if keys else st.just(set()), "dropped")
    before = check_sheet(case.numbers, case.ctx)
    after = check_sheet(case.without(dropped).numbers, case.ctx)
    for finding in after:
        assert not dropped & set(finding.fields), finding
    # Not entered is unknown, never zero: dropping boxes can only remove findings, except
    # R11/R12 which fall back to the TPS registry / the PHP total when a box is missing.
    fallback = {"R11", "R12"}
    assert {f for f in after if f.rule not in fallback} <= set(before)


@PROPERTY
@given(arbitrary_sheets())
def test_findings_are_well_formed_on_any_sheet(case: SheetCase):
    findings = check_sheet(case.numbers, case.ctx)
    assert [rule_order(f) for f in findings] == sorted(rule_order(f) for f in findings)
    known = set(FIELDS) | {vote_key(n) for n in case.numbers.votes}
    for f in findings:
        assert f.fields and set(f.fields) <= known, f
        assert all(case.value(k) is not None for k in f.fields), f
        if f.rule in ERROR_RULES:
            assert f.severity == ERROR
        if f.rule in WARNING_RULES:
            assert f.severity == WARNING
        assert f.severity in (ERROR, WARNING)
        assert f.message and "None" not in f.message and "%(" not in f.message
        assert not re.search(r"\b(registered|voted|ballots|votes)_", f.message), f.message
    assert has_errors(findings) == any(f.severity == "error" for f in findings)


# Real failures (domain.md §3) -------------------------------------------------------------


DURI_KEPA_OCR = {
    # Kebon Jeruk, Duri Kepa TPS 036 as Sirekap read it in 2024.
    "registered_1_men": 528,
    "registered_1_women": 430,
    "registered_1_total": 258,
    "voted_1_total": 883,
    "voted_all_total": 594,
    "total_votes": 194,
}


def test_duri_kepa_tps_036_breaks_r1_r4_r7():
    findings = check(DURI_KEPA_OCR, tps_registered=258)
    assert rules(findings) == ["R1", "R4", "R7"]
    assert all(f.severity == ERROR for f in findings)
    assert has_errors(findings)
    r1, r4, r7 = findings
    assert r1.message == "Baris Pemilih terdaftar DPT: L 528 + P 430 = 958, tetapi J tertulis 258."
    assert r1.fields == ("registered_1_men", "registered_1_women", "registered_1_total")
    assert r4.fields == ("voted_1_total", "registered_1_total")
    assert "883" in r4.message and "258" in r4.message
    assert set(r7.fields) == {"total_votes", "voted_all_total"}
    assert "194" in r7.message and "594" in r7.message


# A hand-made consistent sheet shaped like Duri Kepa TPS 036 (DPT 258).
DURI_KEPA_FIXED = SheetNumbers(
    fields={
        "registered_1_men": 128,
        "registered_1_women": 130,
        "registered_1_total": 258,
        "registered_2_men": 2,
        "registered_2_women": 1,
        "registered_2_total": 3,
        "registered_3_men": 1,
        "registered_3_women": 0,
        "registered_3_total": 1,
        "registered_all_men": 131,
        "registered_all_women": 131,
        "registered_all_total": 262,
        "voted_1_men": 90,
        "voted_1_women": 100,
        "voted_1_total": 190,
        "voted_2_men": 2,
        "voted_2_women": 1,
        "voted_2_total": 3,
        "voted_3_men": 1,
        "voted_3_women": 0,
        "voted_3_total": 1,
        "voted_all_men": 93,
        "voted_all_women": 101,
        "voted_all_total": 194,
        "disabled_registered_men": 2,
        "disabled_registered_women": 1,
        "disabled_registered_total": 3,
        "disabled_voted_men": 1,
        "disabled_voted_women": 1,
        "disabled_voted_total": 2,
        "ballots_received": 265,  # 258 + ceil(6.45)
        "ballots_damaged": 1,
        "ballots_unused": 70,
        "ballots_used": 194,
        "valid_votes": 190,
        "invalid_votes": 4,
        "total_votes": 194,
    },
    votes={1: 110, 2: 80},
)


def test_duri_kepa_fixed_sheet_is_clean():
    assert check_sheet(DURI_KEPA_FIXED, ctx(ballot_numbers=(1, 2), tps_registered=258)) == []


def test_banyuwangi_4695_votes_at_a_tps_of_229_voters_trips_r12_twice():
    findings = check({"registered_1_total": 229, "total_votes": 4695}, tps_registered=229)
    assert [(f.rule, f.severity) for f in findings] == [("R12", WARNING), ("R12", ERROR)]
    warning, error = findings
    assert warning.fields == ("total_votes", "registered_1_total")
    assert "4695" in warning.message and "229" in warning.message
    assert "233,58" in warning.message
    assert error.fields == ("total_votes",)
    assert "4695" in error.message and "600" in error.message


def test_banyuwangi_r12_uses_the_tps_registry_when_the_form_has_no_dpt():
    findings = check({"total_votes": 4695}, tps_registered=229)
    assert [(f.rule, f.severity) for f in findings] == [("R12", WARNING), ("R12", ERROR)]
    assert findings[0].fields == ("total_votes",)
    assert "229" in findings[0].message and "data pemilih" in findings[0].message


def test_banyuwangi_ocr_misreads_trip_the_rules_they_touch():
    # The TPS's true numbers: 229 registered, 190 voted, 58 invalid; pairs got 11, 23 and
    # 98 votes. Sirekap read 11 as 826 and 23 as 823 (an extra leading 8), the men who voted
    # in the DPT 99 as 44, the invalid votes 58 as 948 and (our addition) the DPT 229 as 829.
    fields = {
        "registered_1_men": 110,
        "registered_1_women": 119,
        "registered_1_total": 829,
        "voted_1_men": 44,
        "voted_1_women": 91,
        "voted_1_total": 190,
        "voted_all_total": 190,
        "ballots_received": 235,
        "ballots_damaged": 2,
        "ballots_unused": 43,
        "ballots_used": 190,
        "valid_votes": 132,
        "invalid_votes": 948,
        "total_votes": 190,
    }
    findings = check(fields, votes={1: 826, 2: 823, 3: 98}, tps_registered=229)
    assert rules(findings) == ["R1", "R1", "R5", "R6", "R11", "R13"]
    r1_registered, r1_voted, r5, r6, r11, r13 = findings
    assert "registered_1_total" in r1_registered.fields
    assert "voted_1_men" in r1_voted.fields and "44 + P 91 = 135" in r1_voted.message
    assert r5.fields == ("votes:1", "votes:2", "votes:3", "valid_votes")
    assert "826" in r5.message and "823" in r5.message and "1747" in r5.message
    assert "132" in r5.message
    assert "invalid_votes" in r6.fields and "1080" in r6.message
    assert r11.severity == WARNING and "850" in r11.message  # 829 + ceil(20.725)
    assert r13.severity == WARNING and "829" in r13.message and "229" in r13.message


# Units per rule ---------------------------------------------------------------------------


@pytest.mark.parametrize("row", LPJ_ROWS)
def test_r1_every_lpj_row(row):
    names = [f"{row}_men", f"{row}_women", f"{row}_total"]
    assert check(dict(zip(names, (5, 7, 12), strict=True))) == []
    finding = only(check(dict(zip(names, (5, 7, 13), strict=True))), "R1")
    assert finding.severity == ERROR and finding.fields == tuple(names)
    assert "5 + P 7 = 12" in finding.message and "13" in finding.message


def test_r1_needs_all_three_boxes_and_zero_is_a_value():
    assert check({"registered_1_men": 5, "registered_1_total": 7}) == []
    assert rules(check({"registered_1_men": 5, "registered_1_women": 0, "registered_1_total": 7}))
    assert check({"registered_1_men": 5, "registered_1_women": None, "registered_1_total": 7}) == []


@pytest.mark.parametrize(("rule", "kind"), [("R2", "registered"), ("R3", "voted")])
@pytest.mark.parametrize("sex", ["men", "women", "total"])
def test_r2_r3_category_totals_per_column(rule, kind, sex):
    fields = {f"{kind}_1_{sex}": 100, f"{kind}_2_{sex}": 5, f"{kind}_3_{sex}": 3}
    assert check({**fields, f"{kind}_all_{sex}": 108}) == []
    finding = only(check({**fields, f"{kind}_all_{sex}": 109}, scheme=S2018), rule)
    assert finding.severity == ERROR
    assert finding.fields == (*fields, f"{kind}_all_{sex}")
    assert "DPT 100 + DPPh 5 + DPTb 3 = 108" in finding.message and "109" in finding.message
    assert check({f"{kind}_1_{sex}": 100, f"{kind}_all_{sex}": 109}) == []


@pytest.mark.parametrize("key", ["1", "2", "3", "all"])
@pytest.mark.parametrize("sex", ["men", "women", "total"])
def test_r4_voted_at_most_registered(key, sex):
    voted, registered = f"voted_{key}_{sex}", f"registered_{key}_{sex}"
    assert check({voted: 40, registered: 40}) == []
    finding = only(check({voted: 41, registered: 40}), "R4")
    assert finding.severity == ERROR and finding.fields == (voted, registered)
    assert "41" in finding.message and "40" in finding.message
    assert check({voted: 41}) == []


def test_r5_pair_votes_sum_to_valid_votes():
    assert check({"valid_votes": 150}, votes={1: 100, 2: 50, 3: 0}) == []
    finding = only(check({"valid_votes": 160}, votes={1: 100, 2: 50, 3: 0}), "R5")
    assert finding.severity == ERROR
    assert finding.fields == ("votes:1", "votes:2", "votes:3", "valid_votes")
    assert "150" in finding.message and "160" in finding.message


def test_r5_needs_every_pair_and_valid_votes():
    assert check({"valid_votes": 160}, votes={1: 100, 2: 50}) == []
    assert check({"valid_votes": 160}, votes={1: 100, 2: 50, 3: None}) == []
    assert check({}, votes={1: 100, 2: 50, 3: 7}) == []


def test_r5_votes_for_a_pair_the_election_does_not_have():
    findings = check({"valid_votes": 150}, votes={1: 100, 2: 50, 3: 0, 7: 12})
    finding = only(findings, "R5")
    assert finding.severity == ERROR and finding.fields == ("votes:7",)
    assert "7" in finding.message and "12" in finding.message and "tidak ada" in finding.message
    assert check({}, votes={7: None}) == []


def test_r5_empty_box_counts_as_a_pair():
    assert check({"valid_votes": 90}, votes={1: 60, 0: 30}, ballot_numbers=(0, 1)) == []
    assert rules(check({"valid_votes": 90}, votes={1: 60, 0: 31}, ballot_numbers=(0, 1))) == ["R5"]


def test_r6_valid_plus_invalid_is_total():
    assert check({"valid_votes": 190, "invalid_votes": 4, "total_votes": 194}) == []
    finding = only(check({"valid_votes": 190, "invalid_votes": 5, "total_votes": 194}), "R6")
    assert finding.severity == ERROR
    assert finding.fields == ("valid_votes", "invalid_votes", "total_votes")
    assert "190" in finding.message and "195" in finding.message and "194" in finding.message


def test_r7_total_votes_is_php_total():
    assert check({"total_votes": 194, "voted_all_total": 194}) == []
    finding = only(check({"total_votes": 194, "voted_all_total": 195}), "R7")
    assert finding.severity == ERROR and set(finding.fields) == {"total_votes", "voted_all_total"}


def test_r8_ballots_received_is_damaged_plus_unused_plus_used():
    fields = {"ballots_damaged": 1, "ballots_unused": 70, "ballots_used": 194}
    assert check({**fields, "ballots_received": 265}) == []
    finding = only(check({**fields, "ballots_received": 266}), "R8")
    assert finding.severity == ERROR and finding.fields == (*fields, "ballots_received")
    assert "265" in finding.message and "266" in finding.message


def test_r9_ballots_used_is_php_total():
    assert check({"ballots_used": 194, "voted_all_total": 194}) == []
    finding = only(check({"ballots_used": 193, "voted_all_total": 194}), "R9")
    assert finding.severity == ERROR and set(finding.fields) == {"ballots_used", "voted_all_total"}


@pytest.mark.parametrize("sex", ["men", "women", "total"])
def test_r10_disabled_voted_at_most_disabled_registered(sex):
    voted, registered = f"disabled_voted_{sex}", f"disabled_registered_{sex}"
    assert check({voted: 3, registered: 3}) == []
    finding = only(check({voted: 4, registered: 3}), "R10")
    assert finding.severity == ERROR and finding.fields == (voted, registered)


def test_r10_disabled_voted_at_most_all_who_voted():
    assert check({"disabled_voted_total": 3, "voted_all_total": 3}) == []
    finding = only(check({"disabled_voted_total": 4, "voted_all_total": 3}), "R10")
    assert finding.fields == ("disabled_voted_total", "voted_all_total")


def test_r11_reserve_is_rounded_up_per_tps():
    assert reserve_ballots(229, Decimal("2.5")) == 6  # 5.725
    assert expected_ballots(229, Decimal("2.5")) == 235
    assert expected_ballots(200, Decimal("2.5")) == 205  # exactly 5, not rounded up
    assert expected_ballots(0, Decimal("2.5")) == 0
    assert expected_ballots(250, Decimal("2")) == 255  # Pemilu's 2 %
    # 500 × 2.2 % is exactly 11; float arithmetic gets 11.000000000000002 and so 12.
    assert expected_ballots(500, Decimal("2.2")) == 511


def test_r11_ballots_received_against_dpt_plus_reserve():
    assert check({"registered_1_total": 229, "ballots_received": 235}) == []
    for received in (234, 236):
        finding = only(check({"registered_1_total": 229, "ballots_received": received}), "R11")
        assert finding.severity == WARNING
        assert finding.fields == ("ballots_received", "registered_1_total")
        assert str(received) in finding.message and "2,5%" in finding.message
        assert "229" in finding.message and "235" in finding.message and " 6 " in finding.message
    assert not has_errors(check({"registered_1_total": 229, "ballots_received": 234}))


def test_r11_falls_back_to_the_tps_registry():
    assert check({"ballots_received": 235}, tps_registered=229) == []
    finding = only(check({"ballots_received": 240}, tps_registered=229), "R11")
    assert finding.fields == ("ballots_received",)
    assert check({"ballots_received": 240}) == []


def test_r12_kawalpemilu_boundary_is_exact():
    # 250 × 1.02 = 255 exactly: 255 is fine, 256 is flagged.
    assert check({"registered_1_total": 250, "total_votes": 255}) == []
    finding = only(check({"registered_1_total": 250, "total_votes": 256}), "R12")
    assert finding.severity == WARNING and "256" in finding.message and "255" in finding.message
    # 229 × 1.02 = 233.58.
    assert check({"registered_1_total": 229, "total_votes": 233}) == []
    assert rules(check({"registered_1_total": 229, "total_votes": 234})) == ["R12"]


def test_r12_voter_limit_is_an_error():
    assert check({"total_votes": 600}) == []
    finding = only(check({"total_votes": 601}), "R12")
    assert finding.severity == ERROR and finding.fields == ("total_votes",)
    assert "601" in finding.message and "600" in finding.message
    assert check({"total_votes": 601}, voter_limit=800) == []


def test_r12_falls_back_to_php_total_when_total_votes_not_entered():
    finding = only(check({"voted_all_total": 601}), "R12")
    assert finding.fields == ("voted_all_total",)
    findings = check({"registered_1_total": 250, "voted_all_total": 256})
    assert only(findings, "R12").fields == ("voted_all_total", "registered_1_total")
    # With total_votes entered, that is the one compared (R7 reports the disagreement).
    findings = check({"registered_1_total": 250, "total_votes": 255, "voted_all_total": 700})
    assert rules(findings) == ["R7"]


def test_r13_dpt_on_form_against_the_voter_list():
    assert check({"registered_1_total": 229}, tps_registered=229) == []
    finding = only(check({"registered_1_total": 228}, tps_registered=229), "R13")
    assert finding.severity == WARNING and finding.fields == ("registered_1_total",)
    assert "228" in finding.message and "229" in finding.message
    assert check({"registered_1_total": 228}) == []


def test_empty_sheet_has_no_findings():
    assert check() == []
    assert check(dict.fromkeys(FIELDS), votes={1: None}) == []
    assert has_errors([]) is False


def test_findings_are_ordered_by_rule_number():
    fields = {**DURI_KEPA_OCR, "disabled_voted_total": 9, "disabled_registered_total": 1}
    fields.update(ballots_received=1, ballots_damaged=0, ballots_unused=0, ballots_used=2)
    findings = check(fields, votes={1: 1, 2: 1, 3: 1, 9: 1}, tps_registered=100)
    assert rules(findings) == sorted(rules(findings), key=lambda r: int(r[1:]))
    assert {"R1", "R4", "R5", "R7", "R8", "R9", "R10", "R11", "R13"} <= set(rules(findings))


def test_severity_is_a_plain_string():
    assert Severity.ERROR == "error" and Severity.WARNING == "warning"
    assert str(ERROR) == "error" and f"{WARNING}" == "warning"


# Messages ---------------------------------------------------------------------------------

INDONESIAN = re.compile(r"\b(tetapi|melebihi|seharusnya|padahal|harus|tertulis)\b")
ENGLISH = re.compile(r"\b(but|exceeds|should|the|votes|ballots|registered)\b", re.IGNORECASE)


def test_messages_are_indonesian_and_show_the_numbers():
    cases = [
        (
            "R1",
            {"voted_2_men": 17, "voted_2_women": 23, "voted_2_total": 41},
            {},
            {},
            "17 23 40 41",
        ),
        (
            "R2",
            {
                "registered_1_women": 311,
                "registered_2_women": 13,
                "registered_3_women": 7,
                "registered_all_women": 330,
            },
            {},
            {},
            "311 13 7 331 330",
        ),
        ("R4", {"voted_3_total": 12, "registered_3_total": 9}, {}, {}, "12 9"),
        ("R5", {"valid_votes": 312}, {1: 101, 2: 202, 3: 7}, {}, "101 202 7 310 312"),
        ("R6", {"valid_votes": 187, "invalid_votes": 6, "total_votes": 194}, {}, {}, "187 6 193"),
        ("R7", {"total_votes": 194, "voted_all_total": 594}, {}, {}, "194 594"),
        (
            "R8",
            {
                "ballots_received": 265,
                "ballots_damaged": 3,
                "ballots_unused": 61,
                "ballots_used": 194,
            },
            {},
            {},
            "265 3 61 194 258",
        ),
        ("R9", {"ballots_used": 193, "voted_all_total": 194}, {}, {}, "193 194"),
        ("R10", {"disabled_voted_men": 4, "disabled_registered_men": 2}, {}, {}, "4 2"),
        ("R11", {"registered_1_total": 229, "ballots_received": 300}, {}, {}, "229 300 235"),
        ("R12", {"registered_1_total": 229, "total_votes": 450}, {}, {}, "229 450"),
        ("R13", {"registered_1_total": 301}, {}, {"tps_registered": 299}, "301 299"),
    ]
    for rule, fields, votes, extra, numbers in cases:
        finding = only(check(fields, votes, **extra), rule)
        message = finding.message
        assert INDONESIAN.search(message), message
        assert not ENGLISH.search(message), message
        shown = re.findall(r"\d+", message)
        for number in numbers.split():
            assert number in shown, (number, message)


@pytest.mark.parametrize(
    ("scheme", "names"), [(S2018, ("DPT", "DPPh", "DPTb")), (S2024, ("DPT", "DPTb", "DPK"))]
)
def test_messages_use_the_schemes_category_names(scheme, names):
    fields = {
        "voted_2_men": 3,
        "voted_2_women": 3,
        "voted_2_total": 7,
        "voted_3_total": 9,
        "registered_3_total": 8,
    }
    findings = check(fields, scheme=scheme)
    r1, r4 = only(findings, "R1"), only(findings, "R4")
    assert f"Pengguna hak pilih {names[1]}" in r1.message
    assert f"Pengguna hak pilih {names[2]} (J)" in r4.message
    assert f"Pemilih terdaftar {names[2]} (J)" in r4.message
    r3 = only(
        check(
            {"voted_1_men": 1, "voted_2_men": 2, "voted_3_men": 3, "voted_all_men": 7},
            scheme=scheme,
        ),
        "R3",
    )
    assert f"{names[0]} 1 + {names[1]} 2 + {names[2]} 3 = 6" in r3.message
