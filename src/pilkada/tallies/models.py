from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pilkada.elections.models import CandidatePair, Election
from pilkada.regions.models import PollingStation
from pilkada.tallies.form import FIELDS, SheetNumbers


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Dikirim")
    VERIFIED = "verified", _("Terverifikasi")
    DISPUTED = "disputed", _("Disengketakan")


class ChangeSource(models.TextChoices):
    FORM = "form", _("Formulir web")
    FILE = "file", _("Berkas")
    API = "api", _("API")
    CLI = "cli", _("Baris perintah")
    DEMO = "demo", _("Data simulasi")


class TallySheet(models.Model):
    """The result form (C.Hasil-KWK) of one election at one TPS, as last saved.

    Every numeric box of the paper form is a nullable column (see ``tallies.form.FIELDS``);
    ``None`` means "not entered", so a witness's first report of only the votes leaves the
    other sections unevaluated rather than zero. Votes per pair live in ``PairVote``.
    ``version`` grows by one on every save and each save is kept as a ``TallySheetRevision``.
    Numbers that break the form's rules are still stored: a wrong form is evidence.
    """

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="sheets", verbose_name=_("pemilihan")
    )
    polling_station = models.ForeignKey(
        PollingStation, on_delete=models.PROTECT, related_name="sheets", verbose_name=_("TPS")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("versi"), default=1)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diubah oleh"),
    )

    class Meta:
        ordering = ["election", "polling_station"]
        verbose_name = _("formulir C.Hasil")
        verbose_name_plural = _("formulir C.Hasil")
        constraints = [
            models.UniqueConstraint(
                fields=["election", "polling_station"], name="sheet_unique_per_election_tps"
            ),
            models.CheckConstraint(
                condition=Q(status__in=SheetStatus.values), name="sheet_status_valid"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="sheet_version_positive"),
        ]

    def __str__(self):
        return f"{self.election.code} / {self.polling_station}"

    def numbers(self, votes: dict[int, int | None] | None = None) -> SheetNumbers:
        """The form's numbers; pass ``votes`` when they were fetched in bulk."""
        if votes is None:
            votes = {v.pair.number: v.votes for v in self.votes.select_related("pair")}
        return SheetNumbers(fields={f: getattr(self, f) for f in FIELDS}, votes=votes)


for _name in FIELDS:
    # Labels depend on the election's voter scheme, so the UI takes them from
    # ``form.field_label``; the column keeps the field name.
    models.PositiveIntegerField(_name, null=True, blank=True).contribute_to_class(TallySheet, _name)


class PairVote(models.Model):
    """Valid votes for one candidate pair on one result sheet (section IV of the form)."""

    sheet = models.ForeignKey(TallySheet, on_delete=models.CASCADE, related_name="votes")
    pair = models.ForeignKey(CandidatePair, on_delete=models.PROTECT, related_name="votes")
    votes = models.PositiveIntegerField(_("suara sah"))

    class Meta:
        verbose_name = _("suara pasangan calon")
        verbose_name_plural = _("suara pasangan calon")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "pair"], name="pairvote_unique_per_sheet"),
        ]

    def __str__(self):
        return f"{self.sheet_id}/{self.pair_id}: {self.votes}"


class TallySheetRevision(models.Model):
    """One saved version of a result sheet: its numbers, who saved it, when, and from where.

    Rows are only ever added. ``source_file``/``source_sheet``/``source_row`` locate the
    spreadsheet row an import took the numbers from; ``note`` carries a correction's reason.
    """

    sheet = models.ForeignKey(TallySheet, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField(_("versi"))
    numbers = models.JSONField(_("angka"))
    status = models.CharField(_("status"), max_length=10, choices=SheetStatus.choices)
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oleh"),
    )
    source = models.CharField(_("sumber"), max_length=10, choices=ChangeSource.choices)
    source_file = models.CharField(_("berkas"), max_length=255, blank=True)
    source_sheet = models.CharField(_("lembar"), max_length=100, blank=True)
    source_row = models.PositiveIntegerField(_("baris"), null=True, blank=True)
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        ordering = ["sheet", "version"]
        verbose_name = _("riwayat formulir")
        verbose_name_plural = _("riwayat formulir")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "version"], name="revision_unique_version"),
            models.CheckConstraint(
                condition=Q(source__in=ChangeSource.values), name="revision_source_valid"
            ),
        ]

    def __str__(self):
        return f"{self.sheet_id} v{self.version}"
