"""Hypothesis strategies for C.Hasil sheets, reusable by any app's tests.

``consistent_sheets()`` draws a sheet that obeys every error rule (R1–R10, R12's voter limit)
together with a matching ``RuleContext``; tests perturb it to make it inconsistent.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from hypothesis import strategies as st

from pilkada.tallies.form import CATEGORY_KEYS, FIELDS, LPJ_ROWS, SCHEMES, SheetNumbers
from pilkada.tallies.rules import RuleContext, expected_ballots, vote_key

RESERVE_PERCENTS = (Decimal("2.5"), Decimal("2"), Decimal("0"), Decimal("3.75"))
VOTER_LIMITS = (300, 500, 600, 800)


@dataclass(frozen=True)
class SheetCase:
    """A drawn sheet and the context to check it in."""

    numbers: SheetNumbers
    ctx: RuleContext

    def keys(self) -> list[str]:
        """Every entered box: field names and ``votes:<n>``."""
        names = [f for f in FIELDS if self.numbers.get(f) is not None]
        return names + [vote_key(n) for n, v in sorted(self.numbers.votes.items()) if v is not None]

    def value(self, key: str) -> int | None:
        if key.startswith("votes:"):
            return self.numbers.votes.get(int(key.split(":")[1]))
        return self.numbers.get(key)

    def with_value(self, key: str, value: int | None) -> SheetCase:
        """A copy with one box set (``None`` = not entered)."""
        fields, votes = dict(self.numbers.fields), dict(self.numbers.votes)
        if key.startswith("votes:"):
            votes[int(key.split(":")[1])] = value
        else:
            fields[key] = value
        return SheetCase(SheetNumbers(fields=fields, votes=votes), self.ctx)

    def without(self, keys) -> SheetCase:
        case = self
        for key in keys:
            case = case.with_value(key, None)
        return case


def _split(draw, total: int, parts: int) -> list[int]:
    """``total`` cut into ``parts`` non-negative ints (order-preserving cut points)."""
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=parts - 1, max_size=parts - 1)))
    bounds = [0, *cuts, total]
    return [b - a for a, b in zip(bounds, bounds[1:], strict=False)]


@st.composite
def ballot_numbers(draw, min_pairs: int = 1, max_pairs: int = 6) -> tuple[int, ...]:
    """Usually 1..n; sometimes other distinct numbers (e.g. 0 for an empty box)."""
    n = draw(st.integers(min_pairs, max_pairs))
    if draw(st.booleans()):
        return tuple(range(1, n + 1))
    return tuple(sorted(draw(st.sets(st.integers(0, 12), min_size=n, max_size=n))))


@st.composite
def consistent_sheets(draw, max_dpt_side: int = 400, max_extra_side: int = 30) -> SheetCase:
    """A fully entered sheet that breaks no error rule, for a random scheme and 1–6 pairs.

    Registered voters per category and sex are drawn first, then voters who voted (never
    more than registered), disabled voters within both, votes and ballots derived so that
    every sum holds. The voter limit is at least the number of voters who voted, so only
    warnings (R11–R13) can fire.
    """
    scheme = SCHEMES[draw(st.sampled_from(sorted(SCHEMES)))]
    fields: dict[str, int] = {}
    for key in CATEGORY_KEYS:
        top = max_dpt_side if key == "1" else max_extra_side
        for sex in ("men", "women"):
            registered = draw(st.integers(0, top))
            fields[f"registered_{key}_{sex}"] = registered
            fields[f"voted_{key}_{sex}"] = draw(st.integers(0, registered))
    for kind in ("registered", "voted"):
        for sex in ("men", "women"):
            fields[f"{kind}_all_{sex}"] = sum(fields[f"{kind}_{c}_{sex}"] for c in CATEGORY_KEYS)
    for sex in ("men", "women"):
        disabled = draw(st.integers(0, min(fields[f"registered_all_{sex}"], 20)))
        fields[f"disabled_registered_{sex}"] = disabled
        fields[f"disabled_voted_{sex}"] = draw(
            st.integers(0, min(disabled, fields[f"voted_all_{sex}"]))
        )
    for row in LPJ_ROWS:
        fields[f"{row}_total"] = fields[f"{row}_men"] + fields[f"{row}_women"]

    voted = fields["voted_all_total"]
    invalid = draw(st.integers(0, voted))
    fields.update(total_votes=voted, invalid_votes=invalid, valid_votes=voted - invalid)
    numbers = draw(ballot_numbers())
    votes = dict(zip(numbers, _split(draw, voted - invalid, len(numbers)), strict=True))

    reserve_percent = draw(st.sampled_from(RESERVE_PERCENTS))
    dpt = fields["registered_1_total"]
    received = expected_ballots(dpt, reserve_percent)
    if received < voted or draw(st.integers(0, 9)) == 0:
        received = voted + draw(st.integers(0, 50))
    damaged, unused = _split(draw, received - voted, 2)
    fields.update(
        ballots_received=received,
        ballots_damaged=damaged,
        ballots_unused=unused,
        ballots_used=voted,
    )
    assert set(fields) == set(FIELDS)

    tps_registered = draw(st.one_of(st.none(), st.just(dpt), st.integers(0, 2 * max_dpt_side)))
    ctx = RuleContext(
        scheme=scheme,
        voter_limit=max(draw(st.sampled_from(VOTER_LIMITS)), voted),
        reserve_percent=reserve_percent,
        ballot_numbers=numbers,
        tps_registered=tps_registered,
    )
    return SheetCase(SheetNumbers(fields=fields, votes=votes), ctx)


@st.composite
def arbitrary_sheets(draw, max_value: int = 2000) -> SheetCase:
    """Any sheet at all: every box None or an arbitrary count, votes for any numbers."""
    count = st.one_of(st.none(), st.integers(0, max_value))
    fields = {f: draw(count) for f in FIELDS}
    numbers = draw(ballot_numbers())
    vote_numbers = draw(st.sets(st.integers(0, 12), max_size=8)) | set(
        draw(st.sets(st.sampled_from(numbers)))
    )
    votes = {n: draw(count) for n in sorted(vote_numbers)}
    ctx = RuleContext(
        scheme=SCHEMES[draw(st.sampled_from(sorted(SCHEMES)))],
        voter_limit=draw(st.sampled_from(VOTER_LIMITS)),
        reserve_percent=draw(st.sampled_from(RESERVE_PERCENTS)),
        ballot_numbers=numbers,
        tps_registered=draw(count),
    )
    return SheetCase(SheetNumbers(fields=fields, votes=votes), ctx)
