from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pilkada.regions import codes


class RegionLevel(models.TextChoices):
    PROVINSI = "provinsi", _("Provinsi")
    KABKOTA = "kabkota", _("Kabupaten/Kota")
    KECAMATAN = "kecamatan", _("Kecamatan")
    DESA = "desa", _("Desa/Kelurahan")


class Region(models.Model):
    """An administrative region identified by its official Kemendagri code.

    The code is the tree: ``62.10.02`` (Kecamatan Kurun) lies in ``62.10`` (Kabupaten Gunung Mas)
    because it starts with it, so there is no parent pointer to keep in step. The level follows
    from the number of segments and is stored for filtering.
    """

    code = models.CharField(
        _("kode"),
        max_length=13,
        unique=True,
        validators=[
            RegexValidator(
                codes.CODE_RE, _("Kode Kemendagri bertitik, misalnya 62.10.02 atau 62.10.02.1012.")
            )
        ],
    )
    name = models.CharField(_("nama"), max_length=200)
    level = models.CharField(_("tingkat"), max_length=10, choices=RegionLevel.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        indexes = [models.Index(fields=["level", "code"], name="region_level_code")]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=RegionLevel.values), name="region_level_valid"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        # The level follows from the code; an edit in the admin cannot make them disagree.
        if codes.is_valid_code(self.code):
            self.level = codes.level_of(self.code)


class PollingStation(models.Model):
    """A TPS (tempat pemungutan suara): one numbered station in one desa/kelurahan.

    The number is text with leading zeros (``001``). The registered voter counts are the
    station's DPT by sex; every election held at the station that day shares them.
    """

    desa = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="polling_stations",
        verbose_name=_("desa/kelurahan"),
    )
    number = models.CharField(
        _("nomor TPS"),
        max_length=3,
        validators=[RegexValidator(r"^\d{3}$", _("Nomor TPS tiga digit, misalnya 001."))],
    )
    registered_men = models.PositiveIntegerField(_("DPT laki-laki"), default=0)
    registered_women = models.PositiveIntegerField(_("DPT perempuan"), default=0)
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("lintang"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("bujur"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        ordering = ["desa__code", "number"]
        verbose_name = _("TPS")
        verbose_name_plural = _("TPS")
        constraints = [
            models.UniqueConstraint(fields=["desa", "number"], name="tps_unique_number_in_desa"),
            models.CheckConstraint(
                condition=Q(registered_men__gte=0) & Q(registered_women__gte=0),
                name="tps_registered_non_negative",
            ),
        ]

    def __str__(self):
        return f"TPS {self.number} {self.desa.name}"

    @property
    def registered_total(self) -> int:
        return self.registered_men + self.registered_women

    @property
    def sirekap_id(self) -> str:
        return codes.sirekap_tps_id(self.desa.code, self.number)
