"""Dashboards of an election's results, internal and public, refreshing themselves.

One page per region of the election's area: summary cards (TPS reported, turnout, valid and
invalid votes, last update), a chart of the votes per pair, a table with one row per child
region (drill-down kabupaten → kecamatan → desa → TPS) and the head of the change log. The
internal page adds the TPS whose sheets break the form's rules.

The live part of the page is ``web/_dashboard_live.html``. Browsers with JavaScript re-fetch it
with htmx every ``REFRESH_SECONDS`` (the same URL with ``?bagian=isi`` returns only that part);
without JavaScript the page is complete and a reload shows the new numbers. ``?otomatis=tidak``
turns the refresh off (for people who need the page to hold still). The bare live part goes
only to htmx (``HX-Request`` header); a plain request for it gets the whole page.

Every page reads a fixed number of queries whatever the number of regions, TPS and sheets:
the recap reads all TPS, sheets and votes of the area in bulk (``recap.selectors``), and the
findings, the chart and the last update are computed from what it read
(``web/tests/test_dashboard.py`` pins the counts).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from pilkada.access.decorators import ensure, guarded, public
from pilkada.access.models import Assignment, Role
from pilkada.access.policy import Action, home_region, regions_for
from pilkada.audit.chain import head
from pilkada.core.numbers import format_int, format_percent
from pilkada.elections.models import Election
from pilkada.elections.selectors import list_elections, pairs_of
from pilkada.recap.compute import RecapRow
from pilkada.recap.selectors import (
    RECAP_LEVELS,
    RecapError,
    election_recap_with_sheets,
    region_names,
)
from pilkada.regions import codes
from pilkada.regions.models import Region
from pilkada.tallies.models import SheetStatus
from pilkada.tallies.selectors import CheckedSheet
from pilkada.web.views import _breadcrumbs, election_or_404

CACHE_SECONDS = 300
"""How long a computed dashboard is kept (a change of the data replaces it sooner)."""

REFRESH_SECONDS = 30
"""How often the live part of a dashboard re-fetches itself."""

PART_PARAM, PART_LIVE = "bagian", "isi"
"""``?bagian=isi``: only the live part of the page (what htmx swaps in)."""

AUTO_PARAM, AUTO_OFF = "otomatis", "tidak"
"""``?otomatis=tidak``: the page without automatic refresh."""

FINDINGS_CAP = 100
"""At most this many TPS in the internal list of TPS with findings (the count says how many)."""

PUBLISHED_STATUSES = (SheetStatus.VERIFIED,)
"""Sheet statuses the public dashboard counts (see ``public_view``)."""

PAIR_COLOURS = 6
"""Colour classes for the chart's bars (``pair-c1`` … ``pair-c6``), repeated beyond that."""

CHART_SCALE = 1000
"""Width of a full bar (100 %) in the chart's SVG units."""


@public
def home(request):
    """The election list, open to everyone: each election's public dashboard; for a signed-in
    user also the internal dashboard where their scope starts (``policy.home_region``) and,
    for a witness, the TPS assigned to them inside the election's area."""
    elections = list(list_elections())
    user = request.user
    internal: dict[int, list[dict]] = {}
    stations: dict[int, list[dict]] = {}
    if user.is_authenticated:
        internal = _internal_starts(user, elections)
        stations = _witness_stations(user, elections)
    items = [
        {
            "election": e,
            "internal": internal.get(e.pk, []),
            "stations": stations.get(e.pk, []),
        }
        for e in elections
    ]
    return render(request, "web/home.html", {"items": items})


def _internal_starts(user, elections: list[Election]) -> dict[int, list[dict]]:
    """Per election, the internal dashboards the user may open: the one where their scope
    starts or, with several regions inside the area, one per region. One query for the names."""
    starts: dict[int, list[str]] = {}
    for e in elections:
        start = home_region(user, Action.VIEW, e.area_code)
        if start is not None:
            starts[e.pk] = [start]
        else:
            scope = regions_for(user, Action.VIEW) or []
            starts[e.pk] = [r for r in scope if codes.is_within(r, e.area_code)]
    wanted = {code for found in starts.values() for code in found}
    names = dict(Region.objects.filter(code__in=wanted).values_list("code", "name"))
    links: dict[int, list[dict]] = {}
    for e in elections:
        links[e.pk] = [
            {
                "url": reverse("web:recap-top", args=[e.code])
                if code == e.area_code
                else reverse("web:recap", args=[e.code, code]),
                "name": names.get(code) or e.area_name,
            }
            for code in starts[e.pk]
        ]
    return links


def _witness_stations(user, elections: list[Election]) -> dict[int, list[dict]]:
    """Per election, the witness's TPS inside its area, each with the page to enter its sheet."""
    assigned = [
        a.polling_station
        for a in Assignment.objects.filter(user=user, role=Role.WITNESS)
        .select_related("polling_station__desa")
        .order_by("polling_station__desa__code", "polling_station__number")
    ]
    found: dict[int, list[dict]] = {}
    for e in elections:
        found[e.pk] = [
            {
                "url": _entry_url(e, station),
                "number": station.number,
                "desa": station.desa.name,
                "code": station.sirekap_id,
            }
            for station in assigned
            if codes.is_within(station.desa.code, e.area_code)
        ]
    return found


def _entry_url(election: Election, station) -> str:
    """The form where a witness enters (or corrects) the TPS's result sheet."""
    return reverse("web:entry", args=[election.code, station.sirekap_id])


@guarded(Action.VIEW)
def recap_view(request, code: str, region: str | None = None):
    """The internal dashboard of ``region`` (default: where the user's scope starts).

    Counts every sheet whatever its status and lists the TPS whose sheets break the rules.
    """
    election = election_or_404(code)
    if region is None:
        start = home_region(request.user, Action.VIEW, election.area_code)
        if start is not None and start != election.area_code:
            return redirect("web:recap", code=election.code, region=start)
        region = election.area_code
    ensure(request, Action.VIEW, region=region)
    context = dashboard_context(election, region, statuses=None, internal=True)
    return _render(request, "web/recap.html", context)


@public
def public_view(request, code: str, region: str | None = None):
    """The public dashboard: open to everyone, no sign-in.

    What is published: only sheets with status *verified* (terverifikasi) count, i.e. numbers
    that a second person (not the one who entered them) checked and that have no rule error
    (``tallies.services.set_status``; any later change of the numbers makes the sheet
    "submitted" again, so it leaves the public page until verified anew). Drafts, submitted but
    not yet verified sheets and disputed sheets are left out; their TPS count as not reported.
    The page says so ("Hanya formulir yang sudah diverifikasi").

    What is never shown: rule findings, sheet history, who entered or verified anything (no user
    names), voter data, links to internal pages or downloads of internal files. TPS rows show the
    votes per pair, which are public in Indonesia (the C.Hasil form is posted at every TPS).
    """
    election = election_or_404(code)
    if region is None:
        region = election.area_code
    context = dashboard_context(election, region, statuses=PUBLISHED_STATUSES, internal=False)
    return _render(request, "web/public.html", context)


def _render(request, template: str, context: dict):
    auto = request.GET.get(AUTO_PARAM) != AUTO_OFF
    context.update(
        refresh=auto,
        refresh_seconds=REFRESH_SECONDS,
        refresh_url=f"{request.path}?{PART_PARAM}={PART_LIVE}",
        auto_off_url=f"{request.path}?{AUTO_PARAM}={AUTO_OFF}",
        auto_on_url=request.path,
    )
    live = request.GET.get(PART_PARAM) == PART_LIVE and request.headers.get("HX-Request")
    # The live part is the same for everyone who may see the page: rendered once per change
    # of the data (it holds no user, token or form), it is most of the page's cost.
    part_key = f"{context['cache_key']}:{request.path}:{'auto' if auto else 'still'}"
    html = cache.get(part_key)
    if html is None:
        html = render_to_string("web/_dashboard_live.html", context)
        cache.set(part_key, html, CACHE_SECONDS)
    if live:
        # Only htmx gets the bare live part; any other request for it (e.g. the page a login
        # returns to when the session ended between two refreshes) gets the whole page.
        response = HttpResponse(html)
    else:
        response = render(request, template, {**context, "live_html": mark_safe(html)})  # noqa: S308 (our own template's output)
    patch_vary_headers(response, ["HX-Request"])
    return response


def level_below(region: str) -> str:
    """The level of the rows of ``region``'s dashboard (404 below a desa: TPS are leaves)."""
    depth = region.count(".") + 1 if region else 0
    if depth >= len(RECAP_LEVELS):
        raise Http404
    return RECAP_LEVELS[depth]


def dashboard_context(
    election: Election,
    region: str,
    *,
    statuses: Collection[str] | None,
    internal: bool,
) -> dict:
    """Everything a dashboard page shows; a fixed number of queries.

    ``statuses``: the sheet statuses to count (None: all); ``internal``: with findings.

    On polling night hundreds of people watch the same pages while witnesses save sheets
    every second. A computed page is kept with the head of the change log it was computed
    at (every change of a sheet, TPS, pair or region moves the head). It is served as long
    as the head has not moved, or has moved less than ``PILKADA_DASHBOARD_LAG`` seconds ago
    measured from the computation: the page is never older than that. One request at a time
    computes a page; the others meanwhile get the previous one (or wait for the first).
    """
    level = level_below(region)
    chain = head()
    key = ":".join(
        [
            "dasbor",
            str(election.pk),
            region,
            "internal" if internal else "public",
            ",".join(sorted(statuses)) if statuses is not None else "*",
            get_language() or "",
        ]
    )
    kept = cache.get(key)
    if not _fresh(kept, chain.last_id):
        lock = _lock_for(key)
        if kept is None or lock.acquire(blocking=False):
            if kept is None:
                lock.acquire()
            try:
                kept = cache.get(key)
                if not _fresh(kept, chain.last_id):
                    context = _computed_context(election, region, level, statuses, internal, chain)
                    kept = (chain.last_id, time.time(), context)
                    cache.set(key, kept, CACHE_SECONDS)
            finally:
                lock.release()
    last_id, _computed_at, context = kept
    return {**context, "cache_key": f"{key}:{last_id}"}


def _fresh(kept, head_id: int) -> bool:
    if kept is None:
        return False
    last_id, computed_at, _context = kept
    lag = settings.PILKADA_DASHBOARD_LAG
    return last_id == head_id or time.time() - computed_at < lag


_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock_for(key: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


def _computed_context(election, region, level, statuses, internal, chain) -> dict:
    try:
        data = election_recap_with_sheets(election, within=region, level=level, statuses=statuses)
    except RecapError:
        raise Http404 from None
    recap = data.recap
    names = region_names(recap)
    pairs = pairs_of(election)
    total = recap.total
    context = {
        "election": election,
        "area_code": region,
        "area_name": names.get(region) or election.area_name,
        "breadcrumbs": _breadcrumbs(election, region),
        "level": level,
        "pairs": pairs,
        "rows": [_display_row(r, names.get(r.code, ""), pairs, level) for r in recap.rows],
        "total": _display_row(total, names.get(region, ""), pairs, ""),
        "summary": _summary(total),
        "chart": _chart(total, pairs),
        "last_update": max((c.sheet.updated_at for c in data.checked), default=None),
        "chain_head": chain,
        "public": not internal,
    }
    if internal:
        flagged, flagged_count = _flagged(data.checked, FINDINGS_CAP)
        context.update(flagged=flagged, flagged_count=flagged_count, findings_cap=FINDINGS_CAP)
    return context


def _display_row(row: RecapRow, name: str, pairs, level: str) -> dict:
    shares = row.shares
    entered = row.sheets > 0
    return {
        "code": row.code,
        "name": name,
        "is_tps": level == "tps",
        "tps_number": row.code[10:] if level == "tps" else "",
        "tps_reported": row.tps_reported,
        "tps_total": row.tps_total,
        "registered": format_int(row.registered),
        "votes": [
            (
                format_int(row.votes.get(p.number, 0)) if entered else "–",
                format_percent(shares[p.number]) if p.number in shares else "–",
            )
            for p in pairs
        ],
        "valid": format_int(row.valid_total) if entered else "–",
        "turnout": format_percent(row.turnout) if row.turnout is not None else "–",
        "errors": row.sheets_with_errors,
    }


def _summary(total: RecapRow) -> dict:
    reported = Decimal(total.tps_reported) / Decimal(total.tps_total) if total.tps_total else None
    invalid = total.fields.get("invalid_votes")
    return {
        "tps_reported": format_int(total.tps_reported),
        "tps_total": format_int(total.tps_total),
        "tps_percent": format_percent(reported),
        "turnout": format_percent(total.turnout),
        "valid": format_int(total.valid_total) if total.sheets else "–",
        "invalid": format_int(invalid) if invalid is not None else "–",
        "sheets": format_int(total.sheets),
        "errors": total.sheets_with_errors,
    }


@dataclass(frozen=True)
class Bar:
    number: int
    label: str
    votes: str
    share: str
    width: int  # of CHART_SCALE
    colour: int  # 1..PAIR_COLOURS


def _chart(total: RecapRow, pairs) -> dict:
    """One bar per pair: its share of the valid votes (the numbers are printed next to it)."""
    shares = total.shares
    bars = []
    for i, pair in enumerate(pairs):
        share = shares.get(pair.number)
        bars.append(
            Bar(
                number=pair.number,
                label=pair.display_name,
                votes=format_int(total.votes.get(pair.number, 0)),
                share=format_percent(share),
                width=int((share or 0) * CHART_SCALE + Decimal("0.5")),
                colour=i % PAIR_COLOURS + 1,
            )
        )
    return {"bars": bars, "scale": CHART_SCALE, "empty": not shares}


def _rule_key(rule: str) -> tuple[int, str]:
    digits = rule.lstrip("R")
    return (int(digits) if digits.isdigit() else 0, rule)


def _flagged(checked: list[CheckedSheet], cap: int) -> tuple[list[dict], int]:
    """TPS whose sheet has findings, those with errors first (then by code), at most ``cap``;
    and how many there are in all."""
    flagged = [c for c in checked if c.findings]
    flagged.sort(key=lambda c: not c.has_errors)  # stable: code order within each group
    rows = []
    for c in flagged[:cap]:
        errors = sorted({f.rule for f in c.findings if f.severity == "error"}, key=_rule_key)
        warnings = sorted({f.rule for f in c.findings if f.severity != "error"}, key=_rule_key)
        rows.append(
            {
                "tps_id": c.station.sirekap_id,
                "desa": c.station.desa.name,
                "number": c.station.number,
                "status": c.sheet.get_status_display(),
                "errors": ", ".join(errors),
                "warnings": ", ".join(warnings),
            }
        )
    return rows, len(flagged)
