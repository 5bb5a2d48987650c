from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pilkada.regions.models import Region
from pilkada.tallies.form import SCHEMES


class ElectionKind(models.TextChoices):
    GUBERNUR = "gubernur", _("Pemilihan Gubernur dan Wakil Gubernur")
    BUPATI = "bupati", _("Pemilihan Bupati dan Wakil Bupati")
    WALIKOTA = "walikota", _("Pemilihan Walikota dan Wakil Walikota")
    PRESIDEN = "presiden", _("Pemilihan Presiden dan Wakil Presiden")


class VoterSchemeCode(models.TextChoices):
    Y2018 = "2018", _("2018/2020: DPT, DPPh, DPTb")
    Y2024 = "2024", _("2024: DPT, DPTb, DPK")


class Election(models.Model):
    """One election (pemilihan) over one region, e.g. Pilbup Gunung Mas 2024.

    Several elections may share a polling day and the same TPS (in 2024 every TPS ran a
    governor and a bupati/walikota election); each has its own candidates and result sheets.
    ``code`` is the short name users type on the command line (``--election``).
    """

    code = models.SlugField(_("kode"), max_length=60, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=10, choices=ElectionKind.choices)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="elections",
        verbose_name=_("wilayah"),
        null=True,
        blank=True,
        help_text=_("Kosong hanya untuk pemilihan presiden (seluruh Indonesia)."),
    )
    polling_date = models.DateField(_("hari pemungutan suara"))
    voter_scheme = models.CharField(
        _("skema kategori pemilih"),
        max_length=4,
        choices=VoterSchemeCode.choices,
        default=VoterSchemeCode.Y2024,
    )
    voter_limit = models.PositiveIntegerField(
        _("batas pemilih per TPS"), default=600, validators=[MinValueValidator(1)]
    )
    reserve_percent = models.DecimalField(
        _("persen surat suara cadangan"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("2.5"),
    )
    is_simulated = models.BooleanField(
        _("data simulasi"),
        default=False,
        help_text=_("Tandai pemilihan contoh agar setiap tampilan menyebutnya data simulasi."),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        ordering = ["-polling_date", "code"]
        verbose_name = _("pemilihan")
        verbose_name_plural = _("pemilihan")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ElectionKind.values), name="election_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(voter_scheme__in=VoterSchemeCode.values),
                name="election_scheme_valid",
            ),
            models.CheckConstraint(
                condition=Q(reserve_percent__gte=0) & Q(reserve_percent__lte=100),
                name="election_reserve_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(region__isnull=False) | Q(kind="presiden"),
                name="election_region_unless_national",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def area_code(self) -> str:
        """The code of the region the election covers; ``""`` for a national election."""
        return self.region.code if self.region_id else ""

    @property
    def area_name(self) -> str:
        return self.region.name if self.region_id else str(_("Indonesia"))

    @property
    def scheme(self):
        return SCHEMES[self.voter_scheme]


class PairKind(models.TextChoices):
    PARTY = "partai", _("Diusung partai politik")
    INDEPENDENT = "perseorangan", _("Perseorangan")
    EMPTY_BOX = "kotak_kosong", _("Kotak kosong")


class CandidatePair(models.Model):
    """A candidate pair (paslon) on one election's ballot, or its "empty box" column.

    Where a single pair runs (calon tunggal) the ballot carries a kotak kosong column that is
    counted like a candidate and can win; it is stored as a pair of kind ``kotak_kosong``.
    """

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="pairs", verbose_name=_("pemilihan")
    )
    number = models.PositiveSmallIntegerField(_("nomor urut"), validators=[MinValueValidator(1)])
    kind = models.CharField(_("jenis"), max_length=12, choices=PairKind.choices)
    head_name = models.CharField(_("nama calon"), max_length=200, blank=True)
    deputy_name = models.CharField(_("nama calon wakil"), max_length=200, blank=True)
    parties = models.JSONField(_("partai pengusung"), default=list, blank=True)

    class Meta:
        ordering = ["election", "number"]
        verbose_name = _("pasangan calon")
        verbose_name_plural = _("pasangan calon")
        constraints = [
            models.UniqueConstraint(fields=["election", "number"], name="pair_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="pair_number_positive"),
            models.CheckConstraint(condition=Q(kind__in=PairKind.values), name="pair_kind_valid"),
        ]

    def __str__(self):
        return f"{self.number:02d}. {self.display_name}"

    @property
    def display_name(self) -> str:
        if self.kind == PairKind.EMPTY_BOX:
            return str(_("Kotak kosong"))
        return f"{self.head_name} – {self.deputy_name}"
