"""Uploads of result workbooks (C.Hasil) run as background jobs (:class:`UploadJob` of kind
"results"), like the DPT upload (``web.services``, whose job plumbing this module shares).

1. :func:`start_results_check` stores the file under ``MEDIA_ROOT/hasil/<token>/`` and queues
   :func:`run_results_check`: a dry run of :func:`~pilkada.tallies.imports.import_results_file`
   that writes nothing but the job row: its progress, then the preview (TPS new, changed,
   unchanged, conflicts, flagged, and each TPS's boxes old → new), or the located errors of a
   rejected file; a workbook of the errors (or of the conflicts: rows left alone) to fix the
   file with; and the version of every sheet the preview was made against.
2. :func:`confirm_results_job` queues :func:`run_results_store`, which imports the same file
   with those versions as ``expected``: a sheet created or changed by someone else in between
   is refused (the job ends "stale") and nothing is written. "Batal" is
   :func:`~pilkada.web.services.cancel_job`.

The stored upload is deleted when the job ends; the rejects workbook stays for the history.
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from pilkada.access.policy import Action, station_filter
from pilkada.core.chunks import chunked
from pilkada.core.imports import ImportRejected
from pilkada.dataio.errors import CellError
from pilkada.regions.models import PollingStation
from pilkada.tallies.imports import (
    Problem,
    ResultSummary,
    SheetsChanged,
    import_results_file,
)
from pilkada.tallies.models import TallySheet
from pilkada.web import services
from pilkada.web.models import JobKind, JobStatus, UploadJob

REJECTS_NAME = services.REJECTS_NAME
KEPT_MESSAGES = services.KEPT_MESSAGES  # errors and conflicts kept on the job
KEPT_OUTCOMES = 500  # TPS whose box-by-box changes are kept for the preview; counts cover all
REJECTS_SHEET = "Kesalahan"


def start_results_check(election, user, upload, *, language: str = "") -> UploadJob:
    """Store ``upload`` and queue its check; the job to follow on its page."""
    from pilkada.web.tasks import check_results_upload

    services.expire_unconfirmed_jobs()
    job = UploadJob.objects.create(
        election=election,
        user=user,
        kind=JobKind.RESULTS,
        file_names=[Path(upload.name).name],
        stored_paths=services.store_uploads([upload], JobKind.RESULTS),
        language=language or settings.LANGUAGE_CODE,
        stage=_("Menunggu giliran"),
    )
    services.enqueue(job, check_results_upload)
    return job


def confirm_results_job(job: UploadJob) -> UploadJob:
    """Queue the store of a checked job (the user's "Simpan"). A sheet that already changed
    since the check ends the job as stale at once, without a task."""
    from pilkada.web.tasks import store_results_upload

    services.take_for_store(job)
    changed = changed_sheets(job)
    if changed:
        with translation.override(job.language):
            services.finish(job, JobStatus.STALE, message=str(SheetsChanged(_labels(changed))))
        return job
    services.enqueue(job, store_results_upload)
    job.refresh_from_db()
    return job


def cancel_results_job(job: UploadJob) -> UploadJob:
    return services.cancel_job(job)


def changed_sheets(job: UploadJob) -> list[int]:
    """The TPS (ids) whose sheet is no longer at the version the job's check read."""
    recorded = {int(sid): version for sid, version in job.versions.items()}
    now: dict[int, int] = {}
    for chunk in chunked(recorded):
        now.update(
            TallySheet.objects.filter(election=job.election, polling_station__in=chunk).values_list(
                "polling_station_id", "version"
            )
        )
    return [sid for sid, version in recorded.items() if now.get(sid) != version]


def _labels(station_ids: list[int]) -> list[str]:
    return [
        s.sirekap_id
        for chunk in chunked(station_ids)
        for s in PollingStation.objects.filter(pk__in=chunk).select_related("desa")
    ]


# --- the two background tasks' bodies (``web.tasks``) ---


def run_results_check(job_id: int) -> str:
    """Check a queued job's file (a dry run) and keep the preview on the job."""
    job = services.take(job_id, JobStatus.QUEUED, JobStatus.READING)
    if job is None:
        return "skipped"
    with translation.override(job.language):
        try:
            summary = _import(job, dry_run=True)
        except ImportRejected as exc:
            _rejected(job, exc)
        except Exception as exc:
            services.failed(job, exc)
            raise services.UploadFailed(job.pk, exc) from None
        else:
            job.versions = {str(sid): version for sid, version in summary.versions.items()}
            _keep_summary(job, summary)
            if summary.conflict_problems:
                path = services.job_folder(job) / REJECTS_NAME
                write_rejects(path, summary.conflict_problems)
                job.rejects_path = services.relative(path)
            services.save_status(job, JobStatus.CHECKED)
    return job.status


def run_results_store(job_id: int) -> str:
    """Import a confirmed job's file against the sheet versions its preview was made with."""
    job = services.take(job_id, JobStatus.STORING, JobStatus.STORING)
    if job is None:
        return "skipped"
    with translation.override(job.language):
        try:
            missing = [
                name
                for name, path in zip(job.file_names, services.stored_files(job), strict=True)
                if not path.exists()
            ]
            if missing:
                services.finish(
                    job,
                    JobStatus.FAILED,
                    message=_("Berkas unggahan sudah tidak ada (%(f)s); unggah ulang berkasnya.")
                    % {"f": ", ".join(missing)},
                )
                return job.status
            summary = _import(
                job,
                expected={int(sid): version for sid, version in job.versions.items()},
            )
        except SheetsChanged as exc:
            services.finish(job, JobStatus.STALE, message=str(exc))
        except ImportRejected as exc:
            _rejected(job, exc)
        except Exception as exc:
            services.failed(job, exc)
            raise services.UploadFailed(job.pk, exc) from None
        else:
            _keep_summary(job, summary)
            services.finish(job, JobStatus.DONE)
    return job.status


def _import(job: UploadJob, *, dry_run: bool = False, expected=None) -> ResultSummary:
    storing = not dry_run
    return import_results_file(
        job.election,
        services.stored_files(job)[0],
        dry_run=dry_run,
        user=job.user,
        isolated=True,
        allowed=station_filter(job.user, Action.UPLOAD),
        name=job.file_names[0],
        request=request_label(job),
        expected=expected,
        progress=services.reporter(job, storing=storing),
    )


def request_label(job: UploadJob) -> str:
    """What the change log records as the request of the job's writes."""
    return f"web/unggah-hasil/{job.pk}"


def _keep_summary(job: UploadJob, summary: ResultSummary) -> None:
    job.outcome = {
        "counts": {
            "created": summary.created,
            "changed": summary.changed,
            "unchanged": summary.unchanged,
            "conflicts": len(summary.conflicts),
            "flagged": summary.flagged,
            "empty": summary.empty,
        },
        "outcomes": [
            {
                "tps": o.tps_id,
                "where": o.where,
                "created": o.created,
                "rules": list(o.broken_rules),
                "changes": [[key, old, new] for key, old, new in o.changes],
            }
            for o in summary.outcomes[:KEPT_OUTCOMES]
        ],
        "outcome_count": len(summary.outcomes),
        "conflicts": summary.conflicts[:KEPT_MESSAGES],
        "ignored_columns": summary.ignored_columns,
        "skipped_sheets": [list(s) for s in summary.skipped_sheets],
    }
    job.summary = summary.describe().strip()


def _rejected(job: UploadJob, exc: ImportRejected) -> None:
    problems = getattr(exc, "problems", None) or [
        Problem(CellError(file=job.file_names[0], message=m)) for m in exc.messages
    ]
    job.errors = [str(p) for p in problems[:KEPT_MESSAGES]]
    job.error_count = len(problems)
    folder = services.job_folder(job)
    if folder is not None:
        path = folder / REJECTS_NAME
        write_rejects(path, problems)
        job.rejects_path = services.relative(path)
    services.finish(
        job,
        JobStatus.REJECTED,
        summary=_("Berkas hasil ditolak: %(n)d kesalahan; tidak ada data yang ditulis.")
        % {"n": len(problems)},
    )


# --- the rejects workbook ---


def write_rejects(path: Path | str, problems: list[Problem]) -> Path:
    """A workbook listing each problem on its own row (file, sheet, cell, row, column, TPS
    code, message) in the file's order, to fix the file by."""
    path = Path(path)
    workbook = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False},
    )
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    as_text = workbook.add_format({"num_format": "@"})
    wrapped = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet = workbook.add_worksheet(REJECTS_SHEET)
    headers = [
        (_("BERKAS"), 24),
        (_("LEMBAR"), 16),
        (_("SEL"), 8),
        (_("BARIS"), 8),
        (_("KOLOM"), 20),
        ("KODE TPS", 16),
        (_("PESAN"), 80),
    ]
    for index, (header, width) in enumerate(headers):
        sheet.write_string(0, index, header, bold)
        sheet.set_column(index, index, width, wrapped if index == len(headers) - 1 else None)
    sheet.freeze_panes(1, 0)
    for r, problem in enumerate(problems, start=1):
        error = problem.error
        sheet.write_string(r, 0, error.file)
        if error.sheet is not None:
            sheet.write_string(r, 1, error.sheet)
        if error.cell:
            sheet.write_string(r, 2, error.cell)
        if error.row is not None:
            sheet.write_number(r, 3, error.row)
        if error.header or error.column:
            sheet.write_string(r, 4, error.header or error.column)
        if problem.tps:
            sheet.write_string(r, 5, str(problem.tps), as_text)
        sheet.write_string(r, 6, error.message, wrapped)
    if problems:
        sheet.autofilter(0, 0, len(problems), len(headers) - 1)
    workbook.close()
    return path
