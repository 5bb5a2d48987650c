"""The refusal page: every 403 is logged with who, what and why. The administrators' pages:
the user list, and witness accounts created in bulk from an uploaded list
(:mod:`pilkada.access.witnesses`)."""

from __future__ import annotations

import logging
import secrets
import shutil
import time
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pilkada.access.decorators import guarded
from pilkada.access.models import Assignment, Profile, Refusal, Role
from pilkada.access.policy import Action
from pilkada.access.witnesses import (
    credentials_workbook,
    import_witnesses,
    preview_witnesses,
    template_workbook,
    write_private_file,
)
from pilkada.core.imports import ImportRejected
from pilkada.web.files import upload_problem

logger = logging.getLogger("pilkada.access")


def denied(request, exception=None):
    """Django's 403 handler: log the refusal, record it, and explain it in the user's language."""
    reason = str(exception) if exception is not None and str(exception) else ""
    user = (
        request.user if getattr(request, "user", None) and request.user.is_authenticated else None
    )
    address = request.META.get("REMOTE_ADDR") or None
    logger.warning(
        "403 %s %s user=%s address=%s reason=%s",
        request.method,
        request.path,
        user.pk if user else "-",
        address or "-",
        reason or "-",
    )
    Refusal.objects.create(
        user=user,
        method=request.method[:10],
        path=request.path[:500],
        address=address,
        reason=reason[:300],
    )
    return render(request, "403.html", {"reason": reason}, status=403)


# --- users and witness accounts (administrators only)

USERS_PER_PAGE = 50
PLACES_SHOWN = 10  # per user in the list; the admin page shows them all
PREVIEW_ROWS = 300
WEB_MAX_PEOPLE = 500  # accounts per uploaded list: hashing takes ~0.3 s each
UPLOAD_MAX_AGE = 24 * 3600
CREDENTIALS_MAX_AGE = 3600
UPLOADS_KEY = "witness_uploads"
CREDENTIALS_KEY = "witness_credentials"
CREDENTIALS_NAME = "akun-saksi.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _witness_root(kind: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "saksi" / kind


def _sweep(kind: str, max_age: int) -> None:
    """Remove stored uploads (or credentials workbooks) older than ``max_age`` seconds."""
    root = _witness_root(kind)
    if not root.is_dir():
        return
    cutoff = time.time() - max_age
    for folder in root.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)


def _new_folder(kind: str) -> tuple[str, Path]:
    token = secrets.token_urlsafe(16)
    folder = _witness_root(kind) / token
    folder.mkdir(parents=True, mode=0o700)
    return token, folder


def _places(assignments) -> list[str]:
    places = []
    for a in assignments:
        if a.polling_station_id:
            station = a.polling_station
            places.append(
                _("%(role)s TPS %(id)s (%(desa)s)")
                % {
                    "role": a.get_role_display(),
                    "id": station.sirekap_id,
                    "desa": station.desa.name,
                }
            )
        else:
            places.append(
                _("%(role)s %(code)s %(name)s")
                % {"role": a.get_role_display(), "code": a.region.code, "name": a.region.name}
            )
    return places


@guarded(Action.MANAGE)
@require_GET
def users(request):
    """Every account with its roles and places, newest first, with a link to the admin page
    where roles and places are edited; ``?q=`` searches names, usernames and phone numbers,
    ``?peran=`` keeps one role (``admin`` for administrators)."""
    User = get_user_model()
    query = request.GET.get("q", "").strip()
    role = request.GET.get("peran", "")
    accounts = User.objects.select_related("profile").order_by("-date_joined", "-pk")
    if query:
        accounts = accounts.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(profile__phone__icontains=query)
        )
    if role == "admin":
        accounts = accounts.filter(is_superuser=True)
    elif role in Role.values:
        accounts = accounts.filter(assignments__role=role).distinct()
    else:
        role = ""
    accounts = accounts.prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("region", "polling_station__desa").order_by(
                "role", "region__code", "polling_station__desa__code", "polling_station__number"
            ),
        )
    )
    page = Paginator(accounts, USERS_PER_PAGE).get_page(request.GET.get("halaman"))
    meta = User._meta
    change_url = f"admin:{meta.app_label}_{meta.model_name}_change"
    rows = []
    for account in page:
        places = _places(account.assignments.all())
        try:
            phone = account.profile.phone
        except Profile.DoesNotExist:
            phone = ""
        rows.append(
            {
                "user": account,
                "name": account.get_full_name(),
                "phone": phone,
                "places": places[:PLACES_SHOWN],
                "more": max(0, len(places) - PLACES_SHOWN),
                "admin_url": reverse(change_url, args=[account.pk]),
            }
        )
    keep = urlencode({k: v for k, v in (("q", query), ("peran", role)) if v})
    context = {
        "rows": rows,
        "page": page,
        "query": query,
        "role": role,
        "roles": Role.choices,
        "keep": keep,
        "add_url": reverse(f"admin:{meta.app_label}_{meta.model_name}_add"),
    }
    return render(request, "web/users.html", context)


@guarded(Action.MANAGE)
@require_GET
def witness_template(request):
    """A blank witness list: the headers and one example row."""
    response = HttpResponse(template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="daftar-saksi.xlsx"'
    return response


def _plan_context(plan) -> dict:
    people = [
        {
            "name": p.name,
            "phone": p.phone,
            "username": p.username,
            "tps": p.tps,
            "new_tps": p.new_tps,
            "exists": p.exists,
            "where": p.row if len(plan.sheets) <= 1 else f"{p.sheet} {p.row}",
        }
        for p in plan.people[:PREVIEW_ROWS]
    ]
    return {
        "plan": plan,
        "people": people,
        "more_people": max(0, len(plan.people) - PREVIEW_ROWS),
        "counts": {
            "created": len(plan.created),
            "existing": len(plan.existing),
            "unchanged": len(plan.unchanged),
            "assignments": plan.assignments,
        },
    }


@guarded(Action.MANAGE)
@require_http_methods(["GET", "POST"])
def witness_upload(request):
    """The upload form; a posted list is checked and previewed, nothing is created yet."""
    context = {"max_people": WEB_MAX_PEOPLE}
    if request.method == "GET":
        return render(request, "web/witness_upload.html", context)
    upload = request.FILES.get("berkas")
    problem = upload_problem(upload)
    if problem:
        context["errors"] = [problem]
        return render(request, "web/witness_upload.html", context, status=400)
    _sweep("unggahan", UPLOAD_MAX_AGE)
    token, folder = _new_folder("unggahan")
    path = folder / (get_valid_filename(Path(upload.name).name) or "saksi.xlsx")
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    try:
        plan = preview_witnesses(
            path, display_name=upload.name, isolated=True, limit=WEB_MAX_PEOPLE
        )
    except ImportRejected as exc:
        shutil.rmtree(folder, ignore_errors=True)
        context.update(errors=exc.messages, file_name=upload.name)
        return render(request, "web/witness_upload.html", context, status=422)
    context.update(_plan_context(plan), file_name=upload.name)
    if not plan.ok:
        shutil.rmtree(folder, ignore_errors=True)
        return render(request, "web/witness_preview.html", context, status=422)
    pending = request.session.get(UPLOADS_KEY, {})
    pending[token] = {"path": str(path), "name": upload.name}
    request.session[UPLOADS_KEY] = pending
    context["token"] = token
    return render(request, "web/witness_preview.html", context)


@guarded(Action.MANAGE)
@require_POST
def witness_confirm(request, token: str):
    """Create the previewed accounts ("buat"), or drop the upload ("batal"). The stored
    upload is deleted either way; the credentials workbook waits for one download."""
    pending = request.session.get(UPLOADS_KEY, {})
    entry = pending.pop(token, None)
    request.session[UPLOADS_KEY] = pending
    if entry is None:
        raise Http404(_("Unggahan ini tidak ada atau sudah diproses."))
    path = Path(entry["path"])
    context = {"max_people": WEB_MAX_PEOPLE, "file_name": entry["name"]}
    try:
        if request.POST.get("action") != "buat":
            return redirect("web:witness-upload")
        if not path.exists():
            raise Http404(_("Unggahan ini sudah kedaluwarsa; unggah ulang berkasnya."))
        _sweep("akun", CREDENTIALS_MAX_AGE)
        key, folder = _new_folder("akun")

        def deliver(credentials):
            write_private_file(folder / CREDENTIALS_NAME, credentials_workbook(credentials))

        try:
            outcome = import_witnesses(
                path,
                created_by=request.user,
                channel="web",
                display_name=entry["name"],
                isolated=True,
                limit=WEB_MAX_PEOPLE,
                deliver=deliver,
            )
        except ImportRejected as exc:
            shutil.rmtree(folder, ignore_errors=True)
            context["errors"] = exc.messages
            return render(request, "web/witness_upload.html", context, status=409)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    waiting = request.session.get(CREDENTIALS_KEY, {})
    waiting[key] = str(folder / CREDENTIALS_NAME)
    request.session[CREDENTIALS_KEY] = waiting
    context.update(
        _plan_context(outcome.plan),
        key=key,
        minutes=CREDENTIALS_MAX_AGE // 60,
    )
    return render(request, "web/witness_done.html", context)


@guarded(Action.MANAGE)
@require_GET
def witness_credentials(request, key: str):
    """The credentials workbook, once: it is deleted as it is served."""
    waiting = request.session.get(CREDENTIALS_KEY, {})
    stored = waiting.pop(key, None)
    request.session[CREDENTIALS_KEY] = waiting
    if stored is None:
        raise Http404(_("Daftar akun ini sudah diunduh atau tidak ada."))
    path = Path(stored)
    try:
        if time.time() - path.stat().st_mtime > CREDENTIALS_MAX_AGE:
            raise FileNotFoundError
        content = path.read_bytes()
    except FileNotFoundError:
        raise Http404(_("Daftar akun ini sudah kedaluwarsa dan dihapus.")) from None
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{CREDENTIALS_NAME}"'
    response["Cache-Control"] = "no-store"
    return response
