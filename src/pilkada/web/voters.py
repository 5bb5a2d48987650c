"""Voter-list pages: statistics per region with drill-down, duplicates, and the downloads.

Reading the list needs a role that may view it in the region (``access.policy``); NIK/NKK
appear masked on every page and in every default download. A full-value download needs
``voters.view_full_nik`` and is recorded by the writer (``voters.privacy.record_access``)
before the file leaves the server.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from pilkada.access.decorators import ensure, guarded
from pilkada.access.policy import Action, home_region
from pilkada.recap.compute import RECAP_LEVELS
from pilkada.recap.selectors import RecapError, validate_area
from pilkada.voters.duplicates import TIER_LABELS, TIER_MEANINGS, TIERS, election_duplicates
from pilkada.voters.duplicates_xlsx import write_duplicates_workbook
from pilkada.voters.export import ExportRefused, export_voter_list
from pilkada.voters.privacy import FULL_NIK_PERMISSION, mask
from pilkada.voters.selectors import voter_stats
from pilkada.web.views import _breadcrumbs, election_or_404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_PAIRS = 300


def _area(election, region: str | None) -> str:
    try:
        return validate_area(election, region)
    except RecapError:
        raise Http404 from None


@guarded(Action.VIEW_DPT)
def stats_view(request, code: str, region: str | None = None):
    """Registered voters of the region's children (down to TPS), men/women, disability,
    first-time voters, and the TPS registry's figures beside them."""
    election = election_or_404(code)
    if region is None:
        start = home_region(request.user, Action.VIEW_DPT, election.area_code)
        if start is not None and start != election.area_code:
            return redirect("web:dpt-region", code=election.code, region=start)
    region = _area(election, region) if region else election.area_code
    ensure(request, Action.VIEW_DPT, region=region)
    depth = region.count(".") + 1 if region else 0
    if depth >= len(RECAP_LEVELS):
        raise Http404
    stats = voter_stats(election, within=region, level=RECAP_LEVELS[depth])
    return render(
        request,
        "web/dpt_stats.html",
        {
            "election": election,
            "stats": stats,
            "area_code": region,
            "breadcrumbs": _breadcrumbs(election, region),
            "is_tps": stats.level == "tps",
            "full_nik": request.user.has_perm(FULL_NIK_PERMISSION),
        },
    )


@guarded(Action.VIEW_DPT)
def duplicates_view(request, code: str):
    """Duplicate voters of the election, the most likely first, NIK masked. The pairs span
    the whole election, so only users whose region covers all of it see them."""
    election = election_or_404(code)
    ensure(request, Action.VIEW_DPT, region=election.area_code)
    report = election_duplicates(election)
    rows = []
    for pair in report.pairs.head(SHOWN_PAIRS).iter_rows(named=True):
        rows.append(
            {
                "tier": pair["tier"],
                "score": pair["score"],
                "reason": pair["reason"],
                "sides": [
                    {
                        "nik": mask(pair[f"nik_{side}"]),
                        "name": pair[f"name_{side}"],
                        "birth_date": pair[f"birth_date_{side}"],
                        "tps": pair[f"tps_{side}"],
                        "region": pair.get(f"region_name_{side}", ""),
                    }
                    for side in ("a", "b")
                ],
            }
        )
    tiers = [
        {"tier": t, "label": TIER_LABELS[t], "meaning": TIER_MEANINGS[t], "n": report.counts[t]}
        for t in TIERS
    ]
    return render(
        request,
        "web/dpt_duplicates.html",
        {
            "election": election,
            "voters": report.voters,
            "tiers": tiers,
            "rows": rows,
            "total": report.pairs.height,
            "shown": len(rows),
            "full_nik": request.user.has_perm(FULL_NIK_PERMISSION),
        },
    )


def _wants_full(request) -> bool:
    full = request.GET.get("nik") == "penuh"
    if full and not request.user.has_perm(FULL_NIK_PERMISSION):
        raise PermissionDenied
    return full


def _request_text(request) -> str:
    return f"{request.method} {request.get_full_path()} {request.META.get('REMOTE_ADDR', '')}"


@guarded(Action.VIEW_DPT)
def duplicates_download(request, code: str):
    election = election_or_404(code)
    ensure(request, Action.VIEW_DPT, region=election.area_code)
    full = _wants_full(request)
    report = election_duplicates(election)
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "ganda.xlsx"
        write_duplicates_workbook(report, path, full_nik=full, user=request.user, source="web")
        response = HttpResponse(path.read_bytes(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="dpt-ganda-{election.code}.xlsx"'
    return response


@guarded(Action.VIEW_DPT)
def list_download(request, code: str):
    """The voter list of ``?wilayah=`` in the KPU layout, one sheet per TPS."""
    election = election_or_404(code)
    full = _wants_full(request)
    within = _area(election, request.GET.get("wilayah") or None)
    ensure(request, Action.VIEW_DPT, region=within or election.area_code)
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "dpt.xlsx"
        try:
            export_voter_list(
                election, path, within=within, full_nik=full, user=request.user,
                source="web", request=_request_text(request),
            )  # fmt: skip
        except ExportRefused as exc:
            raise Http404(str(exc)) from None
        response = HttpResponse(path.read_bytes(), content_type=XLSX)
    name = f"dpt-{election.code}{'-' + within if within else ''}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
