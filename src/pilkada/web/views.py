"""Minimal web views: election list, recap with drill-down, one TPS's sheet and history."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from pilkada.access.decorators import ensure, guarded, public
from pilkada.access.policy import Action, home_region
from pilkada.audit.chain import head
from pilkada.core.numbers import format_int, format_percent
from pilkada.elections.selectors import ElectionNotFound, get_election, list_elections, pairs_of
from pilkada.recap.selectors import RECAP_LEVELS, RecapError, election_recap, region_names
from pilkada.regions import codes
from pilkada.regions.models import PollingStation, Region
from pilkada.tallies.form import (
    LPJ_ROWS,
    SECTIONS,
    SEXES,
    SheetNumbers,
    diff_numbers,
    field_label,
    row_label,
)
from pilkada.tallies.models import TallySheet
from pilkada.tallies.rules import check_sheet
from pilkada.tallies.selectors import ballot_numbers, rule_context, sheet_history


def election_or_404(code: str):
    try:
        return get_election(code)
    except ElectionNotFound:
        raise Http404 from None


@public
def home(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "web/home.html", {"elections": list_elections()})


@guarded(Action.VIEW)
def recap_view(request, code: str, region: str | None = None):
    election = election_or_404(code)
    if region is None:
        start = home_region(request.user, Action.VIEW, election.area_code)
        if start is not None and start != election.area_code:
            return redirect("web:recap", code=election.code, region=start)
        region = election.area_code
    ensure(request, Action.VIEW, region=region)
    depth = region.count(".") + 1 if region else 0
    if depth >= len(RECAP_LEVELS):
        raise Http404
    level = RECAP_LEVELS[depth]
    try:
        recap = election_recap(election, within=region, level=level)
    except RecapError:
        raise Http404 from None
    names = region_names(recap)
    pairs = pairs_of(election)
    rows = [_display_row(r, names.get(r.code, ""), pairs, level) for r in recap.rows]
    return render(
        request,
        "web/recap.html",
        {
            "election": election,
            "area_code": region,
            "area_name": names.get(region) or election.area_name,
            "breadcrumbs": _breadcrumbs(election, region),
            "level": level,
            "pairs": pairs,
            "rows": rows,
            "total": _display_row(recap.total, names.get(region, ""), pairs, ""),
            "chain_head": head(),
        },
    )


def _breadcrumbs(election, code: str) -> list[Region]:
    """The regions from the election's area down to ``code``, for navigation."""
    if not code:
        return []
    regions = Region.objects.filter(code__in=codes.ancestors(code)).order_by("code")
    return [r for r in regions if codes.is_within(r.code, election.area_code)]


def _display_row(row, name: str, pairs, level: str) -> dict:
    shares = row.shares
    return {
        "code": row.code,
        "name": name,
        "is_tps": level == "tps",
        "tps_reported": row.tps_reported,
        "tps_total": row.tps_total,
        "registered": format_int(row.registered),
        "votes": [
            (
                format_int(row.votes.get(p.number, 0)),
                format_percent(shares[p.number]) if p.number in shares else "–",
            )
            for p in pairs
        ],
        "valid": format_int(row.valid_total),
        "turnout": format_percent(row.turnout) if row.turnout is not None else "–",
        "errors": row.sheets_with_errors,
    }


@guarded(Action.VIEW)
def sheet_view(request, code: str, tps_id: str):
    election = election_or_404(code)
    try:
        desa_code, number = codes.split_sirekap_tps_id(tps_id)
    except ValueError:
        raise Http404 from None
    station = get_object_or_404(
        PollingStation.objects.select_related("desa"), desa__code=desa_code, number=number
    )
    if not codes.is_within(desa_code, election.area_code):
        raise Http404
    ensure(request, Action.VIEW, station=station)
    sheet = TallySheet.objects.filter(election=election, polling_station=station).first()
    context = {
        "election": election,
        "station": station,
        "sheet": sheet,
        "breadcrumbs": _breadcrumbs(election, desa_code),
    }
    if sheet is not None:
        numbers = sheet.numbers()
        pairs = pairs_of(election)
        findings = check_sheet(numbers, rule_context(election, station, ballot_numbers(election)))
        context.update(
            sections=_sections(numbers, election.scheme),
            votes=[(p, numbers.votes.get(p.number)) for p in pairs],
            findings=findings,
            history=_history(sheet, election.scheme),
        )
    return render(request, "web/sheet.html", context)


def _sections(numbers: SheetNumbers, scheme) -> list[dict]:
    out = []
    for key, title, rows in SECTIONS:
        lines = []
        for row in rows:
            if row in LPJ_ROWS:
                lines.append(
                    {
                        "label": row_label(row, scheme),
                        "values": [numbers.get(f"{row}_{s}") for s in SEXES],
                    }
                )
            else:
                lines.append({"label": field_label(row, scheme), "values": [numbers.get(row)]})
        out.append({"key": key, "title": title, "lines": lines})
    return out


def change_label(key: str, scheme) -> str:
    if key.startswith("votes:"):
        return _("Suara paslon %(n)s") % {"n": key.split(":", 1)[1]}
    return field_label(key, scheme)


def _history(sheet: TallySheet, scheme) -> list[dict]:
    entries, previous = [], SheetNumbers()
    for rev in sheet_history(sheet):
        current = SheetNumbers.from_dict(rev.numbers)
        changes = [
            (change_label(key, scheme), old, new)
            for key, old, new in diff_numbers(previous, current)
        ]
        entries.append({"rev": rev, "changes": changes})
        previous = current
    return list(reversed(entries))
