"""Web views of one TPS: its sheet, findings and history (the election list and the
dashboards are in ``web.dashboard``)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from pilkada.access.decorators import ensure, guarded
from pilkada.access.policy import Action, allows
from pilkada.elections.selectors import ElectionNotFound, get_election, pairs_of
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
from pilkada.tallies.models import SheetStatus, TallySheet
from pilkada.tallies.rules import check_sheet
from pilkada.tallies.selectors import ballot_numbers, rule_context, sheet_history


def election_or_404(code: str):
    try:
        return get_election(code)
    except ElectionNotFound:
        raise Http404 from None


def _breadcrumbs(election, code: str) -> list[Region]:
    """The regions from the election's area down to ``code``, for navigation."""
    if not code:
        return []
    regions = Region.objects.filter(code__in=codes.ancestors(code)).order_by("code")
    return [r for r in regions if codes.is_within(r.code, election.area_code)]


@guarded(Action.VIEW)
def sheet_view(request, code: str, tps_id: str):
    election = election_or_404(code)
    station = station_or_404(election, tps_id)
    ensure(request, Action.VIEW, station=station)
    return render_sheet_page(request, election, station)


def station_or_404(election, tps_id: str) -> PollingStation:
    """The TPS with Sirekap id ``tps_id`` (with its desa) inside the election's area."""
    try:
        desa_code, number = codes.split_sirekap_tps_id(tps_id)
    except ValueError:
        raise Http404 from None
    station = get_object_or_404(
        PollingStation.objects.select_related("desa"), desa__code=desa_code, number=number
    )
    if not codes.is_within(desa_code, election.area_code):
        raise Http404
    return station


def render_sheet_page(request, election, station, *, status: int = 200):
    """The TPS page: the sheet, its findings, who entered and verified it, and its history.
    The caller has checked that the user may view ``station``."""
    sheet = (
        TallySheet.objects.filter(election=election, polling_station=station)
        .select_related("updated_by")
        .first()
    )
    context = {
        "election": election,
        "station": station,
        "sheet": sheet,
        "breadcrumbs": _breadcrumbs(election, station.desa.code),
        "may_enter": allows(request.user, Action.ENTER, station=station),
        "may_verify": allows(request.user, Action.VERIFY, station=station),
    }
    if sheet is not None:
        numbers = sheet.numbers()
        pairs = pairs_of(election)
        findings = check_sheet(numbers, rule_context(election, station, ballot_numbers(election)))
        history = _history(sheet, election.scheme)
        context.update(
            sections=_sections(numbers, election.scheme),
            votes=[(p, numbers.votes.get(p.number)) for p in pairs],
            findings=findings,
            has_errors=any(f.severity == "error" for f in findings),
            history=history,
            **_people(sheet, history),
        )
    return render(request, "web/sheet.html", context, status=status)


def _people(sheet: TallySheet, history: list[dict]) -> dict:
    """The revision that last changed the numbers (``entered``) and, for a verified or
    disputed sheet, the one that gave it that status (``decided``); history is newest first."""
    entered = next((h["rev"] for h in history if h["changes"]), None)
    decided = None
    if sheet.status in (SheetStatus.VERIFIED, SheetStatus.DISPUTED):
        decided = next(
            (h["rev"] for h in history if h["rev"].status == sheet.status and not h["changes"]),
            None,
        )
    return {"entered": entered, "decided": decided}


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
