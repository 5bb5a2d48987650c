"""Workbooks in and out of the web app: the entry workbook to download, and the upload of a
filled result workbook with a preview of what it would change before it is confirmed.

An upload is stored under ``MEDIA_ROOT/pending/<token>/`` with its own (cleaned) name, read
in a child process with limits (:mod:`pilkada.dataio.isolated`), and imported as a dry run for
the preview. Confirming imports it for real from the stored copy; the token lives in the
uploader's session, so nobody else can confirm it. Abandoned uploads are swept after a day.
"""

from __future__ import annotations

import io
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pilkada.access.decorators import ensure, guarded
from pilkada.access.policy import Action, home_region, station_filter
from pilkada.core.imports import ImportRejected
from pilkada.dataio.readers import SUPPORTED_SUFFIXES
from pilkada.recap import exporting
from pilkada.recap.selectors import RecapError, validate_area
from pilkada.tallies.imports import import_results_file
from pilkada.tallies.template import NoStations, entry_workbook_for
from pilkada.web.views import change_label, election_or_404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PENDING_MAX_AGE = 24 * 3600
SESSION_KEY = "pending_uploads"


def _pending_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "pending"


def _sweep_pending() -> None:
    root = _pending_root()
    if not root.is_dir():
        return
    cutoff = time.time() - PENDING_MAX_AGE
    for folder in root.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)


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


def _store(upload) -> tuple[str, Path]:
    token = secrets.token_urlsafe(16)
    folder = _pending_root() / token
    folder.mkdir(parents=True)
    name = get_valid_filename(Path(upload.name).name) or "berkas.xlsx"
    path = folder / name
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token, path


def _summary_context(election, summary) -> dict:
    outcomes = [
        {
            "tps": o.tps_id,
            "where": o.where,
            "created": o.created,
            "flagged": o.flagged,
            "changes": [(change_label(k, election.scheme), old, new) for k, old, new in o.changes],
        }
        for o in summary.outcomes[:PREVIEW_ROWS]
    ]
    return {
        "summary": summary,
        "outcomes": outcomes,
        "more_outcomes": max(0, len(summary.outcomes) - PREVIEW_ROWS),
    }


PREVIEW_ROWS = 200


@guarded(Action.UPLOAD)
@require_http_methods(["GET", "POST"])
def upload_results(request, code: str):
    """The upload form; a posted file is checked and previewed, nothing is written yet."""
    election = election_or_404(code)
    context = {"election": election}
    if request.method == "GET":
        return render(request, "web/upload.html", context)
    upload = request.FILES.get("berkas")
    problem = upload_problem(upload)
    if problem:
        context["errors"] = [problem]
        return render(request, "web/upload.html", context, status=400)
    _sweep_pending()
    token, path = _store(upload)
    try:
        summary = import_results_file(
            election,
            path,
            dry_run=True,
            user=request.user,
            isolated=True,
            allowed=station_filter(request.user, Action.UPLOAD),
        )
    except ImportRejected as exc:
        shutil.rmtree(path.parent, ignore_errors=True)
        context["errors"] = exc.messages
        context["file_name"] = upload.name
        return render(request, "web/upload.html", context, status=422)
    pending = request.session.get(SESSION_KEY, {})
    pending[token] = {"election": election.code, "path": str(path), "name": upload.name}
    request.session[SESSION_KEY] = pending
    context.update(_summary_context(election, summary), token=token, file_name=upload.name)
    return render(request, "web/upload_preview.html", context)


@guarded(Action.UPLOAD)
@require_POST
def confirm_upload(request, code: str, token: str):
    """Import a previewed upload for real ("simpan"), or drop it ("batal")."""
    election = election_or_404(code)
    pending = request.session.get(SESSION_KEY, {})
    entry = pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    if entry is None or entry["election"] != election.code:
        raise Http404(_("Unggahan ini tidak ada atau sudah diproses."))
    path = Path(entry["path"])
    context = {"election": election, "file_name": entry["name"]}
    try:
        if request.POST.get("action") != "simpan":
            return redirect("web:upload", code=election.code)
        if not path.exists():
            raise Http404(_("Unggahan ini sudah kedaluwarsa; unggah ulang berkasnya."))
        try:
            summary = import_results_file(
                election,
                path,
                user=request.user,
                isolated=True,
                allowed=station_filter(request.user, Action.UPLOAD),
            )
        except ImportRejected as exc:
            context["errors"] = exc.messages
            return render(request, "web/upload.html", context, status=409)
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    context.update(_summary_context(election, summary), done=True)
    return render(request, "web/upload_preview.html", context)
