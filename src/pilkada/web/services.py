"""Uploads of voter-list (DPT) workbooks run as background jobs (:class:`UploadJob`), and the
job plumbing every kind of upload shares (result workbooks: ``web.results_jobs``): stored
files, queueing, taking a job in a task, the progress reporter, "Simpan" and "Batal", the end
of a job, expiry of unconfirmed jobs and of jobs a stopped worker left behind.

1. :func:`start_dpt_check` stores the files under ``MEDIA_ROOT/dpt/<token>/`` and queues
   :func:`run_dpt_check`: a dry run of the import that writes nothing but the job row (its
   progress, then the preview: counts per TPS, errors, warnings, the rejects workbook) and
   the version of every TPS list the preview was made against.
2. :func:`confirm_dpt_job` queues :func:`run_dpt_store`, which imports the same files with
   those versions as ``expected``: a list changed by someone else in between is refused
   (the job ends "stale") and nothing is written. :func:`cancel_dpt_job` drops the upload.

The stored uploads are deleted when the job ends; the rejects workbook stays for the history.
Every text kept on the job comes from the importer, which masks NIKs.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import traceback
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from pilkada.access.policy import Action, station_filter
from pilkada.regions.models import PollingStation
from pilkada.regions.selectors import within_q
from pilkada.voters.imports import VoterImport, VoterImportRejected, import_voter_files
from pilkada.voters.services import StaleVoterList, list_versions
from pilkada.web.models import JobKind, JobStatus, UploadJob

logger = logging.getLogger(__name__)

JOBS_FOLDER = "dpt"
# each kind's folder under MEDIA_ROOT: <folder>/<token>/berkas/ (uploads), <folder>/<token>/
# ditolak.xlsx (rejects)
FOLDERS = {JobKind.DPT: JOBS_FOLDER, JobKind.RESULTS: "hasil"}
UPLOADS_FOLDER = "berkas"
REJECTS_NAME = "ditolak.xlsx"
KEPT_MESSAGES = 200  # errors and warnings kept on the job (the rejects workbook has them all)
KEPT_STATIONS = 2000  # per-TPS rows kept for the preview; the totals count every TPS
UNCONFIRMED_MAX_AGE = timedelta(hours=24)
# Once a task has taken the job (``started_at`` set), these say it is still at work.
WORKING = (JobStatus.READING, JobStatus.CHECKING, JobStatus.STORING)


class JobNotPending(Exception):
    """The job is no longer waiting for the user's decision (already confirmed, cancelled,
    or expired): a second click, or another tab."""


def media_path(relative: str) -> Path:
    return Path(settings.MEDIA_ROOT) / relative


def relative(path: Path) -> str:
    return path.relative_to(Path(settings.MEDIA_ROOT)).as_posix()


def job_folder(job: UploadJob) -> Path | None:
    """``MEDIA_ROOT/<kind's folder>/<token>``, found from the stored files or the rejects
    workbook."""
    for relative_path in [*job.stored_paths, job.rejects_path]:
        if relative_path:
            parts = Path(relative_path).parts
            if len(parts) >= 2 and parts[0] in FOLDERS.values():
                return media_path(Path(*parts[:2]).as_posix())
    return None


def store_uploads(uploads, kind: str = JobKind.DPT) -> list[str]:
    """Write ``uploads`` under a new ``MEDIA_ROOT/<kind's folder>/<token>/berkas/``; their
    paths relative to ``MEDIA_ROOT``."""
    folder = Path(settings.MEDIA_ROOT) / FOLDERS[kind] / secrets.token_urlsafe(16) / UPLOADS_FOLDER
    folder.mkdir(parents=True)
    stored = []
    for index, upload in enumerate(uploads, start=1):
        original = Path(upload.name)
        name = get_valid_filename(original.name) or f"berkas{original.suffix.lower()}"
        path = folder / f"{index:02d}-{name}"  # two files may clean to the same name
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        stored.append(relative(path))
    return stored


def start_dpt_check(
    election, user, uploads, *, accept_valid: bool, replace: bool, language: str = "id"
) -> UploadJob:
    """Store ``uploads`` and queue their check; the job to follow on its page."""
    from pilkada.web.tasks import check_dpt_upload

    expire_unconfirmed_jobs()
    job = UploadJob.objects.create(
        election=election,
        user=user,
        kind=JobKind.DPT,
        file_names=[Path(u.name).name for u in uploads],
        stored_paths=store_uploads(uploads, JobKind.DPT),
        accept_valid=accept_valid,
        replace=replace,
        language=language or settings.LANGUAGE_CODE,
        stage=_("Menunggu giliran"),
    )
    enqueue(job, check_dpt_upload)
    return job


def enqueue(job: UploadJob, task) -> None:
    result = task.enqueue(job.pk)
    # The immediate backend (tests) has run the task by now: only the id is ours to write.
    UploadJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])


def take_for_store(job: UploadJob) -> UploadJob:
    """Move a checked job on to "storing" (the user's "Simpan"), fresh from the database;
    :class:`JobNotPending` if it is no longer waiting for that decision."""
    taken = UploadJob.objects.filter(pk=job.pk, status=JobStatus.CHECKED).update(
        status=JobStatus.STORING,
        progress=0,
        stage=_("Menunggu giliran"),
        started_at=None,
        updated_at=timezone.now(),
    )
    if not taken:
        raise JobNotPending
    job.refresh_from_db()
    return job


def confirm_dpt_job(job: UploadJob) -> UploadJob:
    """Queue the store of a checked job (the user's "Simpan"). A TPS list that already
    changed since the check ends the job as stale at once, without a task."""
    from pilkada.web.tasks import store_dpt_upload

    take_for_store(job)
    changed = _changed_lists(job)
    if changed:
        with translation.override(job.language):
            finish(job, JobStatus.STALE, message=_stale_message(job, changed))
        return job
    enqueue(job, store_dpt_upload)
    job.refresh_from_db()
    return job


def cancel_job(job: UploadJob) -> UploadJob:
    """Drop a checked job of any kind (the user's "Batal"): nothing is written, the files
    are deleted."""
    taken = UploadJob.objects.filter(pk=job.pk, status=JobStatus.CHECKED).update(
        status=JobStatus.CANCELLED, updated_at=timezone.now()
    )
    if not taken:
        raise JobNotPending
    job.refresh_from_db()
    finish(job, JobStatus.CANCELLED, summary=_("Dibatalkan; tidak ada yang disimpan."))
    return job


cancel_dpt_job = cancel_job


def expire_unconfirmed_jobs(max_age: timedelta = UNCONFIRMED_MAX_AGE) -> int:
    """Cancel checked jobs (of every kind) nobody confirmed within ``max_age``, and delete
    their files."""
    cutoff = timezone.now() - max_age
    expired = 0
    for job in UploadJob.objects.filter(status=JobStatus.CHECKED, updated_at__lt=cutoff):
        taken = UploadJob.objects.filter(pk=job.pk, status=JobStatus.CHECKED).update(
            status=JobStatus.CANCELLED, updated_at=timezone.now()
        )
        if taken:
            with translation.override(job.language):
                finish(
                    job,
                    JobStatus.CANCELLED,
                    summary=_("Kedaluwarsa: tidak disimpan dalam 24 jam; tidak ada yang disimpan."),
                )
            expired += 1
    return expired


def fail_interrupted_jobs() -> int:
    """End the jobs a task had started but never finished: their worker stopped with the
    server, or crashed. Run by the worker that ``pilkada serve`` starts (``worker --parent``)
    before it takes any task; a store runs in one transaction, so such a job wrote nothing."""
    interrupted = 0
    for job in UploadJob.objects.filter(status__in=WORKING, started_at__isnull=False):
        with translation.override(job.language):
            finish(
                job,
                JobStatus.FAILED,
                message=_(
                    "Pemrosesan terhenti karena pekerja latar atau server Pilkada berhenti; "
                    "tidak ada yang disimpan. Unggah ulang berkasnya."
                ),
            )
        interrupted += 1
    return interrupted


# --- the two background tasks' bodies (``web.tasks``) ---


def run_dpt_check(job_id: int) -> str:
    """Check a queued job's files (a dry run) and keep the preview on the job."""
    job = take(job_id, JobStatus.QUEUED, JobStatus.READING)
    if job is None:
        return "skipped"
    with translation.override(job.language):
        try:
            before = _versions(job.election, _area_stations(job.election))
            result = import_voter_files(
                job.election,
                stored_files(job),
                names=job.file_names,
                accept_valid=job.accept_valid,
                replace=job.replace,
                dry_run=True,
                rejects=job_folder(job) / REJECTS_NAME,
                user=job.user,
                channel="web",
                request=_request(job),
                progress=reporter(job, storing=False),
                allowed=station_filter(job.user, Action.UPLOAD),
            )
        except VoterImportRejected as exc:
            _rejected(job, exc)
        except Exception as exc:
            failed(job, exc)
            raise UploadFailed(job.pk, exc) from None
        else:
            stations = [s.station_id for s in result.summary.stations]
            job.versions = {str(sid): before.get(sid) for sid in stations}
            _keep_result(job, result, checking=True)
            save_status(job, JobStatus.CHECKED)
    return job.status


def run_dpt_store(job_id: int) -> str:
    """Import a confirmed job's files against the versions its preview was made with."""
    job = take(job_id, JobStatus.STORING, JobStatus.STORING)
    if job is None:
        return "skipped"
    with translation.override(job.language):
        try:
            missing = [name for name, path in zip(job.file_names, stored_files(job), strict=True)
                       if not path.exists()]  # fmt: skip
            if missing:
                finish(job, JobStatus.FAILED, message=_(
                    "Berkas unggahan sudah tidak ada (%(f)s); unggah ulang berkasnya."
                ) % {"f": ", ".join(missing)})  # fmt: skip
                return job.status
            result = import_voter_files(
                job.election,
                stored_files(job),
                names=job.file_names,
                accept_valid=job.accept_valid,
                replace=job.replace,
                user=job.user,
                channel="web",
                request=_request(job),
                expected={int(sid): v for sid, v in job.versions.items() if v is not None},
                progress=reporter(job, storing=True),
                allowed=station_filter(job.user, Action.UPLOAD),
            )
        except StaleVoterList as exc:
            finish(job, JobStatus.STALE, message=str(exc))
        except VoterImportRejected as exc:
            _rejected(job, exc)
        except Exception as exc:
            failed(job, exc)
            raise UploadFailed(job.pk, exc) from None
        else:
            job.batch_id = result.summary.batch_id
            _keep_result(job, result, checking=False)
            finish(job, JobStatus.DONE)
    return job.status


def take(job_id: int, expected: str, status: str) -> UploadJob | None:
    """Mark the job as taken by this task; None if it is not in the ``expected`` state or
    another task took it first (a task delivered twice does nothing the second time)."""
    taken = UploadJob.objects.filter(pk=job_id, status=expected, started_at__isnull=True).update(
        status=status, started_at=timezone.now(), progress=1, updated_at=timezone.now()
    )
    if not taken:
        logger.warning("Upload job %s is not %s; its task does nothing.", job_id, expected)
        return None
    return UploadJob.objects.select_related("election", "user").get(pk=job_id)


def stored_files(job: UploadJob) -> list[Path]:
    return [media_path(p) for p in job.stored_paths]


def _request(job: UploadJob) -> str:
    return f"web/unggah-dpt/{job.pk}"


def _area_stations(election) -> list[int]:
    return list(
        PollingStation.objects.filter(within_q("desa__code", election.area_code)).values_list(
            "pk", flat=True
        )
    )


def _versions(election, station_ids) -> dict[int, int]:
    # Taken before the check reads anything: a list replaced while the check runs then
    # shows up as stale at confirmation, never as silently overwritten.
    return list_versions(election, station_ids)


def _changed_lists(job: UploadJob) -> list[int]:
    recorded = {int(sid): v for sid, v in job.versions.items()}
    now = list_versions(job.election, recorded)
    return [sid for sid, version in recorded.items() if now.get(sid) != version]


def _stale_message(job: UploadJob, changed: list[int]) -> str:
    labels = {s["station_id"]: s["tps"] for s in job.outcome.get("stations", [])}
    named = [labels[sid] for sid in changed if sid in labels][:5]
    return _(
        "DPT %(n)d TPS sudah diubah orang lain sejak berkas ini diperiksa (mis. %(tps)s); "
        "tidak ada yang disimpan. Unggah ulang berkasnya agar perubahan mereka tidak tertimpa."
    ) % {"n": len(changed), "tps": ", ".join(named) or "–"}


def reporter(job: UploadJob, *, storing: bool):
    """The importer's ``progress(stage, done, total)``, written to the job row at once (the
    job page reads it while the task runs)."""

    def report(stage: str, done: int, total: int) -> None:
        total = max(total, 1)
        if stage == "read":
            status = JobStatus.STORING if storing else JobStatus.READING
            percent = 5 + 50 * done // total
            text = _("Membaca berkas %(n)d dari %(t)d: %(f)s") % {
                "n": done + 1,
                "t": total,
                "f": job.file_names[done] if done < len(job.file_names) else "",
            }
        elif stage == "check":
            status = JobStatus.STORING if storing else JobStatus.CHECKING
            percent, text = 60, _("Memeriksa setiap baris")
        else:  # "store": the dry run computes what would change, the real one writes
            status = JobStatus.STORING if storing else JobStatus.CHECKING
            percent = 80
            text = _("Menyimpan ke basis data") if storing else _("Menghitung perubahan per TPS")
        UploadJob.objects.filter(pk=job.pk).update(
            status=status, progress=percent, stage=text[:200], updated_at=timezone.now()
        )

    return report


def _keep_result(job: UploadJob, result: VoterImport, *, checking: bool) -> None:
    summary, checked = result.summary, result.checked
    totals = {
        name: summary.total(name)
        for name in ("created", "updated", "unchanged", "removed", "voters_before", "voters_after")
    }
    job.outcome = {
        "stations": [asdict(s) for s in summary.stations[:KEPT_STATIONS]],
        "station_count": len(summary.stations),
        "totals": totals,
        "rejected": summary.rejected,
        "skipped_total_rows": summary.skipped_total_rows,
        "notes": result.notes,
    }
    errors = checked.file_errors + checked.errors
    job.errors = [str(e) for e in errors[:KEPT_MESSAGES]]
    job.error_count = len(errors)
    job.warnings = [str(w) for w in checked.warnings[:KEPT_MESSAGES]]
    job.warning_count = len(checked.warnings)
    if checking and result.rejects is not None:
        job.rejects_path = relative(result.rejects)
    job.summary = summary.describe()


def _rejected(job: UploadJob, exc: VoterImportRejected) -> None:
    job.errors = exc.messages[:KEPT_MESSAGES]
    job.error_count = exc.count
    if exc.rejects is not None:
        job.rejects_path = relative(Path(exc.rejects))
    finish(
        job,
        JobStatus.REJECTED,
        summary=_("DPT ditolak: %(n)d kesalahan; tidak ada data yang ditulis.") % {"n": exc.count},
    )


class UploadFailed(Exception):
    """An unexpected failure of a job, re-raised for the task's record without the original
    message: a database error's text can quote a row, NIK included."""

    def __init__(self, job_id: int, exc: BaseException):
        super().__init__(f"upload job {job_id} failed: {type(exc).__name__}")


def failed(job: UploadJob, exc: BaseException) -> None:
    # where it failed, but not the exception's text (it may quote personal data)
    frames = "".join(traceback.format_tb(exc.__traceback__))
    logger.error("Upload job %s failed: %s\n%s", job.pk, type(exc).__name__, frames)
    finish(
        job,
        JobStatus.FAILED,
        message=_(
            "Terjadi kesalahan tak terduga saat memproses berkas; tidak ada yang disimpan. "
            "Beri tahu pengelola sistem (unggahan #%(id)d)."
        )
        % {"id": job.pk},
    )


def save_status(job: UploadJob, status: str) -> None:
    job.status = status
    job.progress = 100
    job.stage = ""
    job.save()


def finish(job: UploadJob, status: str, *, summary: str = "", message: str = "") -> None:
    """End the job: final status, texts, and the uploaded files deleted."""
    if summary:
        job.summary = summary
    if message:
        job.message = message
    job.finished_at = timezone.now()
    save_status(job, status)
    folder = job_folder(job)
    if folder is not None:
        shutil.rmtree(folder / UPLOADS_FOLDER, ignore_errors=True)
