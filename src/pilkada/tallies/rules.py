"""Consistency rules R1–R13 of the C.Hasil form, as pure functions returning findings.

No database access: a sheet's numbers and a small context in, a list of findings out.
A box that was not entered (``None`` or absent) is unknown, never zero, so a rule that needs
it is simply not evaluated. Counts are ints; the two rules with percentages (R11, R12) use
exact integer/Decimal arithmetic, never floats.

R14 (two sources agree) and R15 (recap = sum of children) compare several sheets and live
elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext as _

from pilkada.tallies.form import (
    CATEGORY_KEYS,
    LPJ_ROWS,
    SEX_LABELS,
    SEXES,
    SheetNumbers,
    VoterScheme,
    field_label,
    row_label,
)


class Severity(StrEnum):
    """An error blocks verification of a sheet; a warning is only shown."""

    ERROR = "error"
    WARNING = "warning"


ERROR = Severity.ERROR
WARNING = Severity.WARNING

# KawalPemilu's red flag: more votes than DPT × 1.02 (kept as a fraction for exact comparison).
KAWALPEMILU_FACTOR = Decimal("1.02")
_FACTOR_NUM, _FACTOR_DEN = KAWALPEMILU_FACTOR.as_integer_ratio()


@dataclass(frozen=True)
class Finding:
    """One rule a sheet breaks: rule id, severity, the boxes involved and an Indonesian text.

    ``fields`` holds names from ``form.FIELDS`` and ``votes:<n>`` for pair ``n``'s votes.
    """

    rule: str
    severity: str
    fields: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class RuleContext:
    """What the rules need besides the form: the election's settings and the TPS's DPT."""

    scheme: VoterScheme
    voter_limit: int
    reserve_percent: Decimal
    ballot_numbers: tuple[int, ...]
    tps_registered: int | None = None


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


def reserve_ballots(dpt: int, reserve_percent: Decimal | int) -> int:
    """The reserve for one TPS: ``ceil(dpt × reserve_percent / 100)``, exactly."""
    num, den = Decimal(reserve_percent).as_integer_ratio()
    return -(-dpt * num // (den * 100))


def expected_ballots(dpt: int, reserve_percent: Decimal | int) -> int:
    """DPT plus the reserve, rounded up per TPS (2.5 % of 229 → 6, so 235)."""
    return dpt + reserve_ballots(dpt, reserve_percent)


def exceeds_kawalpemilu(total: int, dpt: int) -> bool:
    """``total > dpt × 1.02``, compared exactly (DPT 250: 255 is fine, 256 is not)."""
    return total * _FACTOR_DEN > dpt * _FACTOR_NUM


def vote_key(number: int) -> str:
    """The ``Finding.fields`` entry for pair ``number``'s votes."""
    return f"votes:{number}"


def _number(value: Decimal | int) -> str:
    """Indonesian decimal comma, trailing zeros dropped: 233.58 → ``233,58``, 2.50 → ``2,5``."""
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",")


class _Checker:
    def __init__(self, numbers: SheetNumbers, ctx: RuleContext):
        self.n = numbers
        self.ctx = ctx
        self.findings: list[Finding] = []

    def get(self, *names: str) -> list[int] | None:
        """The values of ``names``, or None if any of them was not entered."""
        fields, values = self.n.fields, []
        for name in names:
            value = fields.get(name)
            if value is None:
                return None
            values.append(value)
        return values

    def label(self, name: str) -> str:
        return field_label(name, self.ctx.scheme)

    def add(self, rule: str, fields: Iterable[str], message: str, severity=ERROR) -> None:
        self.findings.append(Finding(rule, severity, tuple(fields), message))

    def exceeds(self, rule: str, smaller: str, larger: str) -> None:
        """``smaller`` ≤ ``larger`` (R4, R10)."""
        values = self.get(smaller, larger)
        if values and values[0] > values[1]:
            self.add(
                rule,
                [smaller, larger],
                _("%(a)s tertulis %(va)d, melebihi %(b)s yang tertulis %(vb)d.")
                % {
                    "a": self.label(smaller),
                    "va": values[0],
                    "b": self.label(larger),
                    "vb": values[1],
                },
            )

    def equals_sum(self, rule: str, total: str, parts: tuple[str, ...]) -> None:
        """``total`` = sum of ``parts`` (R6–R9; one part means plain equality)."""
        values = self.get(*parts, total)
        if not values or sum(values[:-1]) == values[-1]:
            return
        if len(parts) == 1:
            message = _("%(a)s tertulis %(va)d, tetapi %(b)s tertulis %(vb)d; keduanya harus sama.")
            params = {
                "a": self.label(parts[0]),
                "va": values[0],
                "b": self.label(total),
                "vb": values[1],
            }
        else:
            message = _("%(parts)s = %(sum)d, tetapi %(total)s tertulis %(value)d.")
            shown = " + ".join(f"{self.label(p)} {v}" for p, v in zip(parts, values, strict=False))
            params = {
                "parts": shown,
                "sum": sum(values[:-1]),
                "total": self.label(total),
                "value": values[-1],
            }
        self.add(rule, [*parts, total], message % params)

    # R1 -----------------------------------------------------------------------------------
    def lpj_rows(self) -> None:
        for row in LPJ_ROWS:
            names = [f"{row}_{s}" for s in SEXES]
            values = self.get(*names)
            if values and values[0] + values[1] != values[2]:
                self.add(
                    "R1",
                    names,
                    _("Baris %(row)s: L %(m)d + P %(w)d = %(sum)d, tetapi J tertulis %(j)d.")
                    % {
                        "row": row_label(row, self.ctx.scheme),
                        "m": values[0],
                        "w": values[1],
                        "sum": values[0] + values[1],
                        "j": values[2],
                    },
                )

    # R2, R3 -------------------------------------------------------------------------------
    def category_totals(self, rule: str, kind: str) -> None:
        for sex in SEXES:
            parts = [f"{kind}_{c}_{sex}" for c in CATEGORY_KEYS]
            total = f"{kind}_all_{sex}"
            values = self.get(*parts, total)
            if values and sum(values[:3]) != values[3]:
                shown = " + ".join(
                    f"{name} {v}"
                    for name, v in zip(self.ctx.scheme.categories, values[:3], strict=True)
                )
                self.add(
                    rule,
                    [*parts, total],
                    _("Baris %(row)s (%(sex)s): %(parts)s = %(sum)d, tetapi jumlah tertulis %(v)d.")
                    % {
                        "row": row_label(f"{kind}_all", self.ctx.scheme),
                        "sex": SEX_LABELS[sex],
                        "parts": shown,
                        "sum": sum(values[:3]),
                        "v": values[3],
                    },
                )

    # R4 -----------------------------------------------------------------------------------
    def voted_within_registered(self) -> None:
        for key in (*CATEGORY_KEYS, "all"):
            for sex in SEXES:
                self.exceeds("R4", f"voted_{key}_{sex}", f"registered_{key}_{sex}")

    # R5 -----------------------------------------------------------------------------------
    def pair_votes(self) -> None:
        known = set(self.ctx.ballot_numbers)
        # Any entered value, even 0, for a pair the election does not have is a box that
        # does not exist on this form.
        for number in sorted(n for n, v in self.n.votes.items() if v is not None):
            if number not in known:
                self.add(
                    "R5",
                    [vote_key(number)],
                    _(
                        "Ada %(v)d suara untuk paslon nomor urut %(n)d, padahal nomor urut itu "
                        "tidak ada dalam pemilihan ini."
                    )
                    % {"v": self.n.votes[number], "n": number},
                )
        numbers = tuple(self.ctx.ballot_numbers)
        votes = [self.n.votes.get(number) for number in numbers]
        valid = self.n.get("valid_votes")
        if not numbers or valid is None or any(v is None for v in votes):
            return
        if sum(votes) != valid:
            shown = " + ".join(
                _("nomor %(n)d (%(v)d)") % {"n": n, "v": v}
                for n, v in zip(numbers, votes, strict=True)
            )
            self.add(
                "R5",
                [*(vote_key(n) for n in numbers), "valid_votes"],
                _("Suara paslon %(parts)s = %(sum)d, tetapi %(label)s tertulis %(valid)d.")
                % {
                    "parts": shown,
                    "sum": sum(votes),
                    "label": self.label("valid_votes"),
                    "valid": valid,
                },
            )

    # R10 ----------------------------------------------------------------------------------
    def disabled(self) -> None:
        for sex in SEXES:
            self.exceeds("R10", f"disabled_voted_{sex}", f"disabled_registered_{sex}")
        self.exceeds("R10", "disabled_voted_total", "voted_all_total")

    # R11–R13 ------------------------------------------------------------------------------
    def dpt(self) -> tuple[int | None, str | None]:
        """The TPS's DPT and the field it came from: the form, else the TPS registry (None)."""
        on_form = self.n.get("registered_1_total")
        if on_form is not None:
            return on_form, "registered_1_total"
        return self.ctx.tps_registered, None

    def dpt_text(self, dpt: int, source: str | None) -> str:
        name = self.ctx.scheme.categories[0]
        if source is None:
            return _("%(dpt)s %(n)d (menurut data pemilih TPS)") % {"dpt": name, "n": dpt}
        return f"{name} {dpt}"

    def reserve(self) -> None:
        received = self.n.get("ballots_received")
        dpt, source = self.dpt()
        if received is None or dpt is None:
            return
        reserve = reserve_ballots(dpt, self.ctx.reserve_percent)
        if received != dpt + reserve:
            self.add(
                "R11",
                ["ballots_received", *([source] if source else [])],
                _(
                    "%(label)s tertulis %(r)d, seharusnya %(dpt)s + cadangan %(p)s%% "
                    "dibulatkan ke atas %(res)d = %(e)d."
                )
                % {
                    "label": self.label("ballots_received"),
                    "r": received,
                    "dpt": self.dpt_text(dpt, source),
                    "p": _number(self.ctx.reserve_percent),
                    "res": reserve,
                    "e": dpt + reserve,
                },
                WARNING,
            )

    def votes_within_limits(self) -> None:
        total_field = "total_votes" if self.n.get("total_votes") is not None else "voted_all_total"
        total = self.n.get(total_field)
        if total is None:
            return
        dpt, source = self.dpt()
        if dpt is not None and exceeds_kawalpemilu(total, dpt):
            self.add(
                "R12",
                [total_field, *([source] if source else [])],
                _("%(label)s %(t)d melebihi %(dpt)s × 1,02 = %(lim)s (tanda bahaya KawalPemilu).")
                % {
                    "label": self.label(total_field),
                    "t": total,
                    "dpt": self.dpt_text(dpt, source),
                    "lim": _number(dpt * KAWALPEMILU_FACTOR),
                },
                WARNING,
            )
        if total > self.ctx.voter_limit:
            self.add(
                "R12",
                [total_field],
                _("%(label)s %(t)d melebihi batas %(lim)d pemilih per TPS pada pemilihan ini.")
                % {"label": self.label(total_field), "t": total, "lim": self.ctx.voter_limit},
            )

    def dpt_matches_list(self) -> None:
        on_form = self.n.get("registered_1_total")
        listed = self.ctx.tps_registered
        if on_form is not None and listed is not None and on_form != listed:
            self.add(
                "R13",
                ["registered_1_total"],
                _(
                    "%(label)s pada formulir tertulis %(f)d, tetapi menurut data pemilih "
                    "TPS ini terdaftar %(l)d pemilih."
                )
                % {"label": self.label("registered_1_total"), "f": on_form, "l": listed},
                WARNING,
            )

    def run(self) -> list[Finding]:
        self.lpj_rows()
        self.category_totals("R2", "registered")
        self.category_totals("R3", "voted")
        self.voted_within_registered()
        self.pair_votes()
        self.equals_sum("R6", "total_votes", ("valid_votes", "invalid_votes"))
        self.equals_sum("R7", "voted_all_total", ("total_votes",))
        self.equals_sum(
            "R8", "ballots_received", ("ballots_damaged", "ballots_unused", "ballots_used")
        )
        self.equals_sum("R9", "voted_all_total", ("ballots_used",))
        self.disabled()
        self.reserve()
        self.votes_within_limits()
        self.dpt_matches_list()
        # Already in rule order; the stable sort keeps that true if the calls above move.
        return sorted(self.findings, key=lambda f: int(f.rule[1:]))


def check_sheet(numbers: SheetNumbers, ctx: RuleContext) -> list[Finding]:
    """Every finding for one sheet, ordered by rule number (R1 first)."""
    return _Checker(numbers, ctx).run()
