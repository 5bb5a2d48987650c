"""Workbooks in and out of the web app: the entry workbook and the recap to download, and the
upload of a filled result workbook.

The upload runs as a background job (``web.results_jobs``), like the DPT upload: the form
stores the file and queues its check; the job page shows the progress bar (it reloads itself
while a task runs, and can be left and opened again from the history), then the preview of
what would change with "Simpan" and "Batal", then the outcome. The election's history of
result uploads lists every job with its uploader, file, status, summary and rejects workbook.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pilkada.access.decorators import ensure, guarded
from pilkada.access.policy import Action, home_region
from pilkada.dataio.readers import SUPPORTED_SUFFIXES
from pilkada.recap import exporting
from pilkada.recap.selectors import RecapError, validate_area
from pilkada.tallies.template import NoStations, entry_workbook_for
from pilkada.web import results_jobs, selectors, services
from pilkada.web.models import JobKind, JobStatus, UploadJob
from pilkada.web.views import change_label, election_or_404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REFRESH_SECONDS = 2
# A job still queued after this long most likely has no worker to run it.
WORKER_HINT_AFTER_S = 30
HISTORY_ROWS = 200


@guarded(Action.UPLOAD)
def template_download(request, code: str):
    """The entry workbook for the election (or for ``?wilayah=<region code>``; a user
    scoped to one region gets that region's by default)."""
    election = election_or_404(code)
    wanted = request.GET.get("wilayah") or home_region(
        request.user, Action.UPLOAD, election.area_code
    )
    try:
        within = validate_area(election, wanted)
    except RecapError as exc:
        raise Http404(str(exc)) from None
    ensure(request, Action.UPLOAD, region=within or election.area_code)
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "isian.xlsx"
        try:
            entry_workbook_for(path, election, within)
        except NoStations as exc:
            return HttpResponse(str(exc), status=404, content_type="text/plain; charset=utf-8")
        content = path.read_bytes()
    name = f"isian-hasil-{election.code}{'-' + within if within else ''}.xlsx"
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@guarded(Action.VIEW)
def recap_download(request, code: str):
    """The recap workbook (or CSV) of ``?wilayah=`` at ``?tingkat=``, as ``export rekap``."""
    election = election_or_404(code)
    ensure(request, Action.VIEW, region=request.GET.get("wilayah") or election.area_code)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        raise Http404
    try:
        export = exporting.prepare(
            election, within=request.GET.get("wilayah"), level=request.GET.get("tingkat", "")
        )
    except RecapError as exc:
        raise Http404(str(exc)) from None
    within = export.data.recap.within
    name = f"rekap-{election.code}{'-' + within if within else ''}-{export.data.recap.level}"
    if fmt == "csv":
        stream = io.StringIO()
        exporting.to_csv(export, stream)
        response = HttpResponse(
            stream.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
        )
    else:
        with tempfile.TemporaryDirectory() as work:
            path = Path(work) / "rekap.xlsx"
            exporting.to_xlsx(export, path)
            response = HttpResponse(path.read_bytes(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def upload_problem(upload) -> str | None:
    """Why ``upload`` cannot be taken (one sentence naming the file), or None: its type and
    size are checked before anything reads it. The DPT upload uses it too."""
    if upload is None:
        return _("Pilih berkas yang akan diunggah.")
    suffix = Path(upload.name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        return _("Jenis berkas %(s)s tidak didukung; unggah .xlsx, .xls, .ods, atau .csv.") % {
            "s": suffix or _("(tanpa akhiran)")
        }
    limit = settings.PILKADA_MAX_UPLOAD_BYTES
    if upload.size > limit:
        return _("Berkas %(f)s terlalu besar (%(mb).1f MB); batasnya %(max)d MB.") % {
            "f": upload.name,
            "mb": upload.size / 2**20,
            "max": limit // 2**20,
        }
    return None


@guarded(Action.UPLOAD)
@require_http_methods(["GET", "POST"])
def upload_results(request, code: str):
    """The upload form; a posted file is stored, its check queued, and the user sent to the
    job's page. Nothing is written until the preview is confirmed there."""
    election = election_or_404(code)
    context = {"election": election, "max_mb": settings.PILKADA_MAX_UPLOAD_BYTES // 2**20}
    if request.method == "GET":
        return render(request, "web/upload.html", context)
    upload = request.FILES.get("berkas")
    problem = upload_problem(upload)
    if problem:
        context["errors"] = [problem]
        return render(request, "web/upload.html", context, status=400)
    job = results_jobs.start_results_check(
        election,
        request.user,
        upload,
        language=getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
    )
    return redirect("web:results-job", code=election.code, job_id=job.pk)


def _job_or_404(request, code: str, job_id: int) -> UploadJob:
    return job_or_404(request, code, job_id, JobKind.RESULTS)


def job_or_404(request, code: str, job_id: int, kind: str) -> UploadJob:
    """The upload job of either kind, if the user may see it; someone else's is a 404."""
    if not selectors.may_see_dpt_jobs(request.user):  # uploaders and supervisors
        raise PermissionDenied
    election = election_or_404(code)
    job = get_object_or_404(
        UploadJob.objects.select_related("election", "user"),
        pk=job_id,
        election=election,
        kind=kind,
    )
    if not selectors.may_see_job(request.user, job):
        raise Http404  # someone else's upload: not even its existence is shown
    return job


def _outcomes(job: UploadJob) -> list[dict]:
    scheme = job.election.scheme
    return [
        {
            **o,
            "changes": [(change_label(key, scheme), old, new) for key, old, new in o["changes"]],
        }
        for o in (job.outcome or {}).get("outcomes", [])
    ]


@guarded(Action.VIEW)
def results_job(request, code: str, job_id: int):
    """A result upload: its progress while a task runs, then the preview (and "Simpan",
    "Batal"), then how it ended."""
    job = _job_or_404(request, code, job_id)
    quiet = "diam" in request.GET
    waited = (timezone.now() - job.created_at).total_seconds()
    outcome = job.outcome or {}
    outcomes = _outcomes(job)
    context = {
        "election": job.election,
        "job": job,
        "refresh": job.running and not quiet,
        "refresh_seconds": REFRESH_SECONDS,
        "quiet": quiet,
        "worker_hint": job.status == JobStatus.QUEUED and waited > WORKER_HINT_AFTER_S,
        "counts": outcome.get("counts"),
        "outcomes": outcomes,
        "more_outcomes": max(0, outcome.get("outcome_count", 0) - len(outcomes)),
        "conflicts": outcome.get("conflicts", []),
        "ignored_columns": outcome.get("ignored_columns", []),
        "skipped_sheets": outcome.get("skipped_sheets", []),
        "more_errors": max(0, job.error_count - len(job.errors)),
        "may_decide": job.status == JobStatus.CHECKED and selectors.may_decide(request.user, job),
        "rejects": selectors.rejects_file(job) is not None,
    }
    return render(request, "web/results_job.html", context)


@guarded(Action.VIEW)
@require_POST
def results_job_decide(request, code: str, job_id: int):
    """The uploader's decision: "simpan" queues the store, "batal" drops the upload."""
    job = _job_or_404(request, code, job_id)
    decide(
        request,
        job,
        confirm=results_jobs.confirm_results_job,
        cancel=results_jobs.cancel_results_job,
    )
    return redirect("web:results-job", code=job.election.code, job_id=job.pk)


@guarded(Action.VIEW)
def results_rejects(request, code: str, job_id: int):
    """The workbook of a job's errors (or of the rows it left alone), one row per problem
    with its file, sheet, cell and TPS. Result numbers hold no personal data: whoever may
    see the job may download it."""
    job = _job_or_404(request, code, job_id)
    path = selectors.rejects_file(job)
    if path is None:
        raise Http404
    stem = Path(job.file_names[0]).stem if job.file_names else "hasil"
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=f"{stem}-ditolak.xlsx", content_type=XLSX
    )


@guarded(Action.VIEW)
def results_history(request, code: str):
    """Every result upload of the election through the web, newest first: who, when, which
    file, how it ended (every user's jobs are listed; only one's own can be opened, unless
    one supervises)."""
    if not selectors.may_see_dpt_jobs(request.user):
        raise PermissionDenied
    election = election_or_404(code)
    jobs = (
        UploadJob.objects.filter(election=election, kind=JobKind.RESULTS)
        .select_related("user")
        .order_by("-created_at", "-id")[:HISTORY_ROWS]
    )
    rows = []
    for job in jobs:
        visible = selectors.may_see_job(request.user, job)
        rows.append({"job": job, "open": visible, "rejects": visible and bool(job.rejects_path)})
    context = {
        "election": election,
        "rows": rows,
        "may_upload": selectors.may_upload_dpt(request.user),
    }
    return render(request, "web/results_history.html", context)


def decide(request, job: UploadJob, *, confirm, cancel) -> None:
    """Apply the uploader's "simpan" (``confirm(job)``) or "batal" (``cancel(job)``) to an
    upload job of either kind, with the message the user sees next."""
    if not selectors.may_decide(request.user, job):
        raise PermissionDenied
    action = request.POST.get("action")
    try:
        if action == "simpan":
            confirm(job)
        elif action == "batal":
            cancel(job)
            messages.info(request, _("Unggahan dibatalkan; tidak ada yang disimpan."))
        else:
            raise Http404
    except services.JobNotPending:
        messages.info(request, _("Unggahan ini sudah diproses; tidak ada yang diubah."))
