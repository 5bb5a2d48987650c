"""Reads for the web pages of background uploads: who may see which job, and the history."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from pilkada.access.models import Role
from pilkada.access.policy import Action, grants, is_admin, may_somewhere
from pilkada.voters.models import VoterListImport
from pilkada.voters.privacy import may_see_full
from pilkada.web.models import JobKind, UploadJob

HISTORY_ROWS = 200


def may_upload_dpt(user) -> bool:
    return may_somewhere(user, Action.UPLOAD)


def supervises(user) -> bool:
    """A supervisor (pengawas) anywhere: may open every upload's page (never its rows)."""
    return any(g.role == Role.SUPERVISOR for g in grants(user))


def may_see_dpt_jobs(user) -> bool:
    """Whether the upload pages are for ``user`` at all (the others get 403)."""
    return may_upload_dpt(user) or supervises(user)


def may_see_job(user, job: UploadJob) -> bool:
    """Its uploader (while they may still upload), an administrator, or a supervisor."""
    if is_admin(user) or supervises(user):
        return True
    return job.user_id == user.pk and may_upload_dpt(user)


def may_decide(user, job: UploadJob) -> bool:
    """Who may press "Simpan" or "Batal": the uploader, or an administrator."""
    return may_upload_dpt(user) and (job.user_id == user.pk or is_admin(user))


def may_download_rejects(user, job: UploadJob) -> bool:
    """The rejects workbook holds the rejected rows as written, full NIKs included: the
    uploader gets their own rows back; anyone else who may see the job needs the full-NIK
    permission (and each download is recorded)."""
    if not may_see_job(user, job):
        return False
    return job.user_id == user.pk or may_see_full(user)


def dpt_history(election) -> list[UploadJob]:
    """The election's DPT uploads through the web, newest first (every user's: the history
    shows who, when, which files and how it ended, never a row of data)."""
    return list(
        UploadJob.objects.filter(election=election, kind=JobKind.DPT)
        .select_related("user")
        .order_by("-created_at", "-id")[:HISTORY_ROWS]
    )


def other_dpt_imports(election) -> list[VoterListImport]:
    """Voter-list imports that did not come through the web upload (the command line)."""
    return list(
        VoterListImport.objects.filter(election=election)
        .exclude(source="web")
        .select_related("user")
        .order_by("-created_at")[:HISTORY_ROWS]
    )


def rejects_file(job: UploadJob) -> Path | None:
    """The job's rejects workbook, if it has one and it is still there."""
    if not job.rejects_path:
        return None
    path = Path(settings.MEDIA_ROOT) / job.rejects_path
    return path if path.is_file() else None
