"""Uploads handled in the background, and their history.

An :class:`UploadJob` is one upload through the web app of voter-list (DPT) workbooks or of a
result (C.Hasil) workbook: the files are checked by a background task (a dry run that writes
nothing), the uploader sees the preview, and confirming runs a second task that stores them.
The row is the progress bar while a task runs, the preview afterwards, and a line of the
election's import history (one per kind) for good.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pilkada.elections.models import Election
from pilkada.voters.models import VoterListImport


class JobKind(models.TextChoices):
    DPT = "dpt", _("DPT")
    RESULTS = "results", _("hasil TPS")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("menunggu giliran")
    READING = "reading", _("membaca berkas")
    CHECKING = "checking", _("memeriksa")
    CHECKED = "checked", _("siap disimpan")
    STORING = "storing", _("menyimpan")
    DONE = "done", _("selesai")
    REJECTED = "rejected", _("ditolak")
    FAILED = "failed", _("gagal")
    STALE = "stale", _("sudah diubah orang lain")
    CANCELLED = "cancelled", _("dibatalkan")


# A task is working on these (or is about to): the page refreshes itself.
RUNNING = (JobStatus.QUEUED, JobStatus.READING, JobStatus.CHECKING, JobStatus.STORING)
# Nothing more will happen to these.
FINISHED = (
    JobStatus.DONE,
    JobStatus.REJECTED,
    JobStatus.FAILED,
    JobStatus.STALE,
    JobStatus.CANCELLED,
)


class UploadJob(models.Model):
    """One upload through the web (DPT workbooks, or a result workbook): who sent which files
    with which options, how far its background check or store has come, what the check found,
    and how it ended.

    Files live under ``MEDIA_ROOT`` (paths here are relative to it) until the job ends; the
    rejects workbook stays for the history. Texts (errors, warnings, the summary line) are the
    importer's, which mask every NIK. ``accept_valid``, ``replace`` and ``batch`` are for DPT
    uploads only; ``outcome`` holds each kind's own preview (see ``web.services`` and
    ``web.results_jobs``).
    """

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="upload_jobs", verbose_name=_("pemilihan")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("pengunggah"),
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=JobKind.choices)
    file_names = models.JSONField(_("nama berkas"), default=list)  # as the user named them
    stored_paths = models.JSONField(_("berkas tersimpan"), default=list, blank=True)
    accept_valid = models.BooleanField(_("impor baris yang sah saja"), default=False)
    replace = models.BooleanField(_("ganti seluruh DPT TPS dalam berkas"), default=False)
    language = models.CharField(_("bahasa"), max_length=10, default="id")

    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("kemajuan (%)"), default=0)
    stage = models.CharField(_("tahap"), max_length=200, blank=True)
    task_id = models.CharField(_("tugas latar"), max_length=64, blank=True)

    # What the check found (and, once stored, what the import did): totals and per-TPS counts.
    outcome = models.JSONField(_("hasil pemeriksaan"), default=dict, blank=True)
    errors = models.JSONField(_("kesalahan"), default=list, blank=True)  # the first ones
    error_count = models.PositiveIntegerField(_("jumlah kesalahan"), default=0)
    warnings = models.JSONField(_("peringatan"), default=list, blank=True)  # the first ones
    warning_count = models.PositiveIntegerField(_("jumlah peringatan"), default=0)
    rejects_path = models.CharField(_("berkas tolakan"), max_length=300, blank=True)
    # The version of each TPS's voter list (DPT) or result sheet (hasil) the preview was made
    # against ({TPS id: version or null}): the store refuses to run over one someone else
    # changed since.
    versions = models.JSONField(_("versi data saat diperiksa"), default=dict, blank=True)
    summary = models.TextField(_("ringkasan"), blank=True)
    message = models.TextField(_("keterangan"), blank=True)  # why it failed or went stale
    batch = models.ForeignKey(
        VoterListImport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("impor DPT"),
    )

    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    started_at = models.DateTimeField(_("mulai diproses"), null=True, blank=True)  # by a task
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("unggahan")
        verbose_name_plural = _("unggahan")
        indexes = [
            models.Index(fields=["election", "kind", "-created_at"], name="uploadjob_history")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=JobStatus.values), name="uploadjob_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=JobKind.values), name="uploadjob_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="uploadjob_progress_le_100"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} {', '.join(self.file_names)}"

    @property
    def running(self) -> bool:
        return self.status in RUNNING

    @property
    def finished(self) -> bool:
        return self.status in FINISHED
