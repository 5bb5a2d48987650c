"""Pages of the DPT upload: the form, the job page (progress, then the preview with "Simpan"
and "Batal", then the outcome), the rejects workbook, and the election's import history.

The work runs in background tasks (``web.services``); these views only parse the request,
call one service, and render the job row. A running job's page reloads itself every few
seconds with ``<meta http-equiv="refresh">``: no JavaScript needed.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from pilkada.access.decorators import guarded
from pilkada.access.policy import Action
from pilkada.voters.privacy import record_access
from pilkada.web import selectors, services
from pilkada.web.files import decide, job_or_404
from pilkada.web.forms import MAX_FILES, DptUploadForm
from pilkada.web.models import JobKind, JobStatus, UploadJob
from pilkada.web.views import election_or_404

REFRESH_SECONDS = 2
# A job still queued after this long most likely has no worker to run it.
WORKER_HINT_AFTER_S = 30
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@guarded(Action.UPLOAD)
@require_http_methods(["GET", "POST"])
def dpt_upload(request, code: str):
    """The upload form; a valid post stores the files, queues their check, and goes to the
    job's page."""
    if not selectors.may_upload_dpt(request.user):
        raise PermissionDenied
    election = election_or_404(code)
    posted = request.method == "POST"
    form = DptUploadForm(request.POST, request.FILES) if posted else DptUploadForm()
    if posted and form.is_valid():
        job = services.start_dpt_check(
            election,
            request.user,
            form.cleaned_data["berkas"],
            accept_valid=form.cleaned_data["accept_valid"],
            replace=form.cleaned_data["replace"],
            language=getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        )
        return redirect("web:dpt-job", code=election.code, job_id=job.pk)
    context = {
        "election": election,
        "form": form,
        "max_mb": settings.PILKADA_MAX_UPLOAD_BYTES // 2**20,
        "max_files": MAX_FILES,
    }
    return render(request, "web/dpt_upload.html", context, status=400 if form.errors else 200)


def _job_or_404(request, code: str, job_id: int) -> UploadJob:
    return job_or_404(request, code, job_id, JobKind.DPT)


@guarded(Action.VIEW_DPT)
def dpt_job(request, code: str, job_id: int):
    job = _job_or_404(request, code, job_id)
    quiet = "diam" in request.GET
    waited = (timezone.now() - job.created_at).total_seconds()
    outcome = job.outcome or {}
    context = {
        "election": job.election,
        "job": job,
        "refresh": job.running and not quiet,
        "refresh_seconds": REFRESH_SECONDS,
        "quiet": quiet,
        "worker_hint": job.status == JobStatus.QUEUED and waited > WORKER_HINT_AFTER_S,
        "stations": outcome.get("stations", []),
        "more_stations": max(0, outcome.get("station_count", 0) - len(outcome.get("stations", []))),
        "totals": outcome.get("totals"),
        "notes": outcome.get("notes", []),
        "more_errors": max(0, job.error_count - len(job.errors)),
        "more_warnings": max(0, job.warning_count - len(job.warnings)),
        "may_decide": job.status == JobStatus.CHECKED and selectors.may_decide(request.user, job),
        "rejects": selectors.rejects_file(job) is not None
        and selectors.may_download_rejects(request.user, job),
    }
    return render(request, "web/dpt_job.html", context)


@guarded(Action.VIEW_DPT)
@require_POST
def dpt_job_decide(request, code: str, job_id: int):
    """The uploader's decision: "simpan" queues the store, "batal" drops the upload."""
    job = _job_or_404(request, code, job_id)
    decide(request, job, confirm=services.confirm_dpt_job, cancel=services.cancel_dpt_job)
    return redirect("web:dpt-job", code=job.election.code, job_id=job.pk)


@guarded(Action.VIEW_DPT)
def dpt_rejects(request, code: str, job_id: int):
    """The rejects workbook of a job: the rows it refused, ready to fix and upload again."""
    job = _job_or_404(request, code, job_id)
    path = selectors.rejects_file(job)
    if path is None:
        raise Http404
    if not selectors.may_download_rejects(request.user, job):
        raise PermissionDenied
    if job.user_id != request.user.pk:
        # someone else's rows, full NIKs included: recorded like every full-NIK access
        record_access(
            action="unduh berkas tolakan DPT",
            subject=f"{job.election.code} unggahan #{job.pk}",
            rows=(job.outcome or {}).get("rejected") or job.error_count,
            user=request.user,
            source="web",
            request=request.path,
        )
    stem = Path(job.file_names[0]).stem if job.file_names else "dpt"
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=f"{stem}-ditolak.xlsx", content_type=XLSX
    )


@guarded(Action.VIEW_DPT)
def dpt_history(request, code: str):
    """Every DPT upload of the election through the web, and the imports made otherwise."""
    if not selectors.may_see_dpt_jobs(request.user):
        raise PermissionDenied
    election = election_or_404(code)
    rows = [
        {
            "job": job,
            "open": selectors.may_see_job(request.user, job),
            "rejects": bool(job.rejects_path) and selectors.may_download_rejects(request.user, job),
        }
        for job in selectors.dpt_history(election)
    ]
    context = {
        "election": election,
        "rows": rows,
        "others": selectors.other_dpt_imports(election),
        "may_upload": selectors.may_upload_dpt(request.user),
    }
    return render(request, "web/dpt_history.html", context)
