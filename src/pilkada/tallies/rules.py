"""Consistency rules R1–R13 of the C.Hasil form, as pure functions returning findings.

No database access: a sheet's numbers and a small context in, a list of findings out.
A box that was not entered (``None``) is unknown, so a rule that needs it is not evaluated.
Counts are ints; the two rules with percentages (R11, R12) use exact Decimal arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from pilkada.tallies.form import (
    CATEGORY_KEYS,
    LPJ_ROWS,
    SEXES,
    SheetNumbers,
    VoterScheme,
    field_label,
    row_label,
)

ERROR = "error"
WARNING = "warning"
KAWALPEMILU_FACTOR = Decimal("1.02")


@dataclass(frozen=True)
class Finding:
    """One rule a sheet breaks: rule id, severity, the boxes involved and an Indonesian text."""

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


def expected_ballots(dpt: int, reserve_percent: Decimal) -> int:
    """DPT plus the reserve, rounded up per TPS (2.5 % of 229 → 6, so 235)."""
    return dpt + math.ceil(Decimal(dpt) * reserve_percent / 100)


class _Checker:
    def __init__(self, numbers: SheetNumbers, ctx: RuleContext):
        self.n = numbers
        self.ctx = ctx
        self.findings: list[Finding] = []

    def get(self, *names: str) -> list[int] | None:
        values = [self.n.get(name) for name in names]
        return None if any(v is None for v in values) else values

    def label(self, name: str) -> str:
        return field_label(name, self.ctx.scheme)

    def add(self, rule: str, fields: Iterable[str], message: str, severity: str = ERROR):
        self.findings.append(Finding(rule, severity, tuple(fields), message))

    # R1 -----------------------------------------------------------------------------------
    def lpj_sums(self) -> None:
        for row in LPJ_ROWS:
            names = [f"{row}_{s}" for s in SEXES]
            values = self.get(*names)
            if values and values[0] + values[1] != values[2]:
                self.add(
                    "R1",
                    names,
                    _("%(row)s: L %(m)d + P %(w)d = %(sum)d, tetapi J tertulis %(j)d.")
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
                self.add(
                    rule,
                    [*parts, total],
                    _(
                        "%(total)s = %(value)d, tetapi jumlah ketiga kategori "
                        "%(a)d + %(b)d + %(c)d = %(sum)d."
                    )
                    % {
                        "total": self.label(total),
                        "value": values[3],
                        "a": values[0],
                        "b": values[1],
                        "c": values[2],
                        "sum": sum(values[:3]),
                    },
                )

    # R4 -----------------------------------------------------------------------------------
    def voted_within_registered(self) -> None:
        for key in (*CATEGORY_KEYS, "all"):
            for sex in SEXES:
                voted, registered = f"voted_{key}_{sex}", f"registered_{key}_{sex}"
                values = self.get(voted, registered)
                if values and values[0] > values[1]:
                    self.add(
                        "R4",
                        [voted, registered],
                        _("%(voted)s (%(v)d) melebihi %(reg)s (%(r)d).")
                        % {
                            "voted": self.label(voted),
                            "v": values[0],
                            "reg": self.label(registered),
                            "r": values[1],
                        },
                    )

    # R5 -----------------------------------------------------------------------------------
    def pair_votes(self) -> None:
        known = set(self.ctx.ballot_numbers)
        for number in sorted(set(self.n.votes) - known):
            if self.n.votes[number] is not None:
                self.add(
                    "R5",
                    [f"votes:{number}"],
                    _(
                        "Ada suara untuk paslon nomor urut %(n)d, padahal nomor itu tidak ada "
                        "dalam pemilihan ini."
                    )
                    % {"n": number},
                )
        votes = [self.n.votes.get(number) for number in self.ctx.ballot_numbers]
        valid = self.n.get("valid_votes")
        if not votes or valid is None or any(v is None for v in votes):
            return
        if sum(votes) != valid:
            parts = " + ".join(str(v) for v in votes)
            self.add(
                "R5",
                [*(f"votes:{n}" for n in self.ctx.ballot_numbers), "valid_votes"],
                _("Suara paslon %(parts)s = %(sum)d, tetapi jumlah suara sah tertulis %(valid)d.")
                % {"parts": parts, "sum": sum(votes), "valid": valid},
            )

    # R6–R9 ---------------------------------------------------------------------------------
    def equal_to_sum(self, rule: str, total: str, parts: tuple[str, ...]) -> None:
        values = self.get(*parts, total)
        if values and len(parts) == 1 and values[0] != values[1]:
            self.add(
                rule,
                [*parts, total],
                _("%(a)s tertulis %(va)d, tetapi %(b)s tertulis %(vb)d; keduanya harus sama.")
                % {
                    "a": self.label(parts[0]),
                    "va": values[0],
                    "b": self.label(total),
                    "vb": values[1],
                },
            )
        elif values and sum(values[:-1]) != values[-1]:
            shown = " + ".join(f"{self.label(p)} {v}" for p, v in zip(parts, values, strict=False))
            self.add(
                rule,
                [*parts, total],
                _("%(parts)s = %(sum)d, tetapi %(total)s tertulis %(value)d.")
                % {
                    "parts": shown,
                    "sum": sum(values[:-1]),
                    "total": self.label(total),
                    "value": values[-1],
                },
            )

    # R10 ----------------------------------------------------------------------------------
    def disabled(self) -> None:
        for sex in SEXES:
            voted, registered = f"disabled_voted_{sex}", f"disabled_registered_{sex}"
            values = self.get(voted, registered)
            if values and values[0] > values[1]:
                self.add(
                    "R10",
                    [voted, registered],
                    _("%(voted)s (%(v)d) melebihi %(reg)s (%(r)d).")
                    % {
                        "voted": self.label(voted),
                        "v": values[0],
                        "reg": self.label(registered),
                        "r": values[1],
                    },
                )
        values = self.get("disabled_voted_total", "voted_all_total")
        if values and values[0] > values[1]:
            self.add(
                "R10",
                ["disabled_voted_total", "voted_all_total"],
                _(
                    "Pemilih disabilitas yang memilih (%(d)d) melebihi seluruh pengguna hak pilih "
                    "(%(v)d)."
                )
                % {"d": values[0], "v": values[1]},
            )

    # R11–R13 ------------------------------------------------------------------------------
    def dpt(self) -> tuple[int | None, str | None]:
        """The TPS's DPT: from the form, else from the TPS registry."""
        on_form = self.n.get("registered_1_total")
        if on_form is not None:
            return on_form, "registered_1_total"
        return self.ctx.tps_registered, None

    def reserve_ballots(self) -> None:
        received = self.n.get("ballots_received")
        dpt, source = self.dpt()
        if received is None or dpt is None:
            return
        expected = expected_ballots(dpt, self.ctx.reserve_percent)
        if received != expected:
            self.add(
                "R11",
                ["ballots_received", *([source] if source else [])],
                _(
                    "Surat suara diterima %(r)d; seharusnya DPT %(d)d + cadangan %(p)s%% "
                    "dibulatkan ke atas = %(e)d."
                )
                % {"r": received, "d": dpt, "p": _percent(self.ctx.reserve_percent), "e": expected},
                WARNING,
            )

    def votes_within_dpt(self) -> None:
        total, total_field = self.n.get("total_votes"), "total_votes"
        if total is None:
            total, total_field = self.n.get("voted_all_total"), "voted_all_total"
        if total is None:
            return
        dpt, source = self.dpt()
        if dpt is not None and Decimal(total) > Decimal(dpt) * KAWALPEMILU_FACTOR:
            self.add(
                "R12",
                [total_field, *([source] if source else [])],
                _("Jumlah suara %(t)d melebihi DPT %(d)d × 1,02 = %(lim)s.")
                % {"t": total, "d": dpt, "lim": _number(Decimal(dpt) * KAWALPEMILU_FACTOR)},
                WARNING,
            )
        if total > self.ctx.voter_limit:
            self.add(
                "R12",
                [total_field],
                _("Jumlah suara %(t)d melebihi batas %(lim)d pemilih per TPS pada pemilihan ini.")
                % {"t": total, "lim": self.ctx.voter_limit},
            )

    def dpt_matches_list(self) -> None:
        on_form = self.n.get("registered_1_total")
        listed = self.ctx.tps_registered
        if on_form is not None and listed is not None and on_form != listed:
            self.add(
                "R13",
                ["registered_1_total"],
                _("DPT pada formulir %(f)d, tetapi DPT TPS ini menurut data pemilih %(l)d.")
                % {"f": on_form, "l": listed},
                WARNING,
            )

    def run(self) -> list[Finding]:
        self.lpj_sums()
        self.category_totals("R2", "registered")
        self.category_totals("R3", "voted")
        self.voted_within_registered()
        self.pair_votes()
        self.equal_to_sum("R6", "total_votes", ("valid_votes", "invalid_votes"))
        self.equal_to_sum("R7", "voted_all_total", ("total_votes",))
        self.equal_to_sum(
            "R8", "ballots_received", ("ballots_damaged", "ballots_unused", "ballots_used")
        )
        self.equal_to_sum("R9", "voted_all_total", ("ballots_used",))
        self.disabled()
        self.reserve_ballots()
        self.votes_within_dpt()
        self.dpt_matches_list()
        return self.findings


def _number(value: Decimal) -> str:
    """Indonesian decimal comma, trailing zeros dropped: 233.58 → ``233,58``."""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def _percent(value: Decimal) -> str:
    return _number(Decimal(value))


def check_sheet(numbers: SheetNumbers, ctx: RuleContext) -> list[Finding]:
    """Every finding for one sheet, ordered by rule."""
    return _Checker(numbers, ctx).run()
