"""The voter list (DPT, Daftar Pemilih Tetap) of an election, TPS by TPS.

KPU publishes and corrects the list per TPS, so a TPS's list is the unit of change: an import
replaces the whole list of every TPS its file covers and leaves the other TPS alone. Each TPS's
list carries a version (:class:`StationVoterList`) so that a replacement prepared against one
version is refused once someone else has replaced that list since.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from pilkada.elections.models import Election
from pilkada.regions.models import PollingStation


class Sex(models.TextChoices):
    MAN = "L", _("Laki-laki")
    WOMAN = "P", _("Perempuan")


class Marital(models.TextChoices):
    """STATUS PERKAWINAN as the KPU list writes it. S and P make a voter eligible whatever
    their age."""

    UNMARRIED = "B", _("Belum kawin")
    MARRIED = "S", _("Sudah kawin")
    WAS_MARRIED = "P", _("Pernah kawin")


class Disability(models.TextChoices):
    """KETERANGAN (disability) categories of the current KPU list; older lists' words (tuna
    daksa, tuna netra, …) and codes 1–5 are read into these (see ``voters.columns``)."""

    PHYSICAL = "fisik", _("Fisik")
    INTELLECTUAL = "intelektual", _("Intelektual")
    MENTAL = "mental", _("Mental")
    SPEECH = "wicara", _("Sensorik wicara")
    HEARING = "rungu", _("Sensorik rungu")
    SIGHT = "netra", _("Sensorik netra")
    OTHER = "lainnya", _("Lainnya")


class VoterListImport(models.Model):
    """One import of voter-list files: who, when, which file (with its SHA-256), and what it
    did. Every voter row points at the import that wrote it."""

    election = models.ForeignKey(
        Election,
        on_delete=models.CASCADE,
        related_name="voter_imports",
        verbose_name=_("pemilihan"),
    )
    file_name = models.CharField(_("berkas"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pengguna"),
    )
    source = models.CharField(_("saluran"), max_length=10, default="cli")
    stations = models.PositiveIntegerField(_("TPS"), default=0)
    voters = models.PositiveIntegerField(_("pemilih"), default=0)
    rejected = models.PositiveIntegerField(_("baris ditolak"), default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("impor DPT")
        verbose_name_plural = _("impor DPT")

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


class StationVoterList(models.Model):
    """The voter list of one TPS in one election as a whole: its version (optimistic locking
    of replacements), counts, and a SHA-256 over its rows, which the change log records."""

    election = models.ForeignKey(
        Election,
        on_delete=models.CASCADE,
        related_name="station_lists",
        verbose_name=_("pemilihan"),
    )
    polling_station = models.ForeignKey(
        PollingStation, on_delete=models.PROTECT, related_name="voter_lists", verbose_name=_("TPS")
    )
    version = models.PositiveIntegerField(_("versi"), default=1)
    voters = models.PositiveIntegerField(_("pemilih"), default=0)
    men = models.PositiveIntegerField(_("laki-laki"), default=0)
    women = models.PositiveIntegerField(_("perempuan"), default=0)
    digest = models.CharField(_("SHA-256 isi"), max_length=64)
    last_import = models.ForeignKey(
        VoterListImport, on_delete=models.PROTECT, related_name="+", verbose_name=_("impor")
    )
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        ordering = ["election", "polling_station"]
        verbose_name = _("DPT per TPS")
        verbose_name_plural = _("DPT per TPS")
        constraints = [
            models.UniqueConstraint(
                fields=["election", "polling_station"], name="voterlist_unique_per_election_tps"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="voterlist_version_positive"),
            models.CheckConstraint(
                condition=Q(voters=models.F("men") + models.F("women")),
                name="voterlist_counts_add_up",
            ),
        ]

    def __str__(self):
        return f"{self.election.code} / {self.polling_station}"


class Voter(models.Model):
    """One voter on the list of one TPS (a row of the KPU DPT workbook).

    NIK and NKK are stored in full, as 16-digit text; every page, export and log shows them
    masked unless the user may see them in full (``voters.privacy``). The NIK's region part
    is where the person registered, never where they vote: the TPS is ``polling_station``.
    """

    # Two composite indexes serve every lookup; a third index per foreign key would only slow
    # down the bulk load of millions of rows.
    election = models.ForeignKey(
        Election,
        on_delete=models.CASCADE,
        related_name="voters",
        verbose_name=_("pemilihan"),
        db_index=False,
    )
    polling_station = models.ForeignKey(
        PollingStation,
        on_delete=models.PROTECT,
        related_name="voters",
        verbose_name=_("TPS"),
        db_index=False,
    )
    number = models.PositiveIntegerField(_("nomor urut"), null=True, blank=True)
    nkk = models.CharField(_("NKK"), max_length=16, blank=True)
    nik = models.CharField(_("NIK"), max_length=16)
    name = models.CharField(_("nama lengkap"), max_length=200)
    birth_place = models.CharField(_("tempat lahir"), max_length=100, blank=True)
    birth_date = models.DateField(_("tanggal lahir"))
    marital = models.CharField(_("status perkawinan"), max_length=1, choices=Marital.choices)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    rt = models.CharField(_("RT"), max_length=5, blank=True)
    rw = models.CharField(_("RW"), max_length=5, blank=True)
    disability = models.CharField(
        _("disabilitas"), max_length=12, choices=Disability.choices, blank=True
    )
    batch = models.ForeignKey(
        VoterListImport,
        on_delete=models.PROTECT,
        related_name="rows",
        verbose_name=_("impor"),
        db_index=False,
    )

    class Meta:
        ordering = ["election", "polling_station", "number", "id"]
        verbose_name = _("pemilih")
        verbose_name_plural = _("pemilih")
        permissions = [("view_full_nik", _("Dapat melihat NIK dan NKK lengkap"))]
        indexes = [
            models.Index(fields=["election", "nik"], name="voter_election_nik"),
            models.Index(fields=["polling_station", "election"], name="voter_tps_election"),
        ]
        constraints = [
            # digits are checked on import; the length here is what any database can check
            models.CheckConstraint(condition=Exact(Length("nik"), 16), name="voter_nik_16"),
            models.CheckConstraint(
                condition=Q(nkk="") | Q(Exact(Length("nkk"), 16)), name="voter_nkk_16"
            ),
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="voter_sex_valid"),
            models.CheckConstraint(
                condition=Q(marital__in=Marital.values), name="voter_marital_valid"
            ),
            models.CheckConstraint(
                condition=Q(disability="") | Q(disability__in=Disability.values),
                name="voter_disability_valid",
            ),
        ]

    def __str__(self):
        return self.name
