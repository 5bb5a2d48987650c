"""Result entry for one TPS: the paper C.Hasil form on screen, live rule checks while typing,
versioned saves that never overwrite someone else's save silently, and status changes
(submit, verify, dispute)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pilkada.access.decorators import ensure, guarded
from pilkada.access.policy import Action
from pilkada.elections.selectors import pairs_of
from pilkada.tallies.form import SheetNumbers, diff_numbers
from pilkada.tallies.models import ChangeSource, SheetStatus, TallySheet
from pilkada.tallies.rules import Finding, check_sheet
from pilkada.tallies.selectors import ballot_numbers, rule_context, sheet_history
from pilkada.tallies.services import (
    SheetWriteError,
    Source,
    StaleSheet,
    save_sheet,
    set_status,
)
from pilkada.web.entry_forms import (
    REASON_FIELD,
    VERSION_FIELD,
    SheetEntryForm,
    field_for_key,
)
from pilkada.web.views import _breadcrumbs, election_or_404, render_sheet_page, station_or_404

SUBMIT, DRAFT, CHECK = "kirim", "draf", "periksa"
"""Values of the entry form's ``aksi`` button: save and submit, save as a draft, only check."""

STATUS_ACTIONS = {"verifikasi": SheetStatus.VERIFIED, "sengketakan": SheetStatus.DISPUTED}
"""Values of the TPS page's ``aksi`` button and the status each one sets."""


def _request_text(request) -> str:
    return f"{request.method} {request.path} {request.META.get('REMOTE_ADDR', '')}"


def _place(request, code: str, tps_id: str, action: Action):
    election = election_or_404(code)
    station = station_or_404(election, tps_id)
    ensure(request, action, station=station)
    return election, station


def _current_sheet(election, station) -> TallySheet | None:
    return TallySheet.objects.filter(election=election, polling_station=station).first()


def _findings(form: SheetEntryForm, election, station) -> list[Finding]:
    ctx = rule_context(election, station, ballot_numbers(election))
    return check_sheet(form.numbers(), ctx)


def _finding_rows(form: SheetEntryForm, findings: list[Finding]) -> list[dict]:
    """Findings with the boxes they involve, each linked to its input."""
    return [
        {
            "finding": f,
            "boxes": [
                (form.box_of(key), f"id_{field_for_key(key)}")
                for key in f.fields
                if field_for_key(key) in form.boxes
            ],
        }
        for f in findings
    ]


@guarded(Action.ENTER)
@require_http_methods(["GET", "POST"])
def entry_view(request, code: str, tps_id: str):
    """The entry form (GET) and its save (POST) for one TPS."""
    election, station = _place(request, code, tps_id, Action.ENTER)
    pairs = pairs_of(election)
    sheet = _current_sheet(election, station)
    if request.method == "GET":
        numbers = sheet.numbers() if sheet else None
        form = SheetEntryForm(
            election=election,
            pairs=pairs,
            initial=SheetEntryForm.initial_for(numbers, sheet.version if sheet else None),
        )
        findings = []
        if numbers is not None:
            findings = check_sheet(
                numbers, rule_context(election, station, ballot_numbers(election))
            )
        return _render(request, election, station, sheet, form, findings)

    form = SheetEntryForm(request.POST, election=election, pairs=pairs)
    valid = form.is_valid()
    findings = _findings(form, election, station)
    if not valid:
        return _render(request, election, station, sheet, form, findings, status=400)
    action = request.POST.get("aksi") or SUBMIT
    if action == CHECK:
        return _render(request, election, station, sheet, form, findings, checked=True)
    expected = form.cleaned_data[VERSION_FIELD]
    if expected != (sheet.version if sheet else None):
        return _stale(request, election, station, pairs, StaleSheet(sheet, expected))
    reason = form.cleaned_data[REASON_FIELD].strip()
    if (
        sheet is not None
        and sheet.status == SheetStatus.VERIFIED
        and not reason
        and diff_numbers(sheet.numbers(), form.numbers())
    ):
        form.add_error(
            REASON_FIELD,
            _("Formulir ini sudah terverifikasi: tuliskan alasan koreksi sebelum menyimpan."),
        )
        return _render(request, election, station, sheet, form, findings, status=400)

    request_text = _request_text(request)
    try:
        with transaction.atomic():
            outcome = save_sheet(
                election=election,
                station=station,
                numbers=form.numbers(),
                expected_version=expected,
                user=request.user,
                source=Source(kind=ChangeSource.FORM, request=request_text, note=reason),
                replace=True,
            )
            saved = outcome.sheet
            # Saving is submitting (witnesses and operators alike) unless the user keeps
            # a draft; a disputed sheet goes back for verification once it is corrected.
            if action != DRAFT and (
                saved.status == SheetStatus.DRAFT
                or (saved.status == SheetStatus.DISPUTED and outcome.changed)
            ):
                saved = set_status(
                    saved,
                    SheetStatus.SUBMITTED,
                    expected_version=saved.version,
                    user=request.user,
                    source=Source(kind=ChangeSource.FORM, request=request_text),
                )
    except StaleSheet as exc:
        return _stale(request, election, station, pairs, exc)
    except SheetWriteError as exc:
        form.add_error(None, str(exc))
        return _render(request, election, station, sheet, form, findings, status=422)

    if outcome.changed or saved.version != outcome.sheet.version:
        messages.success(
            request,
            _("Formulir %(tps)s tersimpan sebagai versi %(v)d (%(status)s).")
            % {"tps": station, "v": saved.version, "status": saved.get_status_display()},
        )
    else:
        messages.info(
            request,
            _("Tidak ada angka yang berubah; formulir %(tps)s tetap versi %(v)d.")
            % {"tps": station, "v": saved.version},
        )
    errors = sum(1 for f in findings if f.severity == "error")
    if errors:
        messages.warning(
            request,
            _(
                "Angka tersimpan apa adanya, tetapi ada %(n)d kesalahan pemeriksaan: formulir "
                "belum dapat diverifikasi sebelum diperbaiki."
            )
            % {"n": errors},
        )
    return redirect("web:sheet", code=election.code, tps_id=station.sirekap_id)


def _stale(request, election, station, pairs, exc: StaleSheet):
    """The save was refused because someone else saved first: show both values of every box
    that differs, keep the user's values, and carry the current version so that a second,
    deliberate save goes through."""
    current = _current_sheet(election, station)
    data = request.POST.copy()
    data[VERSION_FIELD] = str(current.version) if current else ""
    form = SheetEntryForm(data, election=election, pairs=pairs)
    form.is_valid()
    conflicts = []
    if current is not None:
        authors = _box_authors(current)
        for key, stored, mine in diff_numbers(current.numbers(), form.numbers()):
            by, at = authors.get(key, (None, None))
            conflicts.append(
                {
                    "box": form.box_of(key),
                    "label": form.fields[field_for_key(key)].label,
                    "id": f"id_{field_for_key(key)}",
                    "mine": mine,
                    "stored": stored,
                    "by": by,
                    "at": at,
                }
            )
    return _render(
        request,
        election,
        station,
        current,
        form,
        _findings(form, election, station),
        status=409,
        stale=str(exc),
        conflicts=conflicts,
    )


def _box_authors(sheet: TallySheet) -> dict[str, tuple]:
    """For every box, who last changed its stored value and when (from the revisions)."""
    authors: dict[str, tuple] = {}
    previous = SheetNumbers()
    for rev in sheet_history(sheet):
        current = SheetNumbers.from_dict(rev.numbers)
        for key, _old, _new in diff_numbers(previous, current):
            authors[key] = (rev.created_by, rev.created_at)
        previous = current
    return authors


def _render(
    request,
    election,
    station,
    sheet,
    form: SheetEntryForm,
    findings: list[Finding],
    *,
    status: int = 200,
    checked: bool = False,
    stale: str = "",
    conflicts: list[dict] | None = None,
):
    verified = sheet is not None and sheet.status == SheetStatus.VERIFIED
    context = {
        "election": election,
        "station": station,
        "sheet": sheet,
        "form": form,
        "sections": form.sections(),
        "findings": _finding_rows(form, findings),
        "box_errors": form.box_errors(),
        "reason_required": verified,
        "may_draft": sheet is None or sheet.status == SheetStatus.DRAFT,
        "checked": checked,
        "stale": stale,
        "conflicts": conflicts or [],
        "breadcrumbs": _breadcrumbs(election, station.desa.code),
    }
    return render(request, "web/entry.html", context, status=status)


@guarded(Action.ENTER)
@require_POST
def entry_check(request, code: str, tps_id: str):
    """The live check (htmx): the findings of the numbers typed so far, as a fragment."""
    election, station = _place(request, code, tps_id, Action.ENTER)
    form = SheetEntryForm(request.POST, election=election, pairs=pairs_of(election))
    form.is_valid()
    sheet = _current_sheet(election, station)
    read = form.cleaned_data.get(VERSION_FIELD)
    moved = (sheet.version if sheet else None) != read
    context = {
        "findings": _finding_rows(form, _findings(form, election, station)),
        "box_errors": form.box_errors(),
        "moved": moved,
        "current": sheet,
        "checked": True,
    }
    return render(request, "web/_entry_findings.html", context)


@guarded(Action.VERIFY)
@require_POST
def status_view(request, code: str, tps_id: str):
    """Verify or dispute a sheet from the TPS page; refusals come back on that page."""
    election, station = _place(request, code, tps_id, Action.VERIFY)
    sheet = _current_sheet(election, station)
    status = STATUS_ACTIONS.get(request.POST.get("aksi", ""))
    if sheet is None or status is None:
        messages.error(request, _("Tidak ada formulir atau tindakan yang dapat diproses."))
        return render_sheet_page(request, election, station, status=400)
    reason = request.POST.get(REASON_FIELD, "").strip()[:1000]
    if status == SheetStatus.DISPUTED and not reason:
        messages.error(request, _("Tuliskan alasan mengapa formulir ini disengketakan."))
        return render_sheet_page(request, election, station, status=400)
    try:
        expected = int(request.POST.get(VERSION_FIELD, ""))
    except ValueError:
        messages.error(request, _("Versi formulir yang dibaca tidak sah."))
        return render_sheet_page(request, election, station, status=400)
    try:
        sheet = set_status(
            sheet,
            status,
            expected_version=expected,
            user=request.user,
            source=Source(kind=ChangeSource.FORM, request=_request_text(request), note=reason),
        )
    except StaleSheet as exc:
        messages.error(request, str(exc))
        return render_sheet_page(request, election, station, status=409)
    except SheetWriteError as exc:
        messages.error(request, str(exc))
        return render_sheet_page(request, election, station, status=422)
    messages.success(
        request,
        _("Formulir %(tps)s kini berstatus %(status)s (versi %(v)d).")
        % {"tps": station, "status": sheet.get_status_display(), "v": sheet.version},
    )
    return redirect("web:sheet", code=election.code, tps_id=station.sirekap_id)
